/**
 * Errors a user can act on: what happened, to which lock, what to do. Messages never carry
 * secrets; the holder is named through describeHolder.
 */
import { describeHolder } from './describe.js'
import type { LockRecord } from './record.js'

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    readonly holder: LockRecord | undefined
  ) {
    const who = holder
      ? `it is held by ${describeHolder(holder, Date.now())}`
      : 'other jobs are ahead of this one in its queue'
    super(
      `Timed out after ${Math.round(waitedMs / 1000)}s waiting for the lock ${lockPath}: ${who}. ` +
        'Raise lock-timeout (-1 waits forever) or find out why that job holds it so long.'
    )
    this.name = 'LockTimeoutError'
  }
}

export class LockLostError extends Error {
  constructor(
    readonly lockPath: string,
    readonly current: LockRecord | undefined
  ) {
    const now = current
      ? `it is now held by ${describeHolder(current, Date.now())}`
      : 'the lock file is gone'
    super(
      `The lock ${lockPath} is no longer held by this job: ${now}. It was broken or removed ` +
        'while this job ran, so another job may have used the shared clone at the same time; ' +
        'check the clone and why this job lost its lock (was it stopped for longer than the lease?).'
    )
    this.name = 'LockLostError'
  }
}

export class LockCancelledError extends Error {
  constructor(readonly lockPath: string) {
    super(`Cancelled while waiting for the lock ${lockPath}; this job left the queue.`)
    this.name = 'LockCancelledError'
  }
}

export class LockPathError extends Error {
  constructor(
    readonly path: string,
    problem: string,
    advice: string
  ) {
    super(`Lock path ${path}: ${problem}. ${advice}`)
    this.name = 'LockPathError'
  }
}

const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS'])

/** Turns a filesystem error on a lock file into a LockPathError when the user can fix it. */
export function asPathError(error: unknown, path: string, doing: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code && PERMISSION_CODES.has(code)) {
    return new LockPathError(
      path,
      `cannot ${doing} (${code}${code === 'EROFS' ? ', read-only filesystem' : ''})`,
      'Make this directory writable by the runner user (all runner users that share it), ' +
        'or choose a `root`/`path` on a writable filesystem.'
    )
  }
  return error
}

/** The refusal for a planted symbolic link or other non-file at a lock path (§2.9). */
export function notAFileError(path: string, what: string): LockPathError {
  return new LockPathError(
    path,
    `is a ${what}, not a lock file; lock files are never links or directories, so it was not ` +
      'created by this action and will not be followed',
    'Check who created it and remove it.'
  )
}
