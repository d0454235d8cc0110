/**
 * Watches one lock file from the outside (polling, read-only) and records each tenure: whose
 * token appeared when, and when it was gone. The demo uses it to draw acquisition and release
 * times that do not depend on the action's own reporting, and to attribute the git server's
 * byte counter to the job holding the lock (fetches happen only under the lock).
 */
import { readFileSync } from 'node:fs'
import type { LockRecord } from '../src/lock/index.js'

export interface Tenure {
  token: string
  runnerName: string
  /** Epoch ms from the record (when the holder created it). */
  acquiredAt: number
  /** Epoch ms when this observer first saw it. */
  seenAt: number
  /** Epoch ms when this observer saw it gone (or replaced). */
  goneAt?: number
  /** Server bytes sent while this tenure lasted. */
  bytesServed: number
}

export interface LockObserver {
  tenures: Tenure[]
  /** Stops polling after one last look. */
  stop(): Tenure[]
}

export function observeLock(
  lockFile: string,
  bytesSent: () => number,
  intervalMs = 5
): LockObserver {
  const tenures: Tenure[] = []
  let current: (Tenure & { bytesAtStart: number }) | undefined
  const close = (now: number): void => {
    if (!current) return
    const { bytesAtStart, ...tenure } = current
    tenures.push({ ...tenure, goneAt: now, bytesServed: bytesSent() - bytesAtStart })
    current = undefined
  }
  const look = (): void => {
    const now = Date.now()
    let record: LockRecord | undefined
    try {
      record = JSON.parse(readFileSync(lockFile, 'utf8')) as LockRecord
    } catch {
      record = undefined // missing, or (never, by §2.2) half-written
    }
    if (record?.token === current?.token) return
    close(now)
    if (record) {
      current = {
        token: record.token,
        runnerName: record.job.runnerName,
        acquiredAt: Date.parse(record.acquiredAt),
        seenAt: now,
        bytesServed: 0,
        bytesAtStart: bytesSent()
      }
    }
  }
  const timer = setInterval(look, intervalMs)
  return {
    tenures,
    stop() {
      clearInterval(timer)
      look()
      if (current) {
        const { bytesAtStart, ...tenure } = current
        tenures.push({ ...tenure, bytesServed: bytesSent() - bytesAtStart })
        current = undefined
      }
      return tenures
    }
  }
}
