/**
 * Waking a waiter (§2.6): filesystem notifications on the lock's directory and the queue
 * directory wake it within milliseconds of a release; a timer is the fallback for filesystems
 * without notifications. Sleeping costs no CPU.
 */
import { watch, type FSWatcher } from 'node:fs'

export interface WatchTarget {
  directory: string
  /** Only changes to names it accepts wake (asked at each change, so it may change). */
  accept?: (name: string) => boolean
}

export type WakeReason = 'event' | 'timeout' | 'abort'

export class Waker {
  private readonly watchers: FSWatcher[] = []
  private pending = false
  private wakeUp: ((reason: WakeReason) => void) | undefined

  constructor(targets: WatchTarget[]) {
    for (const target of targets) {
      try {
        const watcher = watch(target.directory, { persistent: true }, (_event, name) => {
          if (!target.accept || !name || target.accept(String(name))) this.notify()
        })
        // Notifications unsupported or lost (network filesystems): polling still runs.
        watcher.on('error', () => watcher.close())
        this.watchers.push(watcher)
      } catch {
        // Same fallback: the poll timer alone.
      }
    }
  }

  private notify(): void {
    if (this.wakeUp) this.wakeUp('event')
    else this.pending = true
  }

  /** Resolves on the next change (or one that came since the last wait), timeout or abort. */
  wait(ms: number, signal?: AbortSignal): Promise<WakeReason> {
    if (signal?.aborted) return Promise.resolve('abort')
    if (this.pending) {
      this.pending = false
      return Promise.resolve('event')
    }
    return new Promise(resolve => {
      const finish = (reason: WakeReason): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.wakeUp = undefined
        resolve(reason)
      }
      const onAbort = (): void => finish('abort')
      const timer = setTimeout(() => finish('timeout'), Math.max(0, ms))
      signal?.addEventListener('abort', onAbort, { once: true })
      this.wakeUp = finish
    })
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close()
    this.watchers.length = 0
  }
}
