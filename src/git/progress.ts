import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * Bytes git received, read from its `--progress` output ("Receiving objects: 100% (n/n),
 * 1.20 MiB | ..." or "Unpacking objects: ..., 250 bytes | ..."). Undefined when git printed no
 * transfer size (nothing fetched, or too little for a throughput line). Pure.
 */
export function parseTransferredBytes(stderr: string): number | undefined {
  const units: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }
  let last: number | undefined
  for (const line of stderr.split(/[\r\n]+/)) {
    const match = /(?:Receiving|Unpacking) objects:.*?,\s*([\d.]+)\s*(bytes|KiB|MiB|GiB)\b/.exec(
      line
    )
    if (match) last = Math.round(Number(match[1]) * units[match[2]])
  }
  return last
}

/**
 * Total size of the files in a git directory's object store. The growth across a fetch is
 * what the fetch brought when git printed no transfer size (small or fast transfers).
 */
export function objectStoreBytes(gitDir: string): number {
  let total = 0
  const objects = path.join(gitDir, 'objects')
  for (const sub of safeReaddir(objects)) {
    if (!/^(?:[0-9a-f]{2}|pack)$/.test(sub)) continue
    for (const name of safeReaddir(path.join(objects, sub))) {
      try {
        total += statSync(path.join(objects, sub, name)).size
      } catch {
        // removed while we looked (gc): not ours to count
      }
    }
  }
  return total
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
