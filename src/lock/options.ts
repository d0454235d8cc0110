/**
 * Number rules of the lock's options (§7, issue 13.10): every value is checked before anything
 * on disk changes, so a bad one fails at once with a clear error instead of, say, a NaN
 * deadline that never expires while the waiter spins on a 1 ms timer.
 */
import { LockOptionError } from './errors.js'

/** What a timeout may be, in the words of the CLI's `--timeout` and the action's `lock-timeout`. */
export const TIMEOUT_ACCEPTED =
  '-1 (wait forever), 0 (try once) or a number of seconds with at most 3 decimals, e.g. 600 or 2.5'

const TIMEOUT_TEXT = /^(?:-1|\d+(?:\.\d{1,3})?)$/

/**
 * Parses a timeout written as text (CLI flag, action input): -1, 0, or seconds with up to 3
 * decimals. Throws LockOptionError naming `option` and the value otherwise.
 */
export function parseTimeoutSeconds(text: string, option = 'timeout'): number {
  const trimmed = text.trim()
  const seconds = TIMEOUT_TEXT.test(trimmed) ? Number(trimmed) : NaN
  if (!Number.isFinite(seconds)) throw new LockOptionError(option, text, TIMEOUT_ACCEPTED)
  return seconds
}

/** -1, or a finite number of seconds ≥ 0 (fractions allowed: callers in code are not text). */
export function isValidTimeout(seconds: number): boolean {
  return seconds === -1 || (Number.isFinite(seconds) && seconds >= 0)
}

export interface TimingOptions {
  timeoutSeconds?: number
  leaseMs?: number
  heartbeatMs?: number
  pollMs?: number
  reportEveryMs?: number
  abandonedAfterMs?: number
}

const POSITIVE_MS = 'a positive, finite number of milliseconds'

function checkPositive(name: keyof TimingOptions, value: number | undefined): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new LockOptionError(name, value, POSITIVE_MS)
  }
}

/** Throws LockOptionError for the first bad timing; `defaultLeaseMs` is the lease when unset. */
export function validateTimings(options: TimingOptions, defaultLeaseMs: number): void {
  const { timeoutSeconds } = options
  if (
    timeoutSeconds !== undefined &&
    (typeof timeoutSeconds !== 'number' || !isValidTimeout(timeoutSeconds))
  ) {
    throw new LockOptionError('timeoutSeconds', timeoutSeconds, TIMEOUT_ACCEPTED)
  }
  checkPositive('leaseMs', options.leaseMs)
  checkPositive('heartbeatMs', options.heartbeatMs)
  checkPositive('pollMs', options.pollMs)
  checkPositive('reportEveryMs', options.reportEveryMs)
  checkPositive('abandonedAfterMs', options.abandonedAfterMs)
  // A heartbeat no more often than the lease would let waiters on other hosts break a live lock.
  const leaseMs = options.leaseMs ?? defaultLeaseMs
  if (options.heartbeatMs !== undefined && options.heartbeatMs >= leaseMs) {
    throw new LockOptionError(
      'heartbeatMs',
      options.heartbeatMs,
      `less than the lease (${leaseMs} ms), e.g. a sixth of it`
    )
  }
}
