/**
 * Small file operations the store and the trees share. A file another process may read at any
 * moment (a config, a pin ref, the marker) is written to a temporary name beside it and renamed
 * into place, so it is never seen half-written; `rename` replaces a link planted at the name
 * instead of writing through it.
 */
import { randomBytes } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`
  )
  try {
    writeFileSync(temp, content, { mode, flag: 'wx' })
    renameSync(temp, file)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/** Is `file` a real directory (not a link to one)? */
export function isRealDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory()
  } catch {
    return false
  }
}

export function pathExists(file: string): boolean {
  try {
    lstatSync(file)
    return true
  } catch {
    return false
  }
}

/** The names in `dir`; none when it is missing or unreadable (a scan goes on without it). */
export function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The text of `file` when it is a regular file (a link planted there is not followed). */
export function readRegularFile(file: string): string | undefined {
  try {
    if (!lstatSync(file).isFile()) return undefined
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
