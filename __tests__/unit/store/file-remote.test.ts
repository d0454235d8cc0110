/**
 * Issue 4: "tests also cover file:// remotes". The inputs accept http(s) servers only, but the
 * flow serves local remotes (mirrors, the command-line tool, tests): a store of a file://
 * upstream fetches every kind of ref, then only what is new, and nested submodules with
 * relative URLs resolve against it (git refuses the file transport for submodules unless it is
 * allowed, which the action does per command, never in a config file).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  advance,
  createStandardRepo,
  createSubmoduleRepos,
  revParse,
  type StandardRepo,
  type SubmoduleRepos
} from '../../../testkit/git-fixtures.js'
import type { CheckoutOptions } from '../../../src/options/options.js'

let world: CheckoutWorld
let repo: StandardRepo
let subs: SubmoduleRepos
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
  subs = createSubmoduleRepos(world.upstream)
})
afterAll(() => world.close())

/** The options of `repository` with its remote replaced by `remote` and no token. */
function localOptions(
  name: string,
  inputs: Record<string, string>,
  remote = `file://${path.join(world.upstream, 'acme', `${name}.git`)}`
): CheckoutOptions {
  const options = world.options({ repository: `acme/${name}`, ...inputs })
  return { ...options, token: '', repo: { ...options.repo, remoteUrl: remote } }
}

async function job(options: CheckoutOptions) {
  const result = await world.checkoutWith(options)
  await world.release(result)
  return result
}

function objectCount(gitDir: string): number {
  const stats = Object.fromEntries(
    world
      .git(gitDir, ['count-objects', '-v'])
      .split('\n')
      .map(line => line.split(': '))
  )
  return Number(stats.count) + Number(stats['in-pack'])
}

describe('a file:// upstream', () => {
  it('branches, tags, pull refs and SHAs, all over the file transport', async () => {
    const cases: [string, string, string][] = [
      ['main', repo.shas.main, 'refs/heads/main'],
      ['v1.0', repo.shas.v1, 'refs/tags/v1.0'],
      ['refs/pull/1/merge', repo.shas.pullMerge, 'refs/pull/1/merge'],
      [repo.shas.pullHead, repo.shas.pullHead, '']
    ]
    world.server.resetCounters()
    for (const [ref, sha, qualified] of cases) {
      const result = await job(localOptions('app', { ref }))
      expect({ ref, sha: result.store.sha, qualified: result.store.ref }).toEqual({
        ref,
        sha,
        qualified
      })
      expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(sha)
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
    }
    expect(world.server.requests).toEqual([])
  })

  it('fetches only the new commits into the store after upstream advanced', async () => {
    const before = await job(localOptions('app', { ref: 'main' }))
    const objectsBefore = objectCount(before.layout.store)
    const tip = advance(repo, 2)
    const result = await job(localOptions('app', { ref: 'main' }))
    expect(result.store).toMatchObject({ sha: tip, created: false, usedStoreLock: true })
    // Two commits, each: commit + root tree + history/ tree + one blob.
    expect(objectCount(result.layout.store) - objectsBefore).toBe(8)
  })

  it('the same upstream spelled as a plain path uses the same store', async () => {
    const result = await job(
      localOptions('app', { ref: 'main' }, path.join(world.upstream, 'acme', 'app.git'))
    )
    expect(result.store.created).toBe(false)
    expect(result.setAside).toEqual([])
    expect(result.store.sha).toBe(revParse(repo, 'main'))
  })

  it('submodules: recursive, with relative URLs resolved against the file:// superproject', async () => {
    const result = await job(localOptions('super', { ref: 'main', submodules: 'recursive' }))
    expect(result.store.sha).toBe(revParse(subs.superproject, 'main'))
    const tree = result.treeDir
    expect(readFileSync(path.join(tree, 'libs/sub/sub.txt'), 'utf8')).toBe('sub\n')
    expect(readFileSync(path.join(tree, 'libs/sub/deep/deep.txt'), 'utf8')).toBe('deepest\n')
    expect(world.git(tree, ['config', 'submodule.libs/sub.url'])).toBe(
      `file://${path.join(world.upstream, 'acme', 'sub.git')}`
    )
    // protocol.file.allow was per command: nothing of it in any config file of the tree.
    expect(readFileSync(path.join(tree, '.git', 'config'), 'utf8')).not.toMatch(/protocol/)
    expect(readdirSync(path.join(tree, '.git', 'modules'))).toEqual(['libs'])
  })
})
