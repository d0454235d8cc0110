/**
 * The reaper guard `${lock}.guard` (§2.4, §2.5). Every removal of a lock happens while holding
 * its guard, after re-reading the lock under it. Creation never replaces an existing file, so
 * what was read under the guard stays at the path until the guard holder removes it: two
 * breakers never remove a fresh lock, and a release never removes another job's lock.
 *
 * Two kinds of guard:
 * - a breaker's own: a new record file naming this process (needs a little disk space, as
 *   taking a lock does anyway);
 * - a release's: a hard link to the very lock being released (issue 13.8). Taking it needs no
 *   new disk space, so a full disk cannot keep a job from releasing. Its content is the lock's
 *   record, so others judge it by the lock's owners (alive while the job is) and by its lease,
 *   which the keeper's heartbeat moves (one inode, two names). Where hard links are unsupported,
 *   or the lock's owners are gone, a release takes its own guard like a breaker.
 *
 * A guard is not heartbeated, so a holder that pauses longer than the lease may find it broken
 * by a waiter on another host (issue 13.9). Two defences, in order:
 * 1. Freshness. Nobody can break a guard before it is `leaseMs` old on their own clock (they
 *    must see it unchanged that long, and it did not exist before we created it), nor while
 *    its owners are alive on this host. Right before removing anything the holder checks that
 *    less than half the guard's lease has passed since it started creating it, and that its
 *    owners live; otherwise it gives up this attempt and judges afresh.
 * 2. Removal by rename-and-recheck, never a bare unlink: the lock is renamed to a private name
 *    and removed only if the private copy is exactly what was judged (same inode, mtime, size
 *    and content for a break; our token for a release). Anything else is linked back where it
 *    was, never over a file created there since.
 * The residual window is the one POSIX leaves without an atomic compare-and-unlink (Linux's
 * renameat2 is not reachable from Node): all of these must happen, in this order —
 *   a. the guard holder is frozen for at least half the lease exactly between check 1 and its
 *      rename(2) (two consecutive statements);
 *   b. meanwhile its guard is broken — by a waiter that cannot check the holder's PID (another
 *      host, container or boot) after seeing the guard unchanged for the lease, or, for a
 *      release's link guard only, on this host once every owner of the released lock has
 *      exited — and that waiter removes the judged lock, and a new holder creates another;
 *   c. the frozen holder resumes, renames the new lock aside, sees it is not its target, and a
 *      fourth process creates a lock at the path in the microseconds between that rename and
 *      the link that puts the new lock back.
 * Only then is a newer lock displaced: its holder's keeper stops heartbeating, its release
 * reports the lock lost (LockLostError), and until then two jobs may use the slot at once.
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  createExclusive,
  linkNoReplace,
  randomHex,
  readNoFollow,
  reapIfUnchanged,
  unlinkQuiet,
  type FileSnapshot,
  type ReadOutcome
} from './atomic.js'
import { buildRecord, judgeFile, ownerOf, type LockContext } from './context.js'
import { notAFileError } from './errors.js'
import { sameSnapshot } from './observation.js'
import type { SlotFiles } from './paths.js'
import { encodeRecord, parseRecord, type LockRecord } from './record.js'
import { judgeStaleness } from './staleness.js'

const MAX_BACKOFF_MS = 20

interface HeldGuard {
  /** The token of the guard's content (the released lock's own token for a link guard). */
  token: string
  /** A link guard shares its inode with the lock it released; set only for those. */
  linkedIno?: number
  /** performance.now() just before the guard was created: it cannot be older than this. */
  takenAtMs: number
  /** The guard's content, judged as others judge it. */
  record: LockRecord
}

/** Someone else holds the guard: remove it when it is stale (by rename-and-recheck), else wait. */
async function waitOrBreak(files: SlotFiles, context: LockContext, backoffMs: number) {
  const outcome = readNoFollow(files.guardPath)
  if (outcome.kind === 'not-a-file') throw notAFileError(files.guardPath, outcome.what)
  if (outcome.kind === 'missing') return
  const seen = outcome.snapshot
  // A guard is held for milliseconds; one left behind by a killed process is broken by the
  // same proof rules as the lock, so two breakers of the same dead guard never remove a live one.
  if (judgeFile(context, files.guardPath, seen).verdict.stale) {
    reapIfUnchanged(files.guardPath, now => now.kind === 'file' && sameSnapshot(now.snapshot, seen))
    context.tracker.forget(files.guardPath)
    return
  }
  await sleep(backoffMs)
}

const nextBackoff = (ms: number): number => Math.min(ms * 2, MAX_BACKOFF_MS)

/** A breaker's guard: a new record file naming this process. */
async function acquireOwnGuard(files: SlotFiles, context: LockContext): Promise<HeldGuard> {
  const token = randomHex(16)
  const record = buildRecord(context, 'guard', token, [ownerOf(process.pid, 'process')])
  const content = encodeRecord(record)
  for (let backoffMs = 1; ; backoffMs = nextBackoff(backoffMs)) {
    const takenAtMs = performance.now()
    if (createExclusive(files.guardPath, content)) return { token, takenAtMs, record }
    await waitOrBreak(files, context, backoffMs)
  }
}

/**
 * A release's guard: a second name for the lock (no new disk space). 'gone' when the lock
 * vanished first; 'unsupported' where hard links are.
 */
async function acquireLinkGuard(
  files: SlotFiles,
  context: LockContext
): Promise<HeldGuard | 'gone' | 'unsupported'> {
  for (let backoffMs = 1; ; backoffMs = nextBackoff(backoffMs)) {
    const takenAtMs = performance.now()
    const linked = linkNoReplace(files.lockPath, files.guardPath)
    if (linked === 'missing') return 'gone'
    if (linked === 'unsupported') return linked
    if (linked === 'linked') {
      const outcome = readNoFollow(files.guardPath)
      const record = outcome.kind === 'file' ? parseRecord(outcome.snapshot.content) : undefined
      if (outcome.kind === 'file' && record) {
        return { token: record.token, linkedIno: outcome.snapshot.ino, takenAtMs, record }
      }
      // We created this name a moment ago, so it is ours to remove: a link planted at the lock
      // path (link(2) links the link itself) or a lock that is not a record (not ours either).
      unlinkQuiet(files.guardPath)
      if (outcome.kind === 'not-a-file') throw notAFileError(files.lockPath, outcome.what)
      return 'gone'
    }
    await waitOrBreak(files, context, backoffMs)
  }
}

/**
 * Freshness (defence 1 above): less than half the guard's lease since it was created, and its
 * owners alive as this host sees them (a link guard's owners are the released lock's).
 */
function isFresh(guard: HeldGuard, context: LockContext): boolean {
  if (performance.now() - guard.takenAtMs >= guard.record.leaseMs / 2) return false
  const verdict = judgeStaleness({
    record: guard.record,
    local: context.local,
    probe: context.probe,
    observation: { unchangedForMs: 0, localAgeMs: 0 },
    ownLeaseMs: context.leaseMs,
    abandonedAfterMs: context.abandonedAfterMs
  })
  return !verdict.stale
}

/** Releases the guard by rename-and-recheck: a newer guard taken after ours was broken stays. */
function releaseGuard(files: SlotFiles, guard: HeldGuard): void {
  reapIfUnchanged(files.guardPath, outcome => {
    if (outcome.kind !== 'file') return false
    if (guard.linkedIno !== undefined && outcome.snapshot.ino !== guard.linkedIno) return false
    return parseRecord(outcome.snapshot.content)?.token === guard.token
  })
}

type Removal = 'removed' | 'changed' | 'gone'

/**
 * Under the guard: re-reads the lock, checks freshness, then removes the lock only if the file
 * renamed aside is still `isTarget` (defence 2). Test hooks pause at the two points of 13.9.
 */
async function removeUnderGuard(
  files: SlotFiles,
  context: LockContext,
  guard: HeldGuard,
  what: 'break' | 'release',
  isTarget: (outcome: ReadOutcome) => boolean
): Promise<Removal> {
  const current = readNoFollow(files.lockPath)
  if (current.kind === 'missing') return 'gone'
  if (current.kind === 'not-a-file') throw notAFileError(files.lockPath, current.what)
  if (!isTarget(current)) return 'changed'
  await context.hooks.afterGuardCheck?.(what)
  if (!isFresh(guard, context)) return 'changed'
  await context.hooks.beforeRemove?.(what)
  const reaped = reapIfUnchanged(files.lockPath, isTarget)
  if (reaped === 'removed') return 'removed'
  return reaped === 'gone' ? 'gone' : 'changed'
}

export type RemoveOutcome =
  | { status: 'removed'; record: LockRecord }
  | { status: 'gone' }
  | { status: 'other'; current: LockRecord | undefined }

/**
 * Removes the lock only if it still carries `token` (release by owner, §2.5), under a link
 * guard where possible so that no new disk space is needed (issue 13.8).
 */
export async function removeLockIfToken(
  files: SlotFiles,
  context: LockContext,
  token: string
): Promise<RemoveOutcome> {
  const carriesToken = (outcome: ReadOutcome): boolean =>
    outcome.kind === 'file' && parseRecord(outcome.snapshot.content)?.token === token
  for (;;) {
    const seen = readNoFollow(files.lockPath)
    if (seen.kind === 'missing') return { status: 'gone' }
    if (seen.kind === 'not-a-file') throw notAFileError(files.lockPath, seen.what)
    const record = parseRecord(seen.snapshot.content)
    // Reading touches nothing: a lock that is not ours needs no guard to be left alone.
    if (!record || record.token !== token) return { status: 'other', current: record }
    const guard = await acquireReleaseGuard(files, context, seen.snapshot)
    if (guard === 'gone') continue
    try {
      const removal = await removeUnderGuard(files, context, guard, 'release', carriesToken)
      if (removal === 'removed') return { status: 'removed', record }
      // Changed under us, or the guard went stale while we paused: look again from the start.
    } finally {
      releaseGuard(files, guard)
    }
  }
}

/** A link guard while the lock's owners live; our own guard where links or owners are missing. */
async function acquireReleaseGuard(
  files: SlotFiles,
  context: LockContext,
  seen: FileSnapshot
): Promise<HeldGuard | 'gone'> {
  // A link guard is judged by the lock's owners: with all of them gone it could be broken at
  // once, so then (a lock released for a job that is over) this process's own guard is used.
  if (!judgeFile(context, files.lockPath, seen).verdict.stale) {
    const guard = await acquireLinkGuard(files, context)
    if (guard !== 'unsupported') return guard
  }
  return acquireOwnGuard(files, context)
}

export type BreakOutcome = Removal

/**
 * Removes a lock judged stale only if, under the guard, it is still exactly the file that was
 * judged (same inode, mtime, size and content): a heartbeat that moved, or a fresh lock taken
 * in between, leaves it in place (§2.4).
 */
export async function breakLockIfUnchanged(
  files: SlotFiles,
  context: LockContext,
  judged: FileSnapshot
): Promise<BreakOutcome> {
  const isJudged = (outcome: ReadOutcome): boolean =>
    outcome.kind === 'file' && sameSnapshot(outcome.snapshot, judged)
  const guard = await acquireOwnGuard(files, context)
  try {
    return await removeUnderGuard(files, context, guard, 'break', isJudged)
  } finally {
    releaseGuard(files, guard)
  }
}
