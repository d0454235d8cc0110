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

/** Local age of a file from its mtime (meaningful on this host only; §2.4 uses the larger). */
export function localAgeMs(snapshot: FileSnapshot): number {
  return Date.now() - snapshot.mtimeMs
}
