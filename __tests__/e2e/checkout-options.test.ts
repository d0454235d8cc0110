/**
 * The checkout options of §1 through the built action against the real server, each job in the
 * tree an earlier job left (submodules and LFS: checkout-submodules.test.ts): fetch-depth
 * changes on one store, fetch-tags, clean, and sparse-checkout per job (§1: the next job in the
 * tree gets what it asks for, sparse or full).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, git, repoPathsOfTree } from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

async function checkout(repository: string, options: Record<string, string>) {
  const result = await world.job({ repository, with: { ref: 'main', ...options } }).result
  expectConclusion(result, 'success')
  return result
}

describe('fetch-depth, fetch-tags and clean on one store and tree', () => {
  const shallow = (dir: string) => git(dir, ['rev-parse', '--is-shallow-repository'])
  const depth = (tree: string) => Number(git(tree, ['rev-list', '--count', 'HEAD']))
  let tree: string
  let store: string

  it('fetch-depth 1 → shallow store; 0 → unshallowed; 1 again → stays full (history is shared)', async () => {
    const one = await checkout('acme/app', { 'fetch-depth': '1' })
    tree = one.outputs.path
    store = repoPathsOfTree(tree).store
    expect(one.outputs.commit).toBe(repo.shas.main)
    expect(shallow(store)).toBe('true')
    expect(shallow(tree)).toBe('true')
    expect(depth(tree)).toBe(1)

    await checkout('acme/app', { 'fetch-depth': '0' })
    expect(shallow(store)).toBe('false')
    expect(shallow(tree)).toBe('false')
    expect(depth(tree)).toBe(3)

    const again = await checkout('acme/app', { 'fetch-depth': '1' })
    expect(again.outputs.commit).toBe(repo.shas.main)
    expect(shallow(store)).toBe('false')
    expect(shallow(tree)).toBe('false')
    expect(depth(tree)).toBe(3)
  }, 60_000)

  it('fetch-tags: false fetches no tags; true fetches them all', async () => {
    expect(git(tree, ['tag', '--list'])).toBe('')
    expect(git(store, ['tag', '--list'])).toBe('')
    await checkout('acme/app', { 'fetch-tags': 'true' })
    expect(git(tree, ['tag', '--list']).split('\n').sort()).toEqual(['both', 'light', 'v1.0'])
    expect(git(tree, ['rev-parse', 'v1.0^{commit}'])).toBe(repo.shas.v1)
  }, 30_000)

  it('clean: false keeps an untracked file; clean: true removes it', async () => {
    const untracked = path.join(tree, 'build-output.txt')
    writeFileSync(untracked, 'left by a previous job\n')
    writeFileSync(path.join(tree, 'README.md'), 'modified by a previous job\n')

    const kept = await checkout('acme/app', { clean: 'false', ref: 'feature' })
    expect(kept.outputs.path).toBe(tree)
    expect(existsSync(untracked)).toBe(true)
    expect(git(tree, ['rev-parse', 'HEAD'])).toBe(repo.shas.feature)

    await checkout('acme/app', { clean: 'true' })
    expect(existsSync(untracked)).toBe(false)
    expect(git(tree, ['status', '--porcelain', '--ignored'])).toBe('')
  }, 30_000)

  it('sparse-checkout: this job gets only what it asked for; the next job in the tree gets it all', async () => {
    const sparse = await checkout('acme/app', {
      'sparse-checkout': '/README.md\n/two.txt',
      'sparse-checkout-cone-mode': 'false'
    })
    expect(sparse.outputs.path).toBe(tree)
    expect(
      readdirSync(tree)
        .filter(n => n !== '.git')
        .sort()
    ).toEqual(['README.md', 'two.txt'])
    expect(git(tree, ['status', '--porcelain'])).toBe('')

    await checkout('acme/app', {})
    expect(
      readdirSync(tree)
        .filter(n => n !== '.git')
        .sort()
    ).toEqual(git(tree, ['ls-tree', '--name-only', 'HEAD']).split('\n').sort())
    expect(git(tree, ['config', '--bool', '--default', 'false', 'core.sparseCheckout'])).toBe(
      'false'
    )
    expect(
      git(tree, ['ls-files', '-t'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
  }, 30_000)
})
