/** Where the lock's files live, beside the clone (§2, DESIGN "The lock"). */
import { dirname } from 'node:path'

export interface LockFiles {
  /** `<clone>.lock`: the lock itself. */
  lockPath: string
  /** `<clone>.lock.guard`: held around every removal of the lock. */
  guardPath: string
  /** `<clone>.lock.queue/`: FIFO tickets of the waiters. */
  queueDir: string
  /** The directory that holds all three. */
  directory: string
}

/** `${clonePath}.lock` — appended, never a suffix replacement (`repo.v2` → `repo.v2.lock`). */
export function lockPathFor(clonePath: string): string {
  return `${clonePath.replace(/[\\/]+$/, '')}.lock`
}

export function lockFilesFor(lockPath: string): LockFiles {
  return {
    lockPath,
    guardPath: `${lockPath}.guard`,
    queueDir: `${lockPath}.queue`,
    directory: dirname(lockPath)
  }
}
