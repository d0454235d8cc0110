/**
 * Heartbeat of a lock held by this process itself (`holdFor: 'process'`): moves the lock's
 * mtime so waiters on other hosts or in other containers see the lease alive (§2.4). The timer
 * never keeps the process alive; releaseLock stops it.
 */
import { touchIfToken } from './atomic.js'
import { parseRecord } from './record.js'

const running = new Map<string, NodeJS.Timeout>()

const keyOf = (lockPath: string, token: string): string => `${lockPath}\0${token}`

export function startHeartbeat(lockPath: string, token: string, everyMs: number): void {
  const isOurs = (content: string): boolean => parseRecord(content)?.token === token
  const timer = setInterval(() => {
    try {
      if (touchIfToken(lockPath, isOurs) !== 'touched') stopHeartbeat(lockPath, token)
    } catch {
      // A transient filesystem error: the next beat tries again.
    }
  }, everyMs)
  timer.unref()
  running.set(keyOf(lockPath, token), timer)
}

export function stopHeartbeat(lockPath: string, token: string): void {
  const key = keyOf(lockPath, token)
  clearInterval(running.get(key))
  running.delete(key)
}
