/**
 * A job SIGKILLed at any moment of creating or fetching the object store (§3.1): whatever it
 * left, nothing at `<dir>/store` is mistaken for a good store — it is either absent, or holds
 * the whole fetch — and the next job removes the leftovers and ends with a good store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobHandle, JobResult } from '../../testkit/emulator.js'
import {
  advance,
  revParse,
  type FixtureRepo,
  type StandardRepo
} from '../../testkit/git-fixtures.js'
import {
  createBlobRepo,
  expectConclusion,
  git,
  mainLog,
  repoPathsOf,
  waitUntil,
  type RepoPaths
} from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

/** SIGKILLs the whole job (a crashed worker) and the keeper it leaves behind. */
async function crash(handle: JobHandle): Promise<JobResult> {
  await handle.kill('job', 'SIGKILL')
  const result = await handle.result
  handle.killOrphans()
  return result
}

/** Resolves once the server holds a request that arrived after `since` requests. */
async function heldRequest(since: number): Promise<void> {
  await waitUntil(
    () => world.server.requests.slice(since).some(r => r.status === 0),
    'a request held by the stalled server',
    20_000
  )
}

/** Entries of `<dir>/tmp` named like a store being built. */
function storeBuilds(paths: RepoPaths): string[] {
  return existsSync(paths.tmp) ? readdirSync(paths.tmp).filter(n => n.startsWith('store-')) : []
}

describe('a job killed (SIGKILL) in the middle of a sync', () => {
  const paths = () => repoPathsOf(world, 'acme/app')

  /** Starts a job against a stalled server and SIGKILLs it once git's first request is held. */
  async function killWhileServerHolds(ref: string): Promise<void> {
    const since = world.server.requests.length
    world.server.stall(true)
    try {
      const handle = world.job({ with: { ref } })
      await heldRequest(since)
      const killed = await crash(handle)
      expect(killed.conclusion).toBe('crashed')
    } finally {
      world.server.stall(false)
    }
  }

  it('while the store is being created: nothing looks like a store; the next job creates it', async () => {
    // A short name is resolved first (ls-remote, before the store lock): killed there.
    await killWhileServerHolds('main')
    expect(existsSync(paths().store)).toBe(false)
    expect(storeBuilds(paths())).toEqual([])
    // A full SHA needs no ls-remote: the first request is the fetch into the store being built.
    await killWhileServerHolds(repo.shas.main)
    expect(existsSync(paths().store)).toBe(false)
    expect(storeBuilds(paths())).toHaveLength(1)

    const next = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(next, 'success')
    expect(next.outputs.cloned).toBe('true')
    expect(next.outputs.commit).toBe(repo.shas.main)
    expect(git(next.outputs.path, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(mainLog(next)).toMatch(/removed .*\/tmp\/store-\w+, left by a job that was interrupted/)
    expect(storeBuilds(paths())).toEqual([])
  }, 60_000)

  it('while an existing store fetches: the store stays good and the next job ends at the new tip', async () => {
    const before = git(paths().store, ['rev-parse', 'refs/remotes/origin/main'])
    const tip = advance(repo, 2)
    // The commit is known, so no ls-remote: the held request is the store's fetch.
    await killWhileServerHolds(tip)
    expect(git(paths().store, ['rev-parse', 'refs/remotes/origin/main'])).toBe(before)
    git(paths().store, ['fsck', '--no-progress', '--connectivity-only'])
    const next = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(next, 'success')
    expect(next.outputs.cloned).toBe('false')
    expect(next.outputs.commit).toBe(tip)
    expect(git(next.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(git(next.outputs.path, ['status', '--porcelain'])).toBe('')
  }, 60_000)

  it('at random moments of creating a larger store: the next job still gets a good store', async () => {
    const big: FixtureRepo = createBlobRepo(world.upstream, 'acme', 'chaos', 40, 16 * 1024)
    const tip = revParse(big, 'main')
    const chaos = repoPathsOf(world, 'acme/chaos')
    const bigJob = () => world.job({ repository: 'acme/chaos', with: { ref: 'main' } })
    const left: string[] = []
    // After the store lock is taken: during init, the fetch's negotiation, the pack transfer,
    // and (last) the moment the finished store is renamed into place, tree not yet checked out.
    const points: (number | 'renamed')[] = [0, 20, 60, 150, 'renamed']
    for (const point of points) {
      const handle = bigJob()
      await handle.waitForLine(/creating the store of/, { kind: 'main' })
      if (point === 'renamed') {
        while (!existsSync(chaos.store)) await sleep(1)
      } else await sleep(point + Math.random() * 10)
      await crash(handle)
      // Whatever was left, the store's path is either absent or holds the whole fetch.
      if (existsSync(chaos.store)) {
        expect(git(chaos.store, ['cat-file', '-e', `${tip}^{commit}`])).toBe('')
        git(chaos.store, ['fsck', '--no-progress', '--connectivity-only', tip])
        left.push('store')
        // A fresh machine again, so the next kill lands in a creation too.
        if (point !== 'renamed') rmSync(chaos.store, { recursive: true, force: true })
      } else left.push(storeBuilds(chaos).length > 0 ? 'partial' : 'nothing')
    }
    expect(left).toContain('partial')
    expect(left[left.length - 1]).toBe('store')
    const next = await bigJob().result
    expectConclusion(next, 'success')
    expect(next.outputs.commit).toBe(tip)
    expect(git(next.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(git(next.outputs.path, ['status', '--porcelain'])).toBe('')
    git(chaos.store, ['fsck', '--no-progress', '--connectivity-only'])
  }, 90_000)
})
