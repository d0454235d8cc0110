/**
 * Where the lock's files live (§2 "Paths", DESIGN "The lock"). A lock is one file (a "slot");
 * its reaper guard is `${slot}.guard` beside it. Waiters queue in a directory: `${lock}.queue/`
 * for a single lock, or the queue a pool of slots shares (one FIFO, N slot locks).
 */
import { dirname } from 'node:path'

/** One lock file and its guard. */
export interface SlotFiles {
  /** The lock itself (a slot of a pool, or the single lock). */
  lockPath: string
  /** `${lockPath}.guard`: held around every removal of the lock. */
  guardPath: string
  /** The directory that holds both. */
  directory: string
}

/** A single lock: its slot files plus `${lockPath}.queue/`. */
export interface LockFiles extends SlotFiles {
  /** `${lockPath}.queue/`: FIFO tickets of the waiters. */
  queueDir: string
}

/** `${clonePath}.lock` — appended, never a suffix replacement (`repo.v2` → `repo.v2.lock`). */
export function lockPathFor(clonePath: string): string {
  return `${clonePath.replace(/[\\/]+$/, '')}.lock`
}

export function slotFilesFor(lockPath: string): SlotFiles {
  return { lockPath, guardPath: `${lockPath}.guard`, directory: dirname(lockPath) }
}

export function lockFilesFor(lockPath: string): LockFiles {
  return { ...slotFilesFor(lockPath), queueDir: `${lockPath}.queue` }
}
