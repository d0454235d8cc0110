/**
 * Waking a waiter (§2.6): filesystem notifications on the lock's directory and the queue
 * directory wake it within milliseconds of a release; a timer is the fallback for filesystems
 * without notifications. Sleeping costs no CPU. A directory that cannot be watched at all (no
 * inotify instances or watches left: EMFILE, ENOSPC) makes the waker "blind": its owner then
 * looks again every BLIND_RECHECK_MS instead of only at its poll.
 */
import { watch, type FSWatcher } from 'node:fs'
import { dirname, resolve } from 'node:path'

export interface WatchTarget {
  directory: string
  /** Only changes to names it accepts wake (asked at each change, so it may change). */
  accept?: (name: string) => boolean
}

export type WakeReason = 'event' | 'timeout' | 'abort'

/** How often a blind waiter looks again: a release is still noticed within this. */
export const BLIND_RECHECK_MS = 200

/** The watch call, replaceable by tests (they make it fail as an exhausted inotify does). */
export const watchOps: { watch: typeof watch } = { watch }

/** Told once per directory that cannot be watched, with the error code. */
export type OnBlind = (directory: string, code: string) => void

/** The longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1

export class Waker {
  private readonly watchers: FSWatcher[] = []
  private pending = false
  private wakeUp: ((reason: WakeReason) => void) | undefined
  /** Some directory is not watched: changes there only show at the next look. */
  blind = false

  constructor(targets: WatchTarget[], onBlind: OnBlind = () => undefined) {
    const lost = (directory: string, error: unknown): void => {
      this.blind = true
      onBlind(directory, (error as NodeJS.ErrnoException)?.code ?? String(error))
      // Whatever happened may have been missed: look once at once.
      this.notify()
    }
    for (const target of targets) {
      try {
        const watcher = watchOps.watch(target.directory, { persistent: true }, (_event, name) => {
          if (!target.accept || !name || target.accept(String(name))) this.notify()
        })
        watcher.on('error', error => {
          watcher.close()
          lost(target.directory, error)
        })
        this.watchers.push(watcher)
      } catch (error) {
        lost(target.directory, error)
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
      // Longer timers overflow and fire at once: a spin instead of a sleep.
      const timer = setTimeout(() => finish('timeout'), Math.min(Math.max(0, ms), MAX_TIMER_MS))
      signal?.addEventListener('abort', onAbort, { once: true })
      this.wakeUp = finish
    })
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close()
    this.watchers.length = 0
  }
}

/** Watches the queue and the slots' directories; rebuilt when the slots' directories change. */
export class Watches {
  private waker: Waker | undefined
  private key = ''
  private slotNames = new Set<string>()
  private predecessor: string | undefined

  private readonly reported = new Set<string>()

  constructor(
    private readonly queueDir: string,
    private readonly log: (line: string) => void
  ) {}

  /** True when some directory could not be watched (see BLIND_RECHECK_MS). */
  get blind(): boolean {
    return this.waker?.blind ?? false
  }

  /** Only the head cares about the slots, a waiter only about the entry just ahead of it. */
  update(slots: readonly string[], ahead: readonly string[]): void {
    this.slotNames = new Set(slots)
    this.predecessor = ahead.length > 0 ? ahead[ahead.length - 1] : undefined
    const directories = [...new Set([this.queueDir, ...slots.map(slot => dirname(slot))])].sort()
    const key = directories.join('\0')
    if (this.waker && key === this.key) return
    this.waker?.close()
    this.key = key
    // A release wakes one process: the head on any slot's change, a waiter on its predecessor's.
    this.waker = new Waker(
      directories.map(directory => ({
        directory,
        accept: name =>
          (directory === this.queueDir && name === this.predecessor) ||
          (this.predecessor === undefined && this.slotNames.has(resolve(directory, name)))
      })),
      (directory, code) => {
        if (this.reported.has(directory)) return
        this.reported.add(directory)
        this.log(
          `Cannot watch ${directory} for changes (${code}): looking again every ${BLIND_RECHECK_MS} ms instead.`
        )
      }
    )
  }

  wait(ms: number, signal?: AbortSignal): ReturnType<Waker['wait']> {
    return this.waker!.wait(ms, signal)
  }

  close(): void {
    this.waker?.close()
  }
}
