/**
 * Taking and releasing the job-spanning lock (§2). Exclusion rests on the exclusive creation of
 * `<clone>.lock`; the queue orders the waiters; the guard makes every removal race-free.
 */
import { accessSync, constants, mkdirSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createExclusive, randomHex, readNoFollow, sweepLeftovers } from './atomic.js'
import { buildRecord, createContext, judgeFile, ownerOf, type LockContext } from './context.js'
import { describeHolder, formatDuration } from './describe.js'
import {
  asPathError,
  LockCancelledError,
  LockLostError,
  LockPathError,
  LockTimeoutError,
  notAFileError
} from './errors.js'
import { breakLockIfUnchanged, removeLockIfToken } from './guard.js'
import { startHeartbeat, stopHeartbeat } from './heartbeat.js'
import { isGone, startKeeper, stopProcess, type ProcessRef, type StartedKeeper } from './keeper.js'
import { lockFilesFor, type LockFiles } from './paths.js'
import { ensureQueueDir, QueueEntry } from './queue.js'
import {
  encodeRecord,
  normalizeJob,
  parseRecord,
  type JobIdentity,
  type LockOwner,
  type LockRecord
} from './record.js'
import { Waker } from './wake.js'

export interface AcquireHooks {
  /** After this process has its queue entry (tests start the next waiter here). */
  onQueued?(ticket: string, position: number): void | Promise<void>
  /** Between judging the lock stale and removing it (tests force races here). */
  beforeBreak?(stale: LockRecord | undefined, reason: string): void | Promise<void>
}

export interface AcquireOptions {
  lockPath: string
  /** -1 waits forever (default), 0 tries once. */
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

export interface AcquiredLock {
  lockPath: string
  token: string
  record: LockRecord
  waitedMs: number
  /** The first holder seen while waiting. */
  holderSeen?: LockRecord
  /** Waiters ahead of this one when it arrived. */
  queuePosition: number
  keeperPid?: number
  keeperStartTime?: string
}

export interface ReleaseOptions {
  /** A keeper to stop even when the lock was lost (its start time is checked first). */
  keeperPid?: number
  keeperStartTime?: string
}

const DEFAULT_POLL_MS = 1000
const DEFAULT_REPORT_EVERY_MS = 60_000

/** Creates the lock directory if missing and fails early and clearly when it is not writable. */
function prepareDirectory(files: LockFiles): void {
  try {
    mkdirSync(files.directory, { recursive: true })
    accessSync(files.directory, constants.W_OK)
  } catch (error) {
    const problem = asPathError(error, files.directory, 'create or write lock files in it')
    if (problem instanceof LockPathError) throw problem
    throw error
  }
}

function readHolder(files: LockFiles): LockRecord | undefined {
  const outcome = readNoFollow(files.lockPath)
  if (outcome.kind === 'not-a-file') throw notAFileError(files.lockPath, outcome.what)
  return outcome.kind === 'file' ? parseRecord(outcome.snapshot.content) : undefined
}

function progressLine(
  files: LockFiles,
  holder: LockRecord | undefined,
  ahead: number,
  waitedMs: number
): string {
  const who = holder ? `held by ${describeHolder(holder, Date.now())}` : 'free'
  const queue = ahead === 1 ? '1 waiter ahead' : `${ahead} waiters ahead`
  return `Waiting for the lock ${files.lockPath} (${formatDuration(waitedMs)} so far): ${who}; ${queue} of this job.`
}

interface Owners {
  owners: LockOwner[]
  keeper?: StartedKeeper
}

function startOwners(
  options: AcquireOptions,
  files: LockFiles,
  token: string,
  context: LockContext
): Owners {
  if (options.holdFor === 'process') return { owners: [ownerOf(process.pid, 'process')] }
  const anchorPid = options.jobAnchorPid ?? process.ppid
  const anchor: ProcessRef | undefined =
    anchorPid > 1 ? ownerOf(anchorPid, 'job-anchor') : undefined
  const keeper = startKeeper({
    entry: options.keeperEntry ?? process.argv[1] ?? '',
    execArgv: options.keeperExecArgv ?? [],
    config: {
      lockPath: files.lockPath,
      token,
      acquirer: ownerOf(process.pid, 'process'),
      anchor,
      leaseMs: context.leaseMs,
      heartbeatMs: context.heartbeatMs,
      abandonedAfterMs: context.abandonedAfterMs
    }
  })
  const owners: LockOwner[] = []
  if (anchor) owners.push({ ...anchor, role: 'job-anchor' })
  owners.push({ pid: keeper.pid, startTime: keeper.startTime, role: 'keeper' })
  return { owners, keeper }
}

export async function acquireLock(options: AcquireOptions): Promise<AcquiredLock> {
  const started = performance.now()
  const files = lockFilesFor(resolve(options.lockPath))
  const log = options.log ?? (() => undefined)
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  const reportEveryMs = options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS
  const timeoutSeconds = options.timeoutSeconds ?? -1
  const deadline = timeoutSeconds < 0 ? Infinity : started + timeoutSeconds * 1000
  const context = createContext(options)
  const token = randomHex(16)
  const job = normalizeJob(options.job)
  if (options.signal?.aborted) throw new LockCancelledError(files.lockPath)
  prepareDirectory(files)
  ensureQueueDir(files)
  sweepLeftovers(files.directory, [basename(files.lockPath), basename(files.guardPath)])
  sweepLeftovers(files.queueDir)

  const waiterRecord = buildRecord(context, 'waiter', token, [ownerOf(process.pid, 'process')], job)
  let entry: QueueEntry | undefined
  let keeper: StartedKeeper | undefined
  let waker: Waker | undefined
  let entryHeartbeat: NodeJS.Timeout | undefined
  let acquired: LockRecord | undefined
  try {
    entry = QueueEntry.enqueue(files, encodeRecord(waiterRecord), token)
    // The keeper starts once our queue entry exists: it reads the entry as "still waiting".
    const ownership = startOwners(options, files, token, context)
    const owners = ownership.owners
    keeper = ownership.keeper
    const queuePosition = entry.ahead(context, false, log).length
    await options.hooks?.onQueued?.(entry.ticket, queuePosition)
    const queued = entry
    entryHeartbeat = setInterval(() => queued.heartbeat(), context.heartbeatMs)
    // Only the head cares about the lock file, and a waiter only about the entry just ahead
    // of it: a release wakes one process, not the whole queue.
    const lockName = basename(files.lockPath)
    let ahead: string[] = []
    waker = new Waker([
      { directory: files.directory, accept: name => name === lockName && ahead.length === 0 },
      {
        directory: files.queueDir,
        accept: name => ahead.length > 0 && name === ahead[ahead.length - 1]
      }
    ])
    let holderSeen: LockRecord | undefined
    let nextPollAt = 0
    let nextReportAt = 0
    let keeperReady = false
    for (;;) {
      if (options.signal?.aborted) throw new LockCancelledError(files.lockPath)
      const now = performance.now()
      // Staleness of others is judged on the poll, not on every notification.
      const fullCheck = now >= nextPollAt
      if (fullCheck) nextPollAt = now + pollMs
      ahead = entry.ahead(context, fullCheck, log)
      let holder: LockRecord | undefined
      if (ahead.length === 0) {
        if (keeper && !keeperReady) {
          await keeper.ready
          keeperReady = true
        }
        const record = buildRecord(context, 'lock', token, owners, job)
        if (createExclusive(files.lockPath, encodeRecord(record))) {
          acquired = record
          const waitedMs = performance.now() - started
          return {
            lockPath: files.lockPath,
            token,
            record,
            waitedMs,
            holderSeen,
            queuePosition,
            keeperPid: keeper?.pid,
            keeperStartTime: keeper?.startTime
          }
        }
        const outcome = readNoFollow(files.lockPath)
        if (outcome.kind === 'not-a-file') throw notAFileError(files.lockPath, outcome.what)
        if (outcome.kind === 'missing') continue // released in between: try again at once
        const judged = judgeFile(context, files.lockPath, outcome.snapshot)
        holder = judged.record
        if (fullCheck && judged.verdict.stale) {
          await options.hooks?.beforeBreak?.(judged.record, judged.verdict.reason)
          const broken = await breakLockIfUnchanged(files, context, outcome.snapshot)
          if (broken === 'removed') {
            const who = judged.record
              ? describeHolder(judged.record, Date.now())
              : 'unreadable file'
            log(`Broke the stale lock ${files.lockPath} (${who}): ${judged.verdict.reason}.`)
          }
          context.tracker.forget(files.lockPath)
          continue
        }
      } else if (!holderSeen || now >= nextReportAt || now >= deadline) {
        holder = readHolder(files)
      }
      holderSeen ??= holder
      const waitedMs = now - started
      if (now >= deadline) throw new LockTimeoutError(files.lockPath, waitedMs, holder)
      if (now >= nextReportAt) {
        log(progressLine(files, holder, ahead.length, waitedMs))
        nextReportAt = now + reportEveryMs
      }
      const sleepMs = Math.min(nextPollAt, nextReportAt, deadline) - performance.now()
      if ((await waker.wait(sleepMs, options.signal)) === 'abort') {
        throw new LockCancelledError(files.lockPath)
      }
    }
  } finally {
    clearInterval(entryHeartbeat)
    waker?.close()
    // Leave the queue only after the lock exists, so the next waiter cannot take it first.
    entry?.leave()
    if (acquired && options.holdFor === 'process') {
      startHeartbeat(files.lockPath, token, context.heartbeatMs)
    }
    if (!acquired && keeper) stopProcess(keeper)
  }
}

/**
 * Releases the lock only if it still carries `token` (§2.5); otherwise throws LockLostError
 * naming who holds it now. Stops the lock's keeper (start time checked before signalling).
 */
export async function releaseLock(
  lockPath: string,
  token: string,
  options: ReleaseOptions = {}
): Promise<void> {
  const files = lockFilesFor(resolve(lockPath))
  stopHeartbeat(files.lockPath, token)
  const outcome = await removeLockIfToken(files, createContext(), token)
  const keepers: ProcessRef[] =
    outcome.status === 'removed'
      ? outcome.record.owners.filter(owner => owner.role === 'keeper')
      : []
  if (options.keeperPid && options.keeperStartTime) {
    keepers.push({ pid: options.keeperPid, startTime: options.keeperStartTime })
  }
  for (const keeper of keepers) if (!isGone(keeper)) stopProcess(keeper)
  if (outcome.status === 'gone') throw new LockLostError(files.lockPath, undefined)
  if (outcome.status === 'other') throw new LockLostError(files.lockPath, outcome.current)
}

/** The current holder, or undefined when the lock is free (or its file unreadable). */
export async function readLockHolder(lockPath: string): Promise<LockRecord | undefined> {
  return readHolder(lockFilesFor(resolve(lockPath)))
}
