/**
 * The reaper guard `<clone>.lock.guard` (§2.4, §2.5). Every removal of the lock happens while
 * holding it, after re-reading the lock under it. Creation never replaces an existing file, so
 * what was read under the guard stays at the path until the guard holder removes it: two
 * breakers never remove a fresh lock, and a release never removes another job's lock.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createExclusive, randomHex, readNoFollow, reapIfUnchanged, unlinkQuiet } from './atomic.js'
import type { FileSnapshot } from './atomic.js'
import { buildRecord, judgeFile, ownerOf, type LockContext } from './context.js'
import { notAFileError } from './errors.js'
import { sameSnapshot } from './observation.js'
import type { LockFiles } from './paths.js'
import { encodeRecord, parseRecord, type LockRecord } from './record.js'

const MAX_BACKOFF_MS = 20

async function acquireGuard(files: LockFiles, context: LockContext): Promise<string> {
  const token = randomHex(16)
  const content = encodeRecord(
    buildRecord(context, 'guard', token, [ownerOf(process.pid, 'process')])
  )
  for (let backoffMs = 1; ; backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)) {
    if (createExclusive(files.guardPath, content)) return token
    const outcome = readNoFollow(files.guardPath)
    if (outcome.kind === 'not-a-file') throw notAFileError(files.guardPath, outcome.what)
    if (outcome.kind === 'missing') continue
    const seen = outcome.snapshot
    // A guard is held for milliseconds; one left behind by a killed process is broken by the
    // same proof rules as the lock, and removed by rename-and-recheck so two breakers of the
    // same dead guard never remove a live one.
    if (judgeFile(context, files.guardPath, seen).verdict.stale) {
      reapIfUnchanged(
        files.guardPath,
        now => now.kind === 'file' && sameSnapshot(now.snapshot, seen)
      )
      continue
    }
    await sleep(backoffMs)
  }
}

function releaseGuard(files: LockFiles, token: string): void {
  const outcome = readNoFollow(files.guardPath)
  if (outcome.kind === 'file' && parseRecord(outcome.snapshot.content)?.token === token) {
    unlinkQuiet(files.guardPath)
  }
}

export async function withGuard<T>(
  files: LockFiles,
  context: LockContext,
  work: () => T | Promise<T>
): Promise<T> {
  const token = await acquireGuard(files, context)
  try {
    return await work()
  } finally {
    releaseGuard(files, token)
  }
}

export type RemoveOutcome =
  | { status: 'removed'; record: LockRecord }
  | { status: 'gone' }
  | { status: 'other'; current: LockRecord | undefined }

/** Removes the lock only if it still carries `token` (release by owner, §2.5). */
export function removeLockIfToken(
  files: LockFiles,
  context: LockContext,
  token: string
): Promise<RemoveOutcome> {
  return withGuard(files, context, (): RemoveOutcome => {
    const outcome = readNoFollow(files.lockPath)
    if (outcome.kind === 'missing') return { status: 'gone' }
    if (outcome.kind === 'not-a-file') throw notAFileError(files.lockPath, outcome.what)
    const record = parseRecord(outcome.snapshot.content)
    if (record?.token !== token) return { status: 'other', current: record }
    unlinkQuiet(files.lockPath)
    return { status: 'removed', record }
  })
}

export type BreakOutcome = 'removed' | 'changed' | 'gone'

/**
 * Removes a lock judged stale only if, under the guard, it is still exactly the file that was
 * judged (same inode, mtime, size and content): a heartbeat that moved, or a fresh lock taken
 * in between, leaves it in place (§2.4).
 */
export function breakLockIfUnchanged(
  files: LockFiles,
  context: LockContext,
  judged: FileSnapshot
): Promise<BreakOutcome> {
  return withGuard(files, context, (): BreakOutcome => {
    const outcome = readNoFollow(files.lockPath)
    if (outcome.kind === 'missing') return 'gone'
    if (outcome.kind === 'not-a-file') throw notAFileError(files.lockPath, outcome.what)
    if (!sameSnapshot(outcome.snapshot, judged)) return 'changed'
    unlinkQuiet(files.lockPath)
    return 'removed'
  })
}
