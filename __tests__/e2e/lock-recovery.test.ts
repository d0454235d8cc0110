/**
 * Recovering the tree lock through the emulator (§2.4, §2.5, §2.6, §2.8): a crashed job's tree
 * goes to the next job, a post whose tree lock was taken over fails loudly, a cancelled waiter
 * leaves the trees' queue without delaying the next one, and waiting output and a timed-out
 * waiter name the holder.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobHandle } from '../../testkit/emulator.js'
import { createRepo } from '../../testkit/git-fixtures.js'
import { acquireLock, releaseLock } from '../../src/lock/index.js'
import { errors, expectConclusion, repoPathsOf } from './helpers.js'

let world: E2EWorld
beforeAll(async () => {
  world = await createWorld()
  for (const name of ['crash', 'crash2', 'takeover', 'cancel'])
    createRepo(world.upstream, 'acme', name)
})
afterAll(() => world.close())

const wallNow = (): number => performance.timeOrigin + performance.now()

interface LockFileRecord {
  token: string
  acquiredAt: string
  owners: { pid: number; role: string }[]
}
function readRecord(file: string): LockFileRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockFileRecord
  } catch {
    return undefined
  }
}

/** A job that holds the tree of acme/<name> in a body step until `release()` is called. */
function holder(
  name: string,
  extra: { runId?: string; runnerName?: string } = {}
): { handle: JobHandle; lockFile: Promise<string>; release: () => void } {
  let release = (): void => undefined
  const released = new Promise<void>(resolve => (release = resolve))
  let gotLock: (file: string) => void = () => undefined
  const lockFile = new Promise<string>(resolve => (gotLock = resolve))
  const handle = world.job({
    repository: `acme/${name}`,
    with: { ref: 'main' },
    github: { runId: extra.runId ?? '777', job: 'holder' },
    runnerName: extra.runnerName ?? 'runner-holder',
    steps: [
      {
        id: 'body',
        fn: async ({ outputs, signal }) => {
          gotLock(outputs.checkout['lock-file'])
          await new Promise<void>(resolve => {
            void released.then(resolve)
            signal.addEventListener('abort', () => resolve())
          })
        }
      }
    ]
  })
  return { handle, lockFile, release }
}

/** A job on acme/<name> that records its own lock record once it holds a tree. */
function waiter(
  name: string,
  env: Record<string, string> = {}
): { handle: JobHandle; record: () => LockFileRecord | undefined } {
  let record: LockFileRecord | undefined
  const handle = world.job({
    repository: `acme/${name}`,
    with: { ref: 'main' },
    env: { SHARED_CHECKOUT_LOCK_REPORT_MS: '300', ...env },
    steps: [
      {
        fn: async ({ outputs }) => {
          record = readRecord(outputs.checkout['lock-file'])
        }
      }
    ]
  })
  return { handle, record: () => record }
}

async function recoveryAfterCrash(name: string, orphanCleanup: boolean): Promise<number> {
  const a = holder(name)
  const lockFile = await a.lockFile
  const b = waiter(name)
  await b.handle.waitForLine(/Waiting for/, { kind: 'main' })
  // A crashed worker: the job's process group dies, no post runs.
  const killing = a.handle.kill('job', 'SIGKILL')
  let from = wallNow()
  if (orphanCleanup) {
    // What the runner does for the job's tracking id, at once: the keeper dies with the job,
    // in the same moment (before its own anchor check, every 250 ms, could notice; on a busy
    // machine that check could win if the cleanup waited for the kill to be confirmed).
    const killed = a.handle.killOrphans()
    expect(killed.length).toBeGreaterThan(0)
    from = wallNow()
  }
  await killing
  const crashed = await a.handle.result
  expect(crashed.conclusion).toBe('crashed')
  const rb = await b.handle.result
  expectConclusion(rb, 'success')
  // B got the crashed job's tree.
  expect(rb.outputs['lock-file']).toBe(lockFile)
  const acquired = Date.parse(b.record()?.acquiredAt ?? '')
  expect(b.record()?.token).not.toBe(readRecord(lockFile)?.token)
  return acquired - from
}

// The bound separates recovery by the owners' death (about a second: the waiter's poll) from
// recovery by the lease (30 s); a busy machine may take a few seconds, never thirty.
const LONG_BEFORE_THE_LEASE_MS = 10_000

it('a SIGKILLed job with the runner orphan cleanup: the waiter takes its tree long before the lease ends', async () => {
  expect(await recoveryAfterCrash('crash', true)).toBeLessThan(LONG_BEFORE_THE_LEASE_MS)
}, 60_000)

it('a SIGKILLed job without cleanup: its keeper sees the job anchor die and releases', async () => {
  // A crashed worker gets no orphan cleanup: the keeper's anchor check (every 250 ms) is what
  // hands the tree on; without it the keeper would heartbeat the lock forever.
  expect(await recoveryAfterCrash('crash2', false)).toBeLessThan(LONG_BEFORE_THE_LEASE_MS)
}, 60_000)

it("post fails loudly when the job's tree lock was taken over, and leaves the other lock in place", async () => {
  const a = holder('takeover')
  const lockFile = await a.lockFile
  const original = readRecord(lockFile)
  // A breaker removed A's lock and another holder took it (through the lock module's own API).
  unlinkSync(lockFile)
  const other = await acquireLock({ lockPath: lockFile, holdFor: 'process', timeoutSeconds: 5 })
  try {
    a.release()
    const ra = await a.handle.result
    expect(ra.conclusion).toBe('failure')
    expect(ra.post?.status).toBe('failure')
    const message = errors(ra)
    expect(message).toContain(lockFile)
    expect(message).toMatch(/no longer held by this job/)
    expect(message).toMatch(/Another job may have used tree 1 at the same time as this one/)
    expect(readRecord(lockFile)?.token).toBe(other.token)
    expect(other.token).not.toBe(original?.token)
  } finally {
    await releaseLock(lockFile, other.token)
  }
}, 60_000)

it('a cancelled waiter leaves the queue, C is not delayed; waiting output names the holder; timeout names it too', async () => {
  const a = holder('cancel', { runId: '9001', runnerName: 'runner-nine' })
  const lockFile = await a.lockFile
  const queueDir = repoPathsOf(world, 'acme/cancel').treeQueue
  const b = waiter('cancel')
  await b.handle.waitForLine(/Waiting for/, { kind: 'main' })
  // C never runs the fallback poll (the only place a dead waiter's entry is removed by others):
  // it is on time only if B's entry is gone when B is cancelled (§2.8).
  const c = waiter('cancel', { SHARED_CHECKOUT_LOCK_POLL_MS: '600000' })
  const cLine = await c.handle.waitForLine(/Waiting for.*1 waiter ahead/, { kind: 'main' })
  expect(cLine).toContain(queueDir)
  expect(cLine).toMatch(/tree-1\.lock by job holder, runner runner-nine, \d+s/)
  // Reported again every SHARED_CHECKOUT_LOCK_REPORT_MS (300 ms here), not once.
  await c.handle.waitForLine(/Waiting for .*\([1-9]\d*s so far\)/, { kind: 'main' })

  // lock-timeout: 2 — fails naming the holder.
  const d = world.job({ repository: 'acme/cancel', with: { ref: 'main', 'lock-timeout': '2' } })
  const rd = await d.result
  expect(rd.conclusion).toBe('failure')
  const timeoutError = errors(rd)
  expect(timeoutError).toMatch(/Timed out after 2s waiting for/)
  expect(timeoutError).toContain(queueDir)
  expect(timeoutError).toMatch(/tree-1\.lock by job holder, runner runner-nine/)
  expect(timeoutError).toMatch(/Raise lock-timeout/)

  const ownerPids = (): number[] =>
    readdirSync(queueDir).map(
      t => readRecord(path.join(queueDir, t))?.owners.find(o => o.role === 'process')?.pid ?? 0
    )
  const bMain = await b.handle.waitForPhase('main')
  const cMain = await c.handle.waitForPhase('main')
  expect(ownerPids()).toEqual([bMain?.pid, cMain?.pid])

  await b.handle.kill('main', 'SIGINT')
  const rb = await b.handle.result
  expect(rb.main?.exitCode).not.toBe(0)
  expect(errors(rb)).toMatch(/Cancelled while waiting/)
  expect(ownerPids()).toEqual([cMain?.pid])

  a.release()
  const ra = await a.handle.result
  // The release happens inside A's post: its start bounds C's latency from above.
  const releasedAt = ra.post?.startedAt ?? 0
  const rc = await c.handle.result
  expectConclusion(rc, 'success')
  expect(rc.outputs['lock-file']).toBe(lockFile)
  const acquired = Date.parse(c.record()?.acquiredAt ?? '')
  // Not a speed figure: with B's entry left behind, C (which never polls) would wait out its
  // 600 s poll. Post's start includes node's start-up, over a second on a busy machine.
  expect(acquired - releasedAt).toBeLessThan(10_000)
}, 60_000)
