/**
 * Submodule git directories inside a tree (`.git/modules/**`): what a killed job or a crash
 * leaves there — stale lock files, a damaged index, a git directory whose submodule is gone —
 * never makes the next job of the tree fail (§3.2).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createSubmoduleRepos } from '../../../testkit/git-fixtures.js'
import { findGitLockFiles } from '../../../src/git/repair.js'

let world: CheckoutWorld
beforeAll(async () => {
  world = await openCheckoutWorld()
  createSubmoduleRepos(world.upstream)
})
afterAll(() => world.close())

const inputs = { repository: 'acme/super', ref: 'main', submodules: 'recursive' }

describe('submodule git directories', () => {
  it("a submodule's locks (nested, and in a git dir whose worktree is gone) are removed", async () => {
    const first = await world.job(inputs)
    const gitDir = path.join(first.treeDir, '.git')
    const modules = path.join(gitDir, 'modules')
    const planted = [
      path.join(modules, 'libs', 'sub', 'index.lock'),
      path.join(modules, 'libs', 'sub', 'modules', 'deep', 'index.lock'),
      path.join(modules, 'libs', 'sub', 'refs', 'heads', 'y.lock')
    ]
    // A submodule git dir whose worktree is gone (the submodule was dropped upstream).
    const orphan = path.join(modules, 'gone')
    world.git(first.treeDir, ['init', '--quiet', '--bare', orphan])
    planted.push(path.join(orphan, 'HEAD.lock'))
    for (const file of planted) writeFileSync(file, '')
    expect(findGitLockFiles(gitDir)).toEqual([...planted].sort())

    const result = await world.job(inputs)
    expect([...result.repairs].sort()).toEqual([...planted].sort())
    for (const file of planted) {
      expect(existsSync(file)).toBe(false)
      expect(result.log.some(line => line.includes(file))).toBe(true)
    }
    expect(
      world.git(path.join(result.treeDir, 'libs', 'sub', 'deep'), ['status', '--porcelain'])
    ).toBe('')
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
  })

  it("a submodule's damaged index: the submodule is checked out again", async () => {
    const first = await world.job(inputs)
    truncateSync(path.join(first.treeDir, '.git', 'modules', 'libs', 'sub', 'index'), 10)
    const result = await world.job(inputs)
    const sub = path.join(result.treeDir, 'libs', 'sub')
    expect(world.git(sub, ['status', '--porcelain'])).toBe('')
    expect(readFileSync(path.join(sub, 'deep', 'deep.txt'), 'utf8')).toBe('deepest\n')
  })
})
