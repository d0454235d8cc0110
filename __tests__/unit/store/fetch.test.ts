/**
 * How much the store fetches (§1 fetch-tags, fetch-depth; §3.3): every tag only when asked, a
 * shallow store deepened when full history is asked for and a full one kept full, only the new
 * objects after upstream advanced, nothing when nothing changed, and a branch renamed into a
 * directory of the same name upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  advance,
  bulkFiles,
  commitFiles,
  createRepo,
  createStandardRepo,
  fixtureGit,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(() => world.close())

describe('fetch-tags and fetch-depth', () => {
  it('fetch-tags brings every tag into the store and the tree; without it, none', async () => {
    const first = await world.job({ ref: 'main', path: 'tags' })
    expect(world.git(first.layout.store, ['tag', '--list'])).toBe('')
    expect(world.git(first.treeDir, ['tag', '--list'])).toBe('')
    const second = await world.job({ ref: 'main', path: 'tags', 'fetch-tags': 'true' })
    expect(second.store.usedStoreLock).toBe(true)
    expect(world.git(second.layout.store, ['tag', '--list']).split('\n')).toEqual([
      'both',
      'light',
      'v1.0'
    ])
    expect(world.git(second.treeDir, ['tag', '--list']).split('\n')).toEqual([
      'both',
      'light',
      'v1.0'
    ])
  })

  it('fetch-depth 1 → 0 → 2 → 0: shallow, unshallowed, kept full; a new shallow store deepened', async () => {
    const state = (result: { treeDir: string; layout: { store: string } }) => [
      Number(world.git(result.treeDir, ['rev-list', '--count', 'HEAD'])),
      existsSync(path.join(result.layout.store, 'shallow')),
      existsSync(path.join(result.treeDir, '.git', 'shallow'))
    ]
    const job = (depth: number, dir: string) =>
      world.job({ ref: 'main', path: dir, 'fetch-depth': String(depth) })
    expect(state(await job(1, 'depth-a'))).toEqual([1, true, true])
    expect(state(await job(0, 'depth-a'))).toEqual([3, false, false])
    // A full store stays full when a shallow fetch is asked for (the history is paid for).
    const tip = advance(repo, 1)
    const kept = await job(2, 'depth-a')
    expect(kept.store.sha).toBe(tip)
    expect(state(kept)).toEqual([4, false, false])
    expect(state(await job(2, 'depth-b'))).toEqual([2, true, true])
    expect(state(await job(0, 'depth-b'))).toEqual([4, false, false])
  })
})

describe('incremental fetches', () => {
  it('after upstream advanced, only the new objects cross the wire; unchanged, nothing does', async () => {
    const big = createRepo(world.upstream, 'acme', 'big', bulkFiles(200, 2000))
    const job = () => world.job({ repository: 'acme/big', ref: 'main' })
    world.server.resetCounters()
    const first = await job()
    const firstBytes = world.server.totalBytesSent()
    expect(first.store.created).toBe(true)
    expect(first.store.fetchedBytes).toBeGreaterThan(100_000)

    const tip = advance(big, 3)
    world.server.resetCounters()
    const second = await job()
    expect(second.store).toMatchObject({ sha: tip, created: false, usedStoreLock: true })
    expect(world.server.totalBytesSent()).toBeLessThan(firstBytes / 20)
    expect(second.store.fetchedBytes).toBeLessThan(first.store.fetchedBytes! / 20)

    world.server.resetCounters()
    const third = await job()
    expect(third.store).toMatchObject({ sha: tip, usedStoreLock: false })
    expect(third.store.fetchedBytes).toBeUndefined()
    expect(world.server.totalBytesSent()).toBeLessThan(firstBytes / 20)
  })

  it('a branch renamed upstream into a directory of the same name (a → a/b) is still fetched', async () => {
    const renamed = createRepo(world.upstream, 'acme', 'renamed')
    const topic = commitFiles(renamed, { 'topic.txt': 'topic\n' }, 'topic', 'topic')
    const first = await world.job({ repository: 'acme/renamed', ref: 'topic' })
    expect(first.store.sha).toBe(topic)
    fixtureGit(renamed.bare, ['update-ref', '-d', 'refs/heads/topic'])
    fixtureGit(renamed.work, ['checkout', '--quiet', 'main'])
    fixtureGit(renamed.work, ['branch', '--quiet', '-D', 'topic'])
    // A commit the store lacks: the fetch must create refs/remotes/origin/topic/next over topic.
    const moved = commitFiles(renamed, { 'next.txt': 'next\n' }, 'next', 'topic/next')
    const second = await world.job({ repository: 'acme/renamed', ref: 'topic/next' })
    expect(second.store.sha).toBe(moved)
    expect(second.log.join('\n')).toMatch(/removed refs\/remotes\/origin\/topic from the store/)
  })
})
