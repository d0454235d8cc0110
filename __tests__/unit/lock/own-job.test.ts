/**
 * Issue 13.7 (first half): a second step of a job never waits for a lock its own job holds.
 * The job releases it only in a post step, which runs after this step: waiting would never end.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomHex } from '../../../src/lock/atomic.js'
import { buildRecord, createContext, ownerOf } from '../../../src/lock/context.js'
import type { SlotHolder } from '../../../src/lock/describe.js'
import { localFacts } from '../../../src/lock/identity.js'
import {
  acquireLock,
  LockHeldByOwnJobError,
  LockTimeoutError,
  releaseLock,
  type AcquiredLock
} from '../../../src/lock/index.js'
import { allHeldByOwnJob, heldByOwnJob } from '../../../src/lock/pool.js'
import { encodeRecord, type LockRecord } from '../../../src/lock/record.js'
import {
  isRunning,
  keeperOptions,
  killAllHolders,
  startSleeper,
  tempDir,
  waitUntil
} from './helpers.js'

/** Run last first: locks are released (their keepers stopped) before their directory goes. */
const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  killAllHolders()
})

function setup(): string {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  return temp.dir
}

/** Takes a job lock for the job anchored at `anchorPid` (an earlier step of that job). */
async function takeForJob(
  options: { lockPath: string } | { pool: { queueDir: string; slots: () => string[] } },
  anchorPid: number
): Promise<AcquiredLock> {
  const lock = await acquireLock({
    ...options,
    holdFor: 'job',
    jobAnchorPid: anchorPid,
    leaseMs: 600,
    ...keeperOptions()
  })
  await lock.keeperReady
  cleanups.push(() => releaseLock(lock.lockPath, lock.token).catch(() => undefined))
  return lock
}

describe('who counts as this job (pure)', () => {
  const local = localFacts()
  const anchor = { pid: 4242, startTime: '777', role: 'job-anchor' as const }
  const record = (changes: Partial<LockRecord> = {}): LockRecord => ({
    ...buildRecord(createContext(), 'lock', '0'.repeat(32), [
      anchor,
      { pid: 4243, startTime: '778', role: 'keeper' }
    ]),
    ...changes
  })

  it('same anchor PID and start time on this machine, boot and PID namespace', () => {
    expect(heldByOwnJob(record(), anchor, local)).toBe(true)
    expect(heldByOwnJob(record(), { ...anchor, startTime: '778' }, local)).toBe(false)
    expect(heldByOwnJob(record(), { ...anchor, pid: 4243 }, local)).toBe(false)
    expect(heldByOwnJob(record({ host: 'elsewhere' }), anchor, local)).toBe(false)
    expect(heldByOwnJob(record({ bootId: 'other' }), anchor, local)).toBe(false)
    expect(heldByOwnJob(record({ pidNamespace: 'pid:[1]' }), anchor, local)).toBe(false)
    // Without a job anchor (holdFor 'process', anchor PID ≤ 1) the rule does not apply.
    expect(heldByOwnJob(record(), undefined, local)).toBe(false)
    expect(heldByOwnJob(record(), { ...anchor, startTime: '' }, local)).toBe(false)
  })

  it('every slot, and only every slot, must be held by this job', () => {
    const own: SlotHolder = { lockPath: '/a', held: true, holder: record() }
    const other: SlotHolder = { lockPath: '/b', held: true, holder: record({ owners: [] }) }
    const free: SlotHolder = { lockPath: '/c', held: false }
    expect(allHeldByOwnJob([own, { ...own, lockPath: '/b' }], anchor, local)).toBe(true)
    expect(allHeldByOwnJob([own, other], anchor, local)).toBe(false)
    expect(allHeldByOwnJob([own, free], anchor, local)).toBe(false)
    expect(allHeldByOwnJob([], anchor, local)).toBe(false)
  })
})

describe('a job never waits for itself', () => {
  it('single lock: a second job-mode acquisition by the same job fails at once and leaves no trace', async () => {
    const lockPath = join(setup(), 'repo.lock')
    const anchor = startSleeper()
    const first = await takeForJob({ lockPath }, anchor.pid!)
    const started = Date.now()
    const second = acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    await expect(second).rejects.toBeInstanceOf(LockHeldByOwnJobError)
    await expect(second).rejects.toThrow(
      `This job already holds the lock ${lockPath}: an earlier step of the same job took it`
    )
    await expect(second).rejects.toThrow(
      /use `trees: N` with N ≥ 2, or check the repository out once/
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
    expect(isRunning(first.keeperPid!)).toBe(true)
  })

  it("pool: fails when every slot is this job's; waits when another job holds one", async () => {
    const dir = setup()
    const slots = [join(dir, 'tree-1.lock'), join(dir, 'tree-2.lock')]
    const pool = { queueDir: join(dir, 'trees.queue'), slots: () => slots }
    const anchor = startSleeper()
    const other = startSleeper()
    await takeForJob({ pool }, anchor.pid!)
    const otherJob = await takeForJob({ pool }, other.pid!)
    // One slot is another job's: it will be released, so this is an ordinary wait.
    await expect(
      acquireLock({
        pool,
        holdFor: 'job',
        jobAnchorPid: anchor.pid,
        timeoutSeconds: 0.2,
        ...keeperOptions()
      })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    await releaseLock(otherJob.lockPath, otherJob.token)
    await takeForJob({ pool }, anchor.pid!)
    const third = acquireLock({
      pool,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    await expect(third).rejects.toBeInstanceOf(LockHeldByOwnJobError)
    await expect(third).rejects.toThrow(
      `all 2 locks queued in ${pool.queueDir} (${slots.join(', ')})`
    )
    expect(readdirSync(pool.queueDir)).toEqual([])
  })

  it("while waiting: once every slot turns out to be this job's, the waiter fails", async () => {
    const dir = setup()
    const lockPath = join(dir, 'repo.lock')
    const anchor = startSleeper()
    const other = startSleeper()
    const otherJob = await takeForJob({ lockPath }, other.pid!)
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      pollMs: 50,
      ...keeperOptions(),
      log: line => {
        lines.push(line)
        if (lines.length > 1) return
        // The other job's lock is replaced in one rename by a record of this job (as if an
        // earlier step had taken it): the waiter must notice at its next poll.
        const own = buildRecord(createContext(), 'lock', randomHex(16), [
          ownerOf(anchor.pid!, 'job-anchor')
        ])
        writeFileSync(join(dir, 'forged'), encodeRecord(own))
        renameSync(join(dir, 'forged'), lockPath)
      }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockHeldByOwnJobError)
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
    await waitUntil(() => !isRunning(otherJob.keeperPid!), 5_000, 'the replaced keeper to exit')
  })

  it('without a job anchor the rule does not apply: holdFor process waits, as before', async () => {
    const lockPath = join(setup(), 'repo.lock')
    const anchor = startSleeper()
    await takeForJob({ lockPath }, anchor.pid!)
    await expect(
      acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0.1 })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    await expect(
      acquireLock({
        lockPath,
        holdFor: 'job',
        jobAnchorPid: 1,
        timeoutSeconds: 0.1,
        ...keeperOptions()
      })
    ).rejects.toBeInstanceOf(LockTimeoutError)
  })
})
