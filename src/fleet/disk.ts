/** Disk use of a directory and free space of a file system, for status and eviction (§6). */
import { lstatSync, readdirSync, statfsSync } from 'node:fs'
import path from 'node:path'

/**
 * Bytes a directory occupies on disk (allocated blocks, like `du`; the apparent size where the
 * platform reports no blocks). Links are not followed; a file with several hard links inside
 * is counted once. Entries that vanish while it walks are skipped.
 */
export function diskUsage(dir: string): number {
  const seen = new Set<string>()
  let total = 0
  const visit = (file: string): void => {
    let stats
    try {
      stats = lstatSync(file, { bigint: false })
    } catch {
      return
    }
    if (stats.nlink > 1 && !stats.isDirectory()) {
      const id = `${stats.dev}:${stats.ino}`
      if (seen.has(id)) return
      seen.add(id)
    }
    total += typeof stats.blocks === 'number' && stats.blocks > 0 ? stats.blocks * 512 : stats.size
    if (!stats.isDirectory()) return
    let names: string[]
    try {
      names = readdirSync(file)
    } catch {
      return
    }
    for (const name of names) visit(path.join(file, name))
  }
  visit(dir)
  return total
}

export interface Space {
  /** Bytes this user may still write (statfs f_bavail). */
  availableBytes: number
  totalBytes: number
}

/** Free space of the file system that holds `dir`. */
export function freeSpace(dir: string): Space {
  const stats = statfsSync(dir)
  return { availableBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize }
}
