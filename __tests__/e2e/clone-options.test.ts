/**
 * Issue 4, acceptance 8: submodules (relative URLs), LFS, fetch-depth changes on one shared
 * clone, fetch-tags, and clean — each through the built action against the real server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import {
  addLfsFile,
  createRepo,
  createSubmoduleRepos,
  type StandardRepo
} from '../../testkit/git-fixtures.js'
import { expectConclusion, git } from './clone-helpers.js'
import { itWithGitLfs } from '../../testkit/requirements.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

async function sync(repository: string, options: Record<string, string>) {
  const result = await world.job({ repository, with: { ref: 'main', ...options } }).result
  expectConclusion(result, 'success')
  return result
}

describe('submodules with relative URLs', () => {
  it('false → true → recursive → false on one clone', async () => {
    createSubmoduleRepos(world.upstream)
    const sub = (clone: string) => path.join(clone, 'libs/sub/sub.txt')
    const deep = (clone: string) => path.join(clone, 'libs/sub/deep/deep.txt')

    const none = await sync('acme/super', { submodules: 'false' })
    const clone = none.outputs.path
    expect(existsSync(sub(clone))).toBe(false)

    await sync('acme/super', { submodules: 'true' })
    expect(readFileSync(sub(clone), 'utf8')).toBe('sub\n')
    expect(existsSync(deep(clone))).toBe(false)
    // Resolved against the superproject's server URL (../sub.git), fetched with the token.
    expect(git(clone, ['config', 'submodule.libs/sub.url'])).toBe(
      `${world.server.url}/acme/sub.git`
    )

    await sync('acme/super', { submodules: 'recursive' })
    expect(readFileSync(deep(clone), 'utf8')).toBe('deepest\n')
    expect(git(path.join(clone, 'libs/sub'), ['status', '--porcelain'])).toBe('')

    // A later job that asks for none gets none, as a fresh checkout would.
    await sync('acme/super', { submodules: 'false' })
    expect(existsSync(sub(clone))).toBe(false)
  }, 60_000)
})

describe('lfs', () => {
  itWithGitLfs(
    'false leaves the pointer; true checks out the real object from the server',
    async () => {
      const lfsRepo = createRepo(world.upstream, 'acme', 'media')
      const content = `real LFS content ${'x'.repeat(2000)}\n`
      const { oid } = addLfsFile(lfsRepo, 'asset.dat', content)
      const pointer = await sync('acme/media', { lfs: 'false' })
      const file = path.join(pointer.outputs.path, 'asset.dat')
      expect(readFileSync(file, 'utf8')).toContain(`oid sha256:${oid}`)

      world.server.resetCounters()
      const real = await sync('acme/media', { lfs: 'true' })
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

describe('fetch-depth, fetch-tags and clean on one shared clone', () => {
  const shallow = (clone: string) => git(clone, ['rev-parse', '--is-shallow-repository'])
  const depth = (clone: string) => Number(git(clone, ['rev-list', '--count', 'HEAD']))
  let clone: string

  it('fetch-depth 1 → shallow; 0 → unshallowed; 1 again → stays full (history is shared)', async () => {
    const one = await sync('acme/app', { 'fetch-depth': '1' })
    clone = one.outputs.path
    expect(one.outputs.commit).toBe(repo.shas.main)
    expect(shallow(clone)).toBe('true')
    expect(depth(clone)).toBe(1)

    await sync('acme/app', { 'fetch-depth': '0' })
    expect(shallow(clone)).toBe('false')
    expect(depth(clone)).toBe(3)

    const again = await sync('acme/app', { 'fetch-depth': '1' })
    expect(again.outputs.commit).toBe(repo.shas.main)
    expect(shallow(clone)).toBe('false')
    expect(depth(clone)).toBe(3)
  }, 60_000)

  it('fetch-tags: false fetches no tags; true fetches them all', async () => {
    expect(git(clone, ['tag', '--list'])).toBe('')
    await sync('acme/app', { 'fetch-tags': 'true' })
    expect(git(clone, ['tag', '--list']).split('\n').sort()).toEqual(['both', 'light', 'v1.0'])
    expect(git(clone, ['rev-parse', 'v1.0^{commit}'])).toBe(repo.shas.v1)
  }, 30_000)

  it('clean: false keeps an untracked file; clean: true removes it', async () => {
    const untracked = path.join(clone, 'build-output.txt')
    writeFileSync(untracked, 'left by a previous job\n')
    writeFileSync(path.join(clone, 'README.md'), 'modified by a previous job\n')

    await sync('acme/app', { clean: 'false', ref: 'feature' })
    expect(existsSync(untracked)).toBe(true)
    expect(git(clone, ['rev-parse', 'HEAD'])).toBe(repo.shas.feature)

    await sync('acme/app', { clean: 'true' })
    expect(existsSync(untracked)).toBe(false)
    expect(git(clone, ['status', '--porcelain', '--ignored'])).toBe('')
  }, 30_000)
})
