/**
 * What the store fetches for each kind of `ref` (§1, §3.3), through the whole flow of a job
 * against the smart-HTTP server: the default branch, branches, tags, pull refs, SHAs, a ref
 * with its exact commit, and the refs the tree shows afterwards. fetch-tags, fetch-depth and
 * incremental fetches: fetch.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  commitFiles,
  createRepo,
  createStandardRepo,
  fixtureGit,
  revParse,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(() => world.close())

const head = (dir: string): string => world.git(dir, ['rev-parse', 'HEAD'])

describe('ref kinds', () => {
  it('an empty ref is the default branch: a new store, the tree detached at its tip', async () => {
    const result = await world.job({ ref: '' })
    expect(result.store).toMatchObject({
      sha: repo.shas.main,
      ref: 'refs/heads/main',
      created: true,
      usedStoreLock: true
    })
    expect(head(result.treeDir)).toBe(repo.shas.main)
    expect(world.git(result.treeDir, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('HEAD')
    expect(world.git(result.treeDir, ['rev-parse', 'origin/main'])).toBe(repo.shas.main)
    expect(world.git(result.treeDir, ['config', 'remote.origin.url'])).toBe(
      world.server.repoUrl('acme', 'app')
    )
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
    expect(world.git(result.layout.store, ['rev-parse', '--is-bare-repository'])).toBe('true')
  })

  it('the default branch is whatever the remote HEAD names', async () => {
    const trunk = createRepo(world.upstream, 'acme', 'trunk')
    const tip = commitFiles(trunk, { 'trunk.txt': 'trunk\n' }, 'on trunk', 'trunk')
    fixtureGit(trunk.bare, ['symbolic-ref', 'HEAD', 'refs/heads/trunk'])
    const result = await world.job({ repository: 'acme/trunk', ref: '' })
    expect(result.store).toMatchObject({ sha: tip, ref: 'refs/heads/trunk' })
    expect(head(result.treeDir)).toBe(tip)
  })

  it.each([
    ['main', 'main', 'refs/heads/main', 'refs/remotes/origin/main'],
    ['refs/heads/feature', 'feature', 'refs/heads/feature', 'refs/remotes/origin/feature'],
    ['feature', 'feature', 'refs/heads/feature', 'refs/remotes/origin/feature'],
    ['v1.0', 'v1', 'refs/tags/v1.0', 'refs/tags/v1.0'],
    ['refs/tags/v1.0', 'v1', 'refs/tags/v1.0', 'refs/tags/v1.0'],
    ['light', 'first', 'refs/tags/light', 'refs/tags/light'],
    // A short name that is both: the branch wins, as in actions/checkout.
    ['both', 'bothBranch', 'refs/heads/both', 'refs/remotes/origin/both'],
    ['refs/tags/both', 'bothTag', 'refs/tags/both', 'refs/tags/both'],
    ['refs/pull/1/merge', 'pullMerge', 'refs/pull/1/merge', 'refs/remotes/pull/1/merge'],
    ['refs/pull/1/head', 'pullHead', 'refs/pull/1/head', 'refs/remotes/pull/1/head']
  ] as const)(
    'ref %s → its commit, and the tree names it %s',
    async (ref, sha, qualified, local) => {
      const result = await world.job({ ref })
      expect(result.store.sha).toBe(repo.shas[sha])
      expect(result.store.ref).toBe(qualified)
      expect(result.store.created).toBe(false)
      expect(head(result.treeDir)).toBe(repo.shas[sha])
      expect(world.git(result.treeDir, ['rev-parse', `${local}^{commit}`])).toBe(repo.shas[sha])
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
    }
  )

  it('an annotated tag stays a tag object in the tree (git describe works)', async () => {
    const result = await world.job({ ref: 'v1.0' })
    expect(world.git(result.treeDir, ['cat-file', '-t', 'refs/tags/v1.0'])).toBe('tag')
    expect(world.git(result.treeDir, ['describe', '--exact-match', 'HEAD'])).toBe('v1.0')
  })

  it('a full SHA reachable only from a pull ref, into a new store: no ref, just the commit', async () => {
    const result = await world.job({ ref: repo.shas.pullHead, path: 'sha-only' })
    expect(result.store).toMatchObject({ sha: repo.shas.pullHead, ref: '', created: true })
    expect(head(result.treeDir)).toBe(repo.shas.pullHead)
  })

  it('a ref with its exact commit (GITHUB_REF + GITHUB_SHA) gets that commit after the branch moved', async () => {
    const moved = commitFiles(repo, { 'moved.txt': 'x\n' }, 'branch moved on', 'feature')
    const options = { ...world.options({ ref: 'refs/heads/feature' }), commit: repo.shas.feature }
    const result = await world.checkoutWith(options)
    await world.release(result)
    expect(result.store.sha).toBe(repo.shas.feature)
    expect(head(result.treeDir)).toBe(repo.shas.feature)
    expect(revParse(repo, 'feature')).toBe(moved)
  })

  it('a commit already in the store: no request to the server, no store lock', async () => {
    world.server.resetCounters()
    const result = await world.job({ ref: repo.shas.v1 })
    expect(result.store).toMatchObject({ sha: repo.shas.v1, usedStoreLock: false })
    expect(head(result.treeDir)).toBe(repo.shas.v1)
    expect(world.server.requests).toEqual([])
  })

  it('a ref the remote does not have: an error naming the ref, and the tree is given back', async () => {
    await expect(world.job({ ref: 'no-such-branch' })).rejects.toThrow(
      /ref 'no-such-branch' was not found .*refs\/heads\/no-such-branch, refs\/tags\/no-such-branch/
    )
    // The tree was released: the next job gets it without waiting.
    const next = await world.job({ ref: 'main', 'lock-timeout': '0' })
    expect(next.tree).toBe(1)
  })
})
