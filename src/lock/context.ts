/**
 * What every lock operation of one process shares: local facts, timings, the unchanged-file
 * tracker, and the two helpers built on them (make a record, judge a file).
 */
import type { FileSnapshot } from './atomic.js'
import {
  createProber,
  localFacts,
  startTimeOf,
  type LocalFacts,
  type ProcessProbe
} from './identity.js'
import { localAgeMs, mtimeStepMs, UnchangedTracker } from './observation.js'
import {
  emptyJob,
  parseRecord,
  type JobIdentity,
  type LockOwner,
  type LockRecord,
  type RecordKind
} from './record.js'
import { judgeStaleness, type Verdict } from './staleness.js'

export interface LockTimings {
  leaseMs: number
  heartbeatMs: number
  abandonedAfterMs: number
}

/**
 * Points inside a guarded removal where tests pause a process to force the interleavings of
 * issue 13.9 (guard.ts). `what` says which removal: breaking a stale lock, or a release.
 */
export interface GuardHooks {
  /** Holding the guard, after re-reading the lock under it, before the freshness check. */
  afterGuardCheck?(what: 'break' | 'release'): void | Promise<void>
  /** After the freshness check, right before the lock is renamed aside (the residual window). */
  beforeRemove?(what: 'break' | 'release'): void | Promise<void>
}

export interface LockContext extends LockTimings {
  local: LocalFacts
  probe: (pid: number) => ProcessProbe
  tracker: UnchangedTracker
  hooks: GuardHooks
}

export interface ContextOptions extends Partial<LockTimings> {
  hooks?: GuardHooks
  /** Facts of "this machine" (tests pose as another host); the real ones by default. */
  local?: LocalFacts
}

export const DEFAULT_LEASE_MS = 30_000
export const DEFAULT_ABANDONED_AFTER_MS = 5_000

export function createContext(options: ContextOptions = {}): LockContext {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  return {
    leaseMs,
    heartbeatMs: options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 6)),
    abandonedAfterMs: options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS,
    local: options.local ?? localFacts(),
    // Reuses macOS/Windows start times briefly: waiters ask about the same PIDs every poll.
    probe: createProber(),
    tracker: new UnchangedTracker(),
    hooks: options.hooks ?? {}
  }
}

export function ownerOf(pid: number, role: LockOwner['role']): LockOwner {
  return { pid, startTime: startTimeOf(pid), role }
}

export function buildRecord(
  context: LockContext,
  kind: RecordKind,
  token: string,
  owners: LockOwner[],
  job: JobIdentity = emptyJob()
): LockRecord {
  const { local } = context
  return {
    version: 1,
    kind,
    token,
    host: local.host,
    machineId: local.machineId,
    bootId: local.bootId,
    pidNamespace: local.pidNamespace,
    platform: local.platform,
    owners,
    leaseMs: context.leaseMs,
    heartbeatMs: context.heartbeatMs,
    job,
    acquiredAt: new Date().toISOString()
  }
}

export interface Judged {
  record: LockRecord | undefined
  verdict: Verdict
}

/** Parses and judges one file as seen now; `id` names it for the unchanged-time tracker. */
export function judgeFile(context: LockContext, id: string, snapshot: FileSnapshot): Judged {
  const record = parseRecord(snapshot.content)
  const verdict = judgeStaleness({
    record,
    local: context.local,
    probe: context.probe,
    observation: {
      unchangedForMs: context.tracker.observe(id, snapshot),
      localAgeMs: localAgeMs(snapshot),
      mtimeStepMs: mtimeStepMs(snapshot)
    },
    ownLeaseMs: context.leaseMs,
    abandonedAfterMs: context.abandonedAfterMs
  })
  return { record, verdict }
}
