/**
 * File primitives of the lock (§2.2, §2.9): exclusive creation that never shows a partial file
 * and never writes through a link, and reads that never follow a link.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  futimesSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { asPathError } from './errors.js'
import { retryTransient } from './retry.js'

/** Owner-only write, readable by the other runner users that share the directory (§2.9). */
export const FILE_MODE = 0o644

// O_NOFOLLOW is missing on Windows (0 there); the lstat checks below still refuse links.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0
// A planted FIFO must not block the open.
const NON_BLOCK = constants.O_NONBLOCK ?? 0
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW

/**
 * Codes of `link` on filesystems without hard links (FAT, exFAT, some SMB shares): fall back to
 * O_CREAT|O_EXCL. exFAT answers EPERM, FUSE filesystems without a link op ENOSYS.
 */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV'])

/**
 * The hard-link call, replaceable by tests so the link-less path also runs on filesystems that
 * have links (`bench/linkless-suite.sh` runs the suite on a real exFAT mount instead).
 */
export const fileOps: { link(existingPath: string, newPath: string): void } = { link: linkSync }

const linkUnsupported = (error: unknown): boolean => {
  const code = errorCode(error)
  return code !== undefined && LINK_UNSUPPORTED.has(code)
}

export interface FileSnapshot {
  content: string
  mtimeMs: number
  ino: number
  size: number
}

export type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'file'; snapshot: FileSnapshot }
  | { kind: 'not-a-file'; what: string }

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

function describeNonFile(stats: { isSymbolicLink(): boolean; isDirectory(): boolean }): string {
  if (stats.isSymbolicLink()) return 'symbolic link'
  if (stats.isDirectory()) return 'directory'
  return 'special file'
}

/** Reads a regular file without following a link at `path`. */
export function readNoFollow(path: string): ReadOutcome {
  let fd: number
  try {
    const stats = lstatSync(path)
    if (!stats.isFile()) return { kind: 'not-a-file', what: describeNonFile(stats) }
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK)
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT') return { kind: 'missing' }
    if (code === 'ELOOP') return { kind: 'not-a-file', what: 'symbolic link' }
    throw error
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) return { kind: 'not-a-file', what: describeNonFile(stats) }
    const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20))
    let length = 0
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length)
      if (read === 0) break
      length += read
    }
    return {
      kind: 'file',
      snapshot: {
        content: buffer.subarray(0, length).toString('utf8'),
        mtimeMs: stats.mtimeMs,
        ino: stats.ino,
        size: stats.size
      }
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Creates `path` (never through a link) with `content`; `mtimeMs` keeps a restored file's age.
 * A file that could not be written in full (ENOSPC on a full disk, issue 13.8) is removed again:
 * it was created exclusively a moment ago, so it is ours, and nothing half-written stays behind.
 */
function writeNewFile(path: string, content: string, mtimeMs?: number): void {
  const fd = openSync(path, CREATE_FLAGS, FILE_MODE)
  let written = false
  try {
    // The umask may have cleared the read bits other runner users need.
    fchmodSync(fd, FILE_MODE)
    const bytes = Buffer.from(content, 'utf8')
    for (let offset = 0; offset < bytes.length;) {
      offset += writeSync(fd, bytes, offset, bytes.length - offset)
    }
    if (mtimeMs !== undefined) futimesSync(fd, mtimeMs / 1000, mtimeMs / 1000)
    written = true
  } finally {
    closeSync(fd)
    if (!written) removeAfterFailure(path)
  }
}

/**
 * Creates `path` with `content` only if nothing (not even a dangling link) is there. The
 * content is written to a private temp file first and hard-linked into place, so the file is
 * never visible empty or half-written; where links are unsupported it falls back to
 * O_CREAT|O_EXCL (the partial-file window that leaves is covered by the abandoned rule).
 * Returns false when something already exists at `path`.
 */
export function createExclusive(path: string, content: string): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(8)}.tmp`)
  try {
    writeNewFile(temp, content)
  } catch (error) {
    throw asPathError(error, dirname(path), 'create files in it')
  }
  try {
    fileOps.link(temp, path)
    return true
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    if (linkUnsupported(error)) return createDirectly(path, content)
    throw asPathError(error, dirname(path), 'create files in it')
  } finally {
    unlinkQuiet(temp)
  }
}

/** The O_CREAT|O_EXCL fallback (§2.2): exclusive, but briefly visible empty (abandoned rule). */
function createDirectly(path: string, content: string, mtimeMs?: number): boolean {
  try {
    writeNewFile(path, content, mtimeMs)
    return true
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    throw asPathError(error, dirname(path), 'create files in it')
  }
}

export type LinkOutcome = 'linked' | 'exists' | 'missing' | 'unsupported'

/**
 * A second name for an existing file, never replacing anything at `newPath` (link() fails with
 * EEXIST). Needs no new disk space beyond a directory entry: releasing uses it to take the
 * guard on a full disk (guard.ts, issue 13.8). link() never follows a link at `existingPath`
 * on Linux; callers check what they linked.
 */
export function linkNoReplace(existingPath: string, newPath: string): LinkOutcome {
  try {
    fileOps.link(existingPath, newPath)
    return 'linked'
  } catch (error) {
    const code = errorCode(error)
    if (code === 'EEXIST') return 'exists'
    if (code === 'ENOENT') return 'missing'
    if (linkUnsupported(error)) return 'unsupported'
    throw asPathError(error, dirname(newPath), 'create files in it')
  }
}

/** Best effort: the error being thrown already says what went wrong. */
function removeAfterFailure(path: string): void {
  try {
    unlinkQuiet(path)
  } catch {
    // The original error is the one to report.
  }
}

/** Removes `path` if present; Windows' just-closed-file errors are retried briefly. */
export function unlinkQuiet(path: string): void {
  try {
    retryTransient(() => unlinkSync(path))
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
}

export type TouchOutcome = 'touched' | 'gone' | 'other'

/**
 * Moves the mtime of `path` to now (the heartbeat) only if the file still carries our token,
 * checked through the same fd that is touched, so a lock taken by someone else in between is
 * never refreshed by us.
 */
export function touchIfToken(path: string, isOurs: (content: string) => boolean): TouchOutcome {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK)
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT') return 'gone'
    if (code === 'ELOOP') return 'other'
    throw error
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) return 'other'
    const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20))
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    if (!isOurs(buffer.subarray(0, length).toString('utf8'))) return 'other'
    const now = new Date()
    futimesSync(fd, now, now)
    return 'touched'
  } finally {
    closeSync(fd)
  }
}

export type ReapOutcome = 'removed' | 'gone' | 'restored' | 'displaced'

/**
 * Removes `path` only if it is still the file we judged (§2.4): renames it to a private name
 * first (rename never follows links and takes exactly one file), then re-checks the private
 * copy. A file that turns out to be a newer one is linked back where it was.
 */
export function reapIfUnchanged(
  path: string,
  isSame: (outcome: ReadOutcome) => boolean
): ReapOutcome {
  const aside = join(dirname(path), `.${basename(path)}.reap-${randomHex(8)}`)
  try {
    retryTransient(() => renameSync(path, aside))
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone'
    throw asPathError(error, dirname(path), 'remove files in it')
  }
  try {
    const outcome = readNoFollow(aside)
    if (isSame(outcome)) return 'removed'
    return putBack(aside, path, outcome)
  } finally {
    unlinkQuiet(aside)
  }
}

/**
 * Puts a set-aside newer file back where it was, never over a file created there since. Where
 * links are unsupported, an exclusive copy with the same content and mtime takes its place
 * (content is immutable and owners find their files by path and token, not by inode).
 */
function putBack(aside: string, path: string, outcome: ReadOutcome): ReapOutcome {
  try {
    fileOps.link(aside, path)
    return 'restored'
  } catch (error) {
    if (!linkUnsupported(error) || outcome.kind !== 'file') return 'displaced'
    const { content, mtimeMs } = outcome.snapshot
    try {
      return createDirectly(path, content, mtimeMs) ? 'restored' : 'displaced'
    } catch {
      return 'displaced'
    }
  }
}

/** Temp and set-aside files older than this were left by a killed process. */
const LEFTOVER_AGE_MS = 10 * 60_000

/**
 * Removes temp files (`.<name>.<hex>.tmp`) and set-aside copies (`.<name>.reap-<hex>`) that a
 * process killed mid-operation left in `directory` (of files named `names`, or of any file when
 * omitted, as in the queue directory). Each is private to its creator and used
 * for milliseconds, so an old one has no owner left.
 */
export function sweepLeftovers(directory: string, names?: readonly string[]): void {
  let entries: string[]
  try {
    entries = readdirSync(directory)
  } catch {
    return
  }
  const ours = (entry: string): boolean =>
    (names ? names.some(name => entry.startsWith(`.${name}.`)) : entry.startsWith('.')) &&
    (entry.endsWith('.tmp') || entry.includes('.reap-'))
  for (const entry of entries.filter(ours)) {
    const path = join(directory, entry)
    try {
      const stats = lstatSync(path)
      if (Date.now() - stats.mtimeMs > LEFTOVER_AGE_MS) unlinkQuiet(path)
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
}
