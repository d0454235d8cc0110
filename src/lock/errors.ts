/**
 * Errors a user can act on: what happened, to which lock, what to do. Messages never carry
 * secrets; holders are named through describeHolder.
 */
import { describeHolder, describeSlots, type SlotHolder } from './describe.js'
import type { LockRecord } from './record.js'

export class LockTimeoutError extends Error {
  /**
   * @param lockPath the single lock, or the queue directory of a pool
   * @param holder the holder of the single lock (of the first held slot of a pool)
   * @param slots a pool's slots with their holders; absent for a single lock
   */
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    readonly holder: LockRecord | undefined,
    readonly slots?: SlotHolder[]
  ) {
    const now = Date.now()
    const waited = `Timed out after ${Math.round(waitedMs / 1000)}s waiting for`
    const single = holder
      ? `it is held by ${describeHolder(holder, now)}`
      : 'other jobs are ahead of this one in its queue'
    super(
      (slots
        ? `${waited} one of the ${slots.length} locks queued in ${lockPath}: ${describeSlots(slots, now)}. `
        : `${waited} the lock ${lockPath}: ${single}. `) +
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
        'while this job ran (a job lock is also released by its keeper once the job process ' +
        'that anchors it has exited), so another job may have used what it guards at the same ' +
        'time; check it, and why this job lost its lock (was it stopped for longer than the lease?).'
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

/**
 * An earlier step of the same job holds every lock this acquisition could take (issue 13.7):
 * the job releases them only in its post steps, which run after this step, so waiting would
 * never end. Thrown at once instead.
 */
export class LockHeldByOwnJobError extends Error {
  constructor(
    readonly lockPaths: string[],
    readonly queueDir: string
  ) {
    const what =
      lockPaths.length === 1
        ? `the lock ${lockPaths[0]}`
        : `all ${lockPaths.length} locks queued in ${queueDir} (${lockPaths.join(', ')})`
    super(
      `This job already holds ${what}: an earlier step of the same job took it and releases it ` +
        'only in its post step, so waiting for it here would never end. A job holds at most one ' +
        'of these locks per step: for a second checkout of the same repository in one job use ' +
        '`trees: N` with N ≥ 2, or check the repository out once.'
    )
    this.name = 'LockHeldByOwnJobError'
  }
}

/** A bad option or flag value: names the option, the value, and what is accepted (§7). */
export class LockOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly accepted: string
  ) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value)
    super(`${option} ${shown} is not valid: expected ${accepted}.`)
    this.name = 'LockOptionError'
  }
}

/**
 * Releasing failed for a reason other than a lost lock (§2.5, issue 13.8). The keeper has been
 * stopped regardless, so the lock is recovered by the staleness rules once the job's own
 * processes have exited.
 */
export class LockReleaseError extends Error {
  constructor(
    readonly lockPath: string,
    cause: unknown
  ) {
    const code = (cause as NodeJS.ErrnoException)?.code
    const reason = cause instanceof Error ? cause.message : String(cause)
    const space =
      code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC|EDQUOT/.test(reason)
        ? ' Free space on that filesystem; releasing needs none unless it lacks hard links.'
        : ''
    super(
      `Could not release the lock ${lockPath}: ${reason}. Its keeper was stopped, so the lock ` +
        'is recovered as soon as the processes of the job that holds it have exited (at the ' +
        `latest when the job ends; waiters on other hosts after its lease).${space}`,
      { cause }
    )
    this.name = 'LockReleaseError'
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
const SPACE_CODES = new Set(['ENOSPC', 'EDQUOT'])

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
  if (code && SPACE_CODES.has(code)) {
    return new LockPathError(
      path,
      `cannot ${doing} (${code}, ${code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on the device'})`,
      'Free space on that filesystem (nothing was left behind).'
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
