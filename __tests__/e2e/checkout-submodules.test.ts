/**
 * Submodules and LFS (§1) through the built action against the real server, each job in the
 * tree an earlier job left: submodules with relative URLs switched on and off in one tree, LFS
 * pointers and real objects.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import { addLfsFile, createRepo, createSubmoduleRepos } from '../../testkit/git-fixtures.js'
import { itWithGitLfs } from '../../testkit/requirements.js'
import { expectConclusion, git } from './helpers.js'

let world: E2EWorld
beforeAll(async () => {
  world = await createWorld()
})
afterAll(() => world.close())

async function checkout(repository: string, options: Record<string, string>) {
  const result = await world.job({ repository, with: { ref: 'main', ...options } }).result
  expectConclusion(result, 'success')
  return result
}

describe('submodules with relative URLs', () => {
  it('false → true → recursive → false in one tree', async () => {
    createSubmoduleRepos(world.upstream)
    const sub = (tree: string) => path.join(tree, 'libs/sub/sub.txt')
    const deep = (tree: string) => path.join(tree, 'libs/sub/deep/deep.txt')

    const none = await checkout('acme/super', { submodules: 'false' })
    const tree = none.outputs.path
    expect(existsSync(sub(tree))).toBe(false)

    const one = await checkout('acme/super', { submodules: 'true' })
    expect(one.outputs.path).toBe(tree)
    expect(readFileSync(sub(tree), 'utf8')).toBe('sub\n')
    expect(existsSync(deep(tree))).toBe(false)
    // Resolved against the superproject's server URL (../sub.git), fetched with the token.
    expect(git(tree, ['config', 'submodule.libs/sub.url'])).toBe(`${world.server.url}/acme/sub.git`)

    await checkout('acme/super', { submodules: 'recursive' })
    expect(readFileSync(deep(tree), 'utf8')).toBe('deepest\n')
    expect(git(path.join(tree, 'libs/sub'), ['status', '--porcelain'])).toBe('')
    expect(git(tree, ['status', '--porcelain'])).toBe('')

    // A later job that asks for none gets none, as a fresh checkout would.
    await checkout('acme/super', { submodules: 'false' })
    expect(existsSync(sub(tree))).toBe(false)
  }, 60_000)
})

describe('lfs', () => {
  itWithGitLfs(
    'false leaves the pointer; true checks out the real object from the server',
    async () => {
      const lfsRepo = createRepo(world.upstream, 'acme', 'media')
      const content = `real LFS content ${'x'.repeat(2000)}\n`
      const { oid } = addLfsFile(lfsRepo, 'asset.dat', content)
      const pointer = await checkout('acme/media', { lfs: 'false' })
      const file = path.join(pointer.outputs.path, 'asset.dat')
      expect(readFileSync(file, 'utf8')).toContain(`oid sha256:${oid}`)

      world.server.resetCounters()
      const real = await checkout('acme/media', { lfs: 'true' })
      expect(real.outputs.path).toBe(pointer.outputs.path)
      expect(readFileSync(file, 'utf8')).toBe(content)
      expect(world.server.requests.some(r => r.service === 'lfs-object' && r.status === 200)).toBe(
        true
      )
      // Clean for a step on a runner where git-lfs is installed (`git lfs install` config).
      const lfsInstalled = {
        GIT_CONFIG_COUNT: '3',
        GIT_CONFIG_KEY_0: 'filter.lfs.clean',
        GIT_CONFIG_VALUE_0: 'git-lfs clean -- %f',
        GIT_CONFIG_KEY_1: 'filter.lfs.smudge',
        GIT_CONFIG_VALUE_1: 'git-lfs smudge -- %f',
        GIT_CONFIG_KEY_2: 'filter.lfs.process',
        GIT_CONFIG_VALUE_2: 'git-lfs filter-process'
      }
      expect(git(real.outputs.path, ['status', '--porcelain'], lfsInstalled)).toBe('')
    },
    60_000
  )
})
