/**
 * Taking and releasing the job-spanning lock (§2). A lock is one file, created exclusively;
 * waiters queue in a FIFO directory; a guard makes every removal race-free. A pool is N such
 * lock files ("slots", §3's working trees) behind one queue: only the queue head tries the
 * slots, in the caller's order of preference, and takes the first free one, so fairness holds
 * across the pool (§2.7) and exclusion per slot rests on each file's exclusive creation (§2.1).
 * A single lock is a pool of one with the v1 file names.
 */
import { accessSync, constants, mkdirSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createExclusive, randomHex, readNoFollow, sweepLeftovers } from './atomic.js'
import {
  buildRecord,
  createContext,
  DEFAULT_LEASE_MS,
  judgeFile,
  ownerOf,
  type GuardHooks,
  type LockContext
} from './context.js'
import { describeHolder, describeSlots, formatDuration, type SlotHolder } from './describe.js'
import {
  asPathError,
  LockCancelledError,
  LockHeldByOwnJobError,
  LockLostError,
  LockOptionError,
  LockPathError,
  LockReleaseError,
  LockTimeoutError,
  notAFileError
} from './errors.js'
import { breakLockIfUnchanged, removeLockIfToken } from './guard.js'
import { startHeartbeat, stopHeartbeat } from './heartbeat.js'
import { isGone, startKeeper, stopProcess, type ProcessRef, type StartedKeeper } from './keeper.js'
import { validateTimings } from './options.js'
import { slotFilesFor } from './paths.js'
import { allHeldByOwnJob, targetOf, type LockPool, type Target } from './pool.js'
import { ensureQueueDir, QueueEntry } from './queue.js'
import {
  encodeRecord,
  normalizeJob,
  parseRecord,
  type JobIdentity,
  type LockOwner,
  type LockRecord
} from './record.js'
import { BLIND_RECHECK_MS, Watches } from './wake.js'

export type { LockPool } from './pool.js'

export interface AcquireHooks extends GuardHooks {
  /** Right before this process writes its queue entry (tests take the directory away here). */
  beforeEnqueue?(): void
  /** After this process has its queue entry (tests start the next waiter here). */
  onQueued?(ticket: string, position: number): void | Promise<void>
  /** Between judging a lock stale and taking its guard to remove it (tests force races here). */
  beforeBreak?(stale: LockRecord | undefined, reason: string): void | Promise<void>
}

interface AcquireCommon {
  /** -1 waits forever (default), 0 tries once, else seconds (fractions allowed). */
  timeoutSeconds?: number
  /** 'job': co-owned by the job anchor and a detached keeper; 'process': by this process. */
  holdFor: 'job' | 'process'
  job?: Partial<JobIdentity>
  /** A file that, run by node with the keeper env set, calls runKeeper (default argv[1]). */
  keeperEntry?: string
  keeperExecArgv?: string[]
  /** The job anchor (the runner's Runner.Worker); default this process's parent. */
  jobAnchorPid?: number
  leaseMs?: number
  heartbeatMs?: number
  pollMs?: number
  reportEveryMs?: number
  abandonedAfterMs?: number
  signal?: AbortSignal
  log?: (line: string) => void
  hooks?: AcquireHooks
}

/** One lock (`lockPath`, queue `${lockPath}.queue/`) or a pool of slots behind one queue. */
export type AcquireOptions = AcquireCommon &
  ({ lockPath: string; pool?: undefined } | { pool: LockPool; lockPath?: undefined })

export interface AcquiredLock {
  /** The lock taken: the single lock, or the slot of the pool. */
  lockPath: string
  token: string
  record: LockRecord
  /** Only the time the lock was unavailable (0 when it was free at the first try). */
  waitedMs: number
  /** The first holder seen while waiting. */
  holderSeen?: LockRecord
  /** Waiters ahead of this one when it arrived. */
  queuePosition: number
  keeperPid?: number
  keeperStartTime?: string
  /**
   * Resolves once the keeper has found its token in the lock (at once for holdFor 'process');
   * rejects with a clear error when the keeper never started. acquireLock does not wait for it:
   * await it before this process exits. On rejection, release the lock (or leave it: it is
   * recovered once the job anchor exits).
   */
  keeperReady: Promise<void>
}

export interface ReleaseOptions {
  /** A keeper to stop even when the lock was lost (its start time is checked first). */
  keeperPid?: number
  keeperStartTime?: string
  /** Tests: pauses inside the guarded removal (issue 13.9). */
  hooks?: GuardHooks
}

const DEFAULT_POLL_MS = 1000
const DEFAULT_REPORT_EVERY_MS = 60_000

function validateOptions(options: AcquireOptions): void {
  if (options.holdFor !== 'job' && options.holdFor !== 'process') {
    throw new LockOptionError('holdFor', options.holdFor, "'job' or 'process'")
  }
  const anchor = options.jobAnchorPid
  if (anchor !== undefined && (!Number.isInteger(anchor) || anchor < 0)) {
    throw new LockOptionError('jobAnchorPid', anchor, 'a process id')
  }
  validateTimings(options, DEFAULT_LEASE_MS)
}

/** Creates a lock directory if missing and fails early and clearly when it is not writable. */
function prepareDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true })
    accessSync(directory, constants.W_OK)
  } catch (error) {
    const problem = asPathError(error, directory, 'create or write lock files in it')
    if (problem instanceof LockPathError) throw problem
    throw error
  }
}

/**
 * Prepares each slot's directory once (slots may change between tries) and sweeps the temp
 * and set-aside files that killed processes left of each slot, once per acquisition.
 */
/** How often a waiter makes its vanished directories again before it gives up. */
const MAX_RECREATE = 20

/**
 * Runs `step`, and again after `remake` while a directory it needs vanishes under it (ENOENT):
 * an eviction or an operator removed the lock's directories the instant this job arrived.
 */
function retryWhileVanishing<T>(step: () => T, remake: () => void): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return step()
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'ENOENT' || attempt >= MAX_RECREATE)
        throw error
      try {
        remake()
      } catch (again) {
        if ((again as NodeJS.ErrnoException)?.code !== 'ENOENT') throw again
      }
    }
  }
}

class SlotDirectories {
  private readonly prepared = new Set<string>()
  private readonly swept = new Set<string>()

  /** The directories may have gone: prepare them again on the next call. */
  forget(): void {
    this.prepared.clear()
  }

  prepare(slots: readonly string[]): void {
    for (const slot of slots) {
      const directory = dirname(slot)
      if (!this.prepared.has(directory)) prepareDirectory(directory)
      this.prepared.add(directory)
      if (this.swept.has(slot)) continue
      sweepLeftovers(directory, [basename(slot), basename(slotFilesFor(slot).guardPath)])
      this.swept.add(slot)
    }
  }
}

function readSlot(lockPath: string): SlotHolder {
  const outcome = readNoFollow(lockPath)
  if (outcome.kind === 'not-a-file') throw notAFileError(lockPath, outcome.what)
  if (outcome.kind === 'missing') return { lockPath, held: false }
  return { lockPath, held: true, holder: parseRecord(outcome.snapshot.content) }
}

const firstHolder = (slots: readonly SlotHolder[]): LockRecord | undefined =>
  slots.find(slot => slot.holder)?.holder

function progressLine(
  target: Target,
  slots: readonly SlotHolder[],
  ahead: number,
  waitedMs: number
): string {
  const queue = ahead === 1 ? '1 waiter ahead' : `${ahead} waiters ahead`
  const sofar = formatDuration(waitedMs)
  if (target.single) {
    const holder = slots[0]?.holder
    const who = holder ? `held by ${describeHolder(holder, Date.now())}` : 'free'
    return `Waiting for the lock ${target.name} (${sofar} so far): ${who}; ${queue} of this job.`
  }
  return (
    `Waiting for one of the ${slots.length} locks queued in ${target.name} (${sofar} so far): ` +
    `${describeSlots(slots, Date.now())}; ${queue} of this job.`
  )
}

function timeoutError(target: Target, waitedMs: number, slots: SlotHolder[]): LockTimeoutError {
  const holder = firstHolder(slots)
  return target.single
    ? new LockTimeoutError(target.name, waitedMs, slots[0]?.holder)
    : new LockTimeoutError(target.name, waitedMs, holder, slots)
}

function failIfHeldByOwnJob(
  target: Target,
  slots: SlotHolder[],
  anchor: LockOwner | undefined,
  context: LockContext
): void {
  if (allHeldByOwnJob(slots, anchor, context.local)) {
    throw new LockHeldByOwnJobError(
      slots.map(slot => slot.lockPath),
      target.queueDir
    )
  }
}

/** The job anchor of a job lock: the runner's worker, i.e. our parent by default (§2). */
function jobAnchorOf(options: AcquireOptions): LockOwner | undefined {
  if (options.holdFor !== 'job') return undefined
  const pid = options.jobAnchorPid ?? process.ppid
  return pid > 1 ? ownerOf(pid, 'job-anchor') : undefined
}

interface Owners {
  owners: LockOwner[]
  keeper?: StartedKeeper
}

function startOwners(
  options: AcquireOptions,
  anchor: LockOwner | undefined,
  token: string,
  context: LockContext
): Owners {
  if (options.holdFor === 'process') return { owners: [ownerOf(process.pid, 'process')] }
  const keeper = startKeeper({
    entry: options.keeperEntry ?? process.argv[1] ?? '',
    execArgv: options.keeperExecArgv ?? [],
    config: {
      token,
      acquirer: ownerOf(process.pid, 'process'),
      anchor: anchor ? { pid: anchor.pid, startTime: anchor.startTime } : undefined,
      leaseMs: context.leaseMs,
      heartbeatMs: context.heartbeatMs,
      abandonedAfterMs: context.abandonedAfterMs
    }
  })
  // The record names the keeper right away: its start-up never delays the lock (issue 12.6).
  const owners: LockOwner[] = anchor ? [anchor] : []
  owners.push({ pid: keeper.pid, startTime: keeper.startTime, role: 'keeper' })
  return { owners, keeper }
}

type Attempt =
  | { kind: 'taken'; lockPath: string; record: LockRecord }
  | { kind: 'again' }
  | { kind: 'held'; slots: SlotHolder[] }

/**
 * One try of the queue head: the slots in order of preference; the first free one is taken.
 * On a full check a stale one is broken (§2.4) and the slots are tried again.
 */
async function tryTake(
  slots: readonly string[],
  context: LockContext,
  makeRecord: () => LockRecord,
  fullCheck: boolean,
  options: AcquireOptions,
  log: (line: string) => void
): Promise<Attempt> {
  const states: SlotHolder[] = []
  for (const lockPath of slots) {
    const record = makeRecord()
    if (createExclusive(lockPath, encodeRecord(record))) return { kind: 'taken', lockPath, record }
    const outcome = readNoFollow(lockPath)
    if (outcome.kind === 'not-a-file') throw notAFileError(lockPath, outcome.what)
    if (outcome.kind === 'missing') return { kind: 'again' } // released in between
    const judged = judgeFile(context, lockPath, outcome.snapshot)
    if (fullCheck && judged.verdict.stale) {
      await options.hooks?.beforeBreak?.(judged.record, judged.verdict.reason)
      const broken = await breakLockIfUnchanged(slotFilesFor(lockPath), context, outcome.snapshot)
      if (broken === 'removed') {
        const who = judged.record ? describeHolder(judged.record, Date.now()) : 'unreadable file'
        log(`Broke the stale lock ${lockPath} (${who}): ${judged.verdict.reason}.`)
      }
      context.tracker.forget(lockPath)
      return { kind: 'again' }
    }
    states.push({ lockPath, held: true, holder: judged.record })
  }
  return { kind: 'held', slots: states }
}

export async function acquireLock(options: AcquireOptions): Promise<AcquiredLock> {
  validateOptions(options)
  const started = performance.now()
  const target = targetOf(options)
  const log = options.log ?? (() => undefined)
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  const reportEveryMs = options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS
  const timeoutSeconds = options.timeoutSeconds ?? -1
  const deadline = timeoutSeconds < 0 ? Infinity : started + timeoutSeconds * 1000
  const context = createContext(options)
  const token = randomHex(16)
  const job = normalizeJob(options.job)
  if (options.signal?.aborted) throw new LockCancelledError(target.name)
  let slots = target.slots()
  const directories = new SlotDirectories()
  const prepareAll = (): void => {
    directories.forget()
    directories.prepare(slots)
    ensureQueueDir(target.queueDir)
  }
  retryWhileVanishing(prepareAll, prepareAll)
  sweepLeftovers(target.queueDir)
  const anchor = jobAnchorOf(options)
  // Issue 13.7: an earlier step of this job holds every slot. Checked before queueing, so the
  // common case fails at once and leaves no trace; again at every poll while waiting.
  failIfHeldByOwnJob(target, slots.map(readSlot), anchor, context)

  const waiterRecord = buildRecord(context, 'waiter', token, [ownerOf(process.pid, 'process')], job)
  let entry: QueueEntry | undefined
  let keeper: StartedKeeper | undefined
  let entryHeartbeat: NodeJS.Timeout | undefined
  let acquired: { lockPath: string; record: LockRecord } | undefined
  const watches = new Watches(target.queueDir, log)
  try {
    entry = retryWhileVanishing(() => {
      options.hooks?.beforeEnqueue?.()
      return QueueEntry.enqueue(target.queueDir, encodeRecord(waiterRecord), token)
    }, prepareAll)
    // The keeper starts once our queue entry exists; its start-up overlaps the wait.
    const ownership = startOwners(options, anchor, token, context)
    keeper = ownership.keeper
    const makeRecord = (): LockRecord => buildRecord(context, 'lock', token, ownership.owners, job)
    const queuePosition = entry.ahead(context, false, log).length
    await options.hooks?.onQueued?.(entry.ticket, queuePosition)
    const queued = entry
    entryHeartbeat = setInterval(() => {
      try {
        queued.heartbeat()
      } catch {
        // A full disk or a transient error: the next beat tries again (others judge the
        // entry by its owner on this host, by this heartbeat elsewhere).
      }
    }, context.heartbeatMs)
    let holderSeen: LockRecord | undefined
    let seen: SlotHolder[] = []
    let nextPollAt = 0
    let nextReportAt = 0
    // Issue 12.6: waitedMs counts only the time the lock was unavailable.
    let unavailableSince: number | undefined
    let recreated = 0
    for (;;) {
      try {
        if (options.signal?.aborted) throw new LockCancelledError(target.name)
        const now = performance.now()
        // Staleness of others is judged on the poll, not on every notification.
        const fullCheck = now >= nextPollAt
        if (fullCheck) nextPollAt = now + pollMs
        const ahead = entry.ahead(context, fullCheck, log)
        const head = ahead.length === 0
        if (head || fullCheck) {
          slots = target.slots()
          directories.prepare(slots)
        }
        watches.update(slots, ahead)
        if (head) {
          const failure = keeper?.failure()
          if (failure) throw failure
          const attempt = await tryTake(slots, context, makeRecord, fullCheck, options, log)
          if (attempt.kind === 'taken') {
            acquired = attempt
            keeper?.hold(attempt.lockPath)
            return {
              lockPath: attempt.lockPath,
              token,
              record: attempt.record,
              waitedMs: unavailableSince === undefined ? 0 : performance.now() - unavailableSince,
              holderSeen,
              queuePosition,
              keeperPid: keeper?.pid,
              keeperStartTime: keeper?.startTime,
              keeperReady: keeper?.ready ?? Promise.resolve()
            }
          }
          unavailableSince ??= now
          if (attempt.kind === 'again') continue
          seen = attempt.slots
        } else if (fullCheck || !holderSeen || now >= nextReportAt || now >= deadline) {
          seen = slots.map(readSlot)
        }
        unavailableSince ??= now
        if (fullCheck && seen.length === slots.length) {
          failIfHeldByOwnJob(target, seen, anchor, context)
        }
        holderSeen ??= firstHolder(seen)
        if (now >= deadline) throw timeoutError(target, now - started, seen)
        if (now >= nextReportAt) {
          log(progressLine(target, seen, ahead.length, now - unavailableSince))
          nextReportAt = now + reportEveryMs
        }
        const wakeAt = Math.min(nextPollAt, nextReportAt, deadline)
        const sleepMs = watches.blind
          ? Math.min(wakeAt - performance.now(), BLIND_RECHECK_MS)
          : wakeAt - performance.now()
        if ((await watches.wait(sleepMs, options.signal)) === 'abort') {
          throw new LockCancelledError(target.name)
        }
      } catch (error) {
        // The directory was removed or renamed away while we waited (an operator, or an
        // eviction that took the repository away and may put it back): make it again and queue
        // again, a bounded number of times (§2.7).
        if ((error as NodeJS.ErrnoException)?.code !== 'ENOENT' || ++recreated > MAX_RECREATE)
          throw error
        prepareAll()
      }
    }
  } finally {
    clearInterval(entryHeartbeat)
    watches.close()
    // Leave the queue only after the lock exists, so the next waiter cannot take it first.
    entry?.leave()
    if (acquired && options.holdFor === 'process') {
      startHeartbeat(acquired.lockPath, token, context.heartbeatMs)
    }
    if (!acquired) keeper?.abandon()
  }
}

/**
 * Releases the lock only if it still carries `token` (§2.5); otherwise throws LockLostError
 * naming who holds it now. Always stops the lock's keeper (start time checked before
 * signalling), even when the release itself fails. Needs no new disk space where the
 * filesystem has hard links (guard.ts); a failure for any other reason throws
 * LockReleaseError, which says what happens next.
 */
export async function releaseLock(
  lockPath: string,
  token: string,
  options: ReleaseOptions = {}
): Promise<void> {
  const files = slotFilesFor(resolve(lockPath))
  stopHeartbeat(files.lockPath, token)
  const keepers: ProcessRef[] = []
  if (options.keeperPid && options.keeperStartTime) {
    keepers.push({ pid: options.keeperPid, startTime: options.keeperStartTime })
  }
  let outcome: Awaited<ReturnType<typeof removeLockIfToken>>
  try {
    // The record is read first (reading needs no space), so that its keeper is stopped
    // whatever happens next (issue 13.8).
    const record = ownRecord(files.lockPath, token)
    keepers.push(...(record?.owners.filter(owner => owner.role === 'keeper') ?? []))
    // A guard of our own carries the lock's lease: others may break it after that long.
    const leaseMs = record && record.leaseMs > 0 ? record.leaseMs : undefined
    const context = createContext({ leaseMs, hooks: options.hooks })
    outcome = await removeLockIfToken(files, context, token)
  } catch (error) {
    throw new LockReleaseError(files.lockPath, error)
  } finally {
    for (const keeper of keepers) if (!isGone(keeper)) stopProcess(keeper)
  }
  if (outcome.status === 'gone') throw new LockLostError(files.lockPath, undefined)
  if (outcome.status === 'other') throw new LockLostError(files.lockPath, outcome.current)
}

/** The lock's record when it still carries `token`. */
function ownRecord(lockPath: string, token: string): LockRecord | undefined {
  const outcome = readNoFollow(lockPath)
  if (outcome.kind !== 'file') return undefined
  const record = parseRecord(outcome.snapshot.content)
  return record?.token === token ? record : undefined
}

/** The current holder, or undefined when the lock is free (or its file unreadable). */
export async function readLockHolder(lockPath: string): Promise<LockRecord | undefined> {
  return readSlot(resolve(lockPath)).holder
}
