/**
 * How long this process has seen a file unchanged, on its own monotonic clock (§2.4: no trust
 * in other hosts' clocks). A file counts as changed when its inode, mtime, size or content do.
 */
import { performance } from 'node:perf_hooks'
import type { FileSnapshot } from './atomic.js'

export function snapshotKey(snapshot: FileSnapshot): string {
  return `${snapshot.ino}:${snapshot.mtimeMs}:${snapshot.size}:${snapshot.content}`
}

export function sameSnapshot(a: FileSnapshot, b: FileSnapshot): boolean {
  return snapshotKey(a) === snapshotKey(b)
}

export class UnchangedTracker {
  private readonly seen = new Map<string, { key: string; sinceMs: number }>()

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records the current state of file `id`; returns how long it has been in this state. */
  observe(id: string, snapshot: FileSnapshot): number {
    const key = snapshotKey(snapshot)
    const now = this.now()
    const previous = this.seen.get(id)
    if (previous && previous.key === key) return now - previous.sinceMs
    this.seen.set(id, { key, sinceMs: now })
    return 0
  }

  forget(id: string): void {
    this.seen.delete(id)
  }
}

/**
 * How far a filesystem may have rounded an mtime down: FAT keeps 2 s steps, exFAT (through
 * FUSE), HFS+ and ext3 whole seconds. A timestamp on a whole second is taken as rounded; a
 * fine-grained one (ext4, xfs, btrfs, APFS, NTFS) almost never lands exactly on one.
 */
export const COARSE_MTIME_SLACK_MS = 2000

/**
 * Local age of a file from its mtime (meaningful on this host only; §2.4 uses the larger),
 * never more than it can be: on a coarse-timestamp filesystem a file written just now may
 * show an mtime up to 2 s old, which must not make it look abandoned early.
 */
export function localAgeMs(snapshot: FileSnapshot, now: number = Date.now()): number {
  return Math.max(0, now - snapshot.mtimeMs - mtimeStepMs(snapshot))
}

/**
 * How far apart the file's possible mtimes may be: COARSE_MTIME_SLACK_MS for a timestamp on a
 * whole second, else 0. A heartbeat on such a filesystem shows only once per step, so the
 * lease rule waits this much longer before it calls a lock unchanged (§2.4).
 */
export function mtimeStepMs(snapshot: FileSnapshot): number {
  return snapshot.mtimeMs % 1000 === 0 ? COARSE_MTIME_SLACK_MS : 0
}
