/**
 * Pools (§2, §3): one FIFO queue, N slot locks. Every property of a single lock holds per slot
 * and across the pool.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  acquireLock,
  LockCancelledError,
  LockOptionError,
  LockTimeoutError,
  releaseLock,
  type AcquiredLock
} from '../../../src/lock/index.js'
import {
  isRunning,
  keeperOptions,
  killAllHolders,
  startHolder,
  startSleeper,
  tempDir,
  waitUntil,
  type Holder
} from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  killAllHolders()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

interface Pool {
  dir: string
  queueDir: string
  slots: string[]
}

function setup(count: number, directories: (i: number) => string = () => 'trees'): Pool {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  const slots = Array.from({ length: count }, (_, i) =>
    join(temp.dir, directories(i), `tree-${i + 1}.lock`)
  )
  return { dir: temp.dir, queueDir: join(temp.dir, 'trees.queue'), slots }
}

const poolOf = ({ queueDir, slots }: Pool) => ({ queueDir, slots: () => slots })

describe('a pool of slots behind one queue', () => {
  it('takes the first free slot in the given order; a full pool times out naming every holder', async () => {
    const pool = setup(3)
    const held: AcquiredLock[] = []
    for (const job of ['a', 'b', 'c']) {
      const lock = await acquireLock({ pool: poolOf(pool), holdFor: 'process', job: { job } })
      expect(lock.waitedMs).toBe(0)
      held.push(lock)
    }
    expect(held.map(lock => lock.lockPath)).toEqual(pool.slots)

    const full = acquireLock({ pool: poolOf(pool), holdFor: 'process', timeoutSeconds: 0 })
    await expect(full).rejects.toBeInstanceOf(LockTimeoutError)
    await expect(full).rejects.toThrow(
      new RegExp(
        `one of the 3 locks queued in ${pool.queueDir}: all 3 held: ` +
          'tree-1\\.lock by job a, \\d+s; tree-2\\.lock by job b, \\d+s; tree-3\\.lock by job c, \\d+s\\.'
      )
    )

    await releaseLock(held[1].lockPath, held[1].token)
    const next = await acquireLock({ pool: poolOf(pool), holdFor: 'process', timeoutSeconds: 0 })
    expect(next.lockPath).toBe(pool.slots[1])
    for (const lock of [held[0], next, held[2]]) await releaseLock(lock.lockPath, lock.token)
    expect(readdirSync(join(pool.dir, 'trees'))).toEqual([])
    expect(readdirSync(pool.queueDir)).toEqual([])
  })

  it('asks for the slots again at each try: a slot added while waiting is taken', async () => {
    const pool = setup(2)
    const first = await acquireLock({ lockPath: pool.slots[0], holdFor: 'process' })
    let calls = 0
    const lock = await acquireLock({
      pool: { queueDir: pool.queueDir, slots: () => (++calls < 3 ? [pool.slots[0]] : pool.slots) },
      holdFor: 'process',
      pollMs: 50,
      timeoutSeconds: 5
    })
    expect(lock.lockPath).toBe(pool.slots[1])
    expect(calls).toBeGreaterThanOrEqual(3)
    await releaseLock(lock.lockPath, lock.token)
    await releaseLock(first.lockPath, first.token)
  })

  it('wakes within milliseconds when any slot is released, slots in different directories', async () => {
    const pool = setup(2, i => `dir-${i}`)
    const held = await Promise.all(
      pool.slots.map(() => acquireLock({ pool: poolOf(pool), holdFor: 'process' }))
    )
    let releasedAt = 0
    // A once-a-minute poll: only notifications on the second slot's directory can wake it.
    const lock = await acquireLock({
      pool: poolOf(pool),
      holdFor: 'process',
      pollMs: 60_000,
      timeoutSeconds: 20,
      log: () => {
        releasedAt = Date.now()
        void releaseLock(held[1].lockPath, held[1].token)
      }
    })
    expect(lock.lockPath).toBe(pool.slots[1])
    expect(Date.now() - releasedAt).toBeLessThan(5_000)
    await releaseLock(lock.lockPath, lock.token)
    await releaseLock(held[0].lockPath, held[0].token)
  })

  it('reports while waiting: all slots held, by whom, and the queue ahead', async () => {
    const pool = setup(2)
    const held = [
      await acquireLock({
        pool: poolOf(pool),
        holdFor: 'process',
        job: { job: 'x', runnerName: 'r1' }
      }),
      await acquireLock({
        pool: poolOf(pool),
        holdFor: 'process',
        job: { job: 'y', runnerName: 'r2' }
      })
    ]
    const lines: string[] = []
    await expect(
      acquireLock({
        pool: poolOf(pool),
        holdFor: 'process',
        timeoutSeconds: 0.3,
        reportEveryMs: 100,
        log: line => lines.push(line)
      })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines) {
      expect(line).toMatch(
        new RegExp(
          `^Waiting for one of the 2 locks queued in ${pool.queueDir} \\(\\d+s so far\\): all 2 held: ` +
            'tree-1\\.lock by job x, runner r1, \\d+s; tree-2\\.lock by job y, runner r2, \\d+s; ' +
            '0 waiters ahead of this job\\.$'
        )
      )
    }
    for (const lock of held) await releaseLock(lock.lockPath, lock.token)
  })

  it('FIFO across the pool: each released slot goes to the next waiter in arrival order', async () => {
    const pool = setup(2)
    const held = await Promise.all(
      pool.slots.map(() => acquireLock({ pool: poolOf(pool), holdFor: 'process' }))
    )
    const args = ['--pool-queue', pool.queueDir, '--slots', pool.slots.join(','), '--hold-ms', '-1']
    const waiters: Holder[] = []
    for (let i = 0; i < 4; i++) {
      const waiter = startHolder([...args, '--job', `w${i}`])
      expect((await waiter.next('queued')).position).toBe(i)
      waiters.push(waiter)
    }
    const acquiredBy = (holder: Holder) => holder.events.some(e => e.event === 'acquired')
    const expectOnly = async (index: number, slot: string) => {
      expect((await waiters[index].next('acquired', 10_000)).lockPath).toBe(slot)
      expect(waiters.filter(acquiredBy).length).toBe(index + 1)
    }
    await releaseLock(held[1].lockPath, held[1].token)
    await expectOnly(0, pool.slots[1])
    await releaseLock(held[0].lockPath, held[0].token)
    await expectOnly(1, pool.slots[0])
    waiters[0].child.kill('SIGTERM')
    await expectOnly(2, pool.slots[1])
    waiters[1].child.kill('SIGTERM')
    await expectOnly(3, pool.slots[0])
    for (const waiter of waiters.slice(2)) waiter.child.kill('SIGTERM')
    expect(await Promise.all(waiters.map(w => w.exited))).toEqual([0, 0, 0, 0])
    expect(readdirSync(pool.queueDir)).toEqual([])
  })

  it('mutual exclusion per slot: four processes contending for two slots each enter alone', async () => {
    const pool = setup(2)
    const markers = join(pool.dir, 'markers')
    mkdirSync(markers)
    const args = ['--pool-queue', pool.queueDir, '--slots', pool.slots.join(',')]
    const holders = Array.from({ length: 4 }, (_, i) =>
      startHolder([...args, '--marker-dir', markers, '--hold-ms', '30', '--job', `j${i}`])
    )
    expect(await Promise.all(holders.map(holder => holder.exited))).toEqual(Array(4).fill(0))
    const entries = holders.flatMap(holder => holder.events.filter(e => e.event === 'marker'))
    expect(entries).toHaveLength(4)
    expect(entries.every(e => e.ok === true)).toBe(true)
    const slotsUsed = holders.map(h => h.events.find(e => e.event === 'acquired')?.lockPath)
    expect(new Set(slotsUsed).size).toBeGreaterThanOrEqual(1)
    expect(readdirSync(join(pool.dir, 'trees'))).toEqual([])
    expect(readdirSync(pool.queueDir)).toEqual([])
  })

  it('cancellation while waiting leaves no trace in the queue', async () => {
    const pool = setup(1)
    const held = await acquireLock({ pool: poolOf(pool), holdFor: 'process' })
    const abort = new AbortController()
    const waiting = acquireLock({
      pool: poolOf(pool),
      holdFor: 'process',
      signal: abort.signal,
      hooks: { onQueued: () => void setTimeout(() => abort.abort(), 50) }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockCancelledError)
    await expect(waiting).rejects.toThrow(pool.queueDir)
    expect(readdirSync(pool.queueDir)).toEqual([])
    await releaseLock(held.lockPath, held.token)
  })

  it('job mode: the keeper is told which slot it keeps and heartbeats that one', async () => {
    const pool = setup(2)
    const first = await acquireLock({ pool: poolOf(pool), holdFor: 'process' })
    const anchor = startSleeper()
    const lock = await acquireLock({
      pool: poolOf(pool),
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      leaseMs: 600,
      ...keeperOptions()
    })
    expect(lock.lockPath).toBe(pool.slots[1])
    await lock.keeperReady
    const before = statSync(lock.lockPath).mtimeMs
    await waitUntil(() => statSync(lock.lockPath).mtimeMs > before, 5_000, 'a heartbeat')
    await releaseLock(lock.lockPath, lock.token)
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to stop')
    await releaseLock(first.lockPath, first.token)
  })

  it('rejects a pool without slots, with duplicates, or given together with lockPath', async () => {
    const pool = setup(2)
    const bad = [
      { pool: { queueDir: pool.queueDir, slots: () => [] } },
      { pool: { queueDir: pool.queueDir, slots: () => [pool.slots[0], pool.slots[0]] } },
      { pool: { queueDir: pool.queueDir, slots: () => [pool.queueDir] } },
      { pool: poolOf(pool), lockPath: pool.slots[0] }
    ]
    for (const options of bad) {
      await expect(
        acquireLock({ ...(options as { pool: typeof options.pool }), holdFor: 'process' })
      ).rejects.toBeInstanceOf(LockOptionError)
    }
    expect(readdirSync(pool.dir)).toEqual([])
  })
})
