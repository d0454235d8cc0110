/**
 * Windows keeps a file busy for a moment after its last handle closes (an antivirus scanner,
 * the search indexer, a handle still closing in another process): unlink and rename then fail
 * with EBUSY, EPERM or EACCES although nothing is wrong. Such errors are retried briefly with a
 * bounded backoff instead of failing the lock (§2.2, §2.5). Elsewhere these codes are real
 * (a permission problem, a mount point) and are reported at once.
 */

/** Waits between tries: about 0.3 s in all, then the last error is the answer. */
export const TRANSIENT_RETRY_DELAYS_MS: readonly number[] = [5, 10, 20, 40, 80, 160]

const WINDOWS_TRANSIENT = new Set(['EBUSY', 'EPERM', 'EACCES'])

/** Pure: is this error code worth another try on this platform? ENOENT never is. */
export function isTransientFsError(code: string | undefined, platform: NodeJS.Platform): boolean {
  return platform === 'win32' && code !== undefined && WINDOWS_TRANSIENT.has(code)
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4))

/** Blocks for `ms` (the file primitives are synchronous; the waits are milliseconds). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms)
}

export interface RetryOptions {
  platform?: NodeJS.Platform
  delaysMs?: readonly number[]
  sleep?: (ms: number) => void
}

/** Runs `operation`, retrying it while it fails with a transient code; other errors at once. */
export function retryTransient<T>(operation: () => T, options: RetryOptions = {}): T {
  const platform = options.platform ?? process.platform
  const delays = options.delaysMs ?? TRANSIENT_RETRY_DELAYS_MS
  const sleep = options.sleep ?? sleepSync
  for (let attempt = 0; ; attempt++) {
    try {
      return operation()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException)?.code
      if (attempt >= delays.length || !isTransientFsError(code, platform)) throw error
      sleep(delays[attempt])
    }
  }
}
