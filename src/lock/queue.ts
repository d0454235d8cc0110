/**
 * The FIFO of waiters `<queue>/<ticket>` (§2.7): `${lock}.queue/` of a single lock, or the one
 * queue a pool of slots shares. A ticket is a zero-padded integer, one more than the largest
 * present, created with the same exclusive create as the lock. Only the head may create a lock
 * (take a slot); exclusion itself rests on the lock files alone. Entries of waiters that died
 * are removed by the waiters behind them, with the same proof rules.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  createExclusive,
  readNoFollow,
  reapIfUnchanged,
  touchIfToken,
  unlinkQuiet,
  type ReadOutcome
} from './atomic.js'
import { judgeFile, type LockContext } from './context.js'
import { asPathError, notAFileError } from './errors.js'
import { sameSnapshot } from './observation.js'
import { parseRecord } from './record.js'

const TICKET_DIGITS = 12
const TICKET = /^\d{12}$/

export function ticketName(number: number): string {
  return String(number).padStart(TICKET_DIGITS, '0')
}

/**
 * Creates the queue directory (refusing a planted link) with its parent directory's
 * permissions: whoever may create the locks there may queue for them.
 */
export function ensureQueueDir(queueDir: string): void {
  const parent = dirname(queueDir)
  try {
    mkdirSync(parent, { recursive: true })
    mkdirSync(queueDir)
    chmodSync(queueDir, statSync(parent).mode & 0o7777)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EEXIST') throw asPathError(error, parent, 'create the lock queue in it')
  }
  const stats = lstatSync(queueDir)
  if (!stats.isDirectory()) {
    throw notAFileError(queueDir, stats.isSymbolicLink() ? 'symbolic link' : 'file')
  }
}

interface Listing {
  /** Regular-file tickets in queue order. */
  tickets: string[]
  /** Largest ticket number present, links and other non-files included. */
  largest: number
}

function listQueue(queueDir: string): Listing {
  const tickets: string[] = []
  let largest = 0
  for (const entry of readdirSync(queueDir, { withFileTypes: true })) {
    if (!TICKET.test(entry.name)) continue
    largest = Math.max(largest, Number(entry.name))
    // A link or directory with a ticket name was planted: never followed, never waited for.
    if (entry.isFile()) tickets.push(entry.name)
  }
  tickets.sort()
  return { tickets, largest }
}

export class QueueEntry {
  private constructor(
    private readonly queueDir: string,
    private readonly content: string,
    private readonly token: string,
    public ticket: string
  ) {}

  /** Takes the next ticket. */
  static enqueue(queueDir: string, content: string, token: string): QueueEntry {
    let number = listQueue(queueDir).largest + 1
    while (!createExclusive(join(queueDir, ticketName(number)), content)) number++
    return new QueueEntry(queueDir, content, token, ticketName(number))
  }

  get path(): string {
    return join(this.queueDir, this.ticket)
  }

  private isOurs = (content: string): boolean => parseRecord(content)?.token === this.token

  /**
   * Heartbeat of the entry (other hosts judge waiters by it). An entry removed by someone who
   * judged this waiter dead is put back, at the same ticket when it is still free.
   */
  heartbeat(): void {
    if (touchIfToken(this.path, this.isOurs) === 'touched') return
    if (createExclusive(this.path, this.content)) return
    this.ticket = QueueEntry.enqueue(this.queueDir, this.content, this.token).ticket
  }

  /**
   * The tickets ahead of this one. With `removeDead`, the entry directly ahead is removed when
   * its waiter is proven gone (rename-and-recheck, so a fresh entry at a reused ticket
   * survives), then the next one: each entry is checked by its successor only, so a poll costs
   * every waiter O(1) however long the queue.
   */
  ahead(context: LockContext, removeDead: boolean, log: (line: string) => void): string[] {
    const { tickets } = listQueue(this.queueDir)
    if (!tickets.includes(this.ticket) && readNoFollow(this.path).kind === 'missing') {
      this.heartbeat()
      return this.ahead(context, removeDead, log)
    }
    const ahead = tickets.filter(ticket => ticket < this.ticket)
    while (
      removeDead &&
      ahead.length > 0 &&
      this.removeIfDead(context, ahead[ahead.length - 1], log)
    ) {
      ahead.pop()
    }
    return ahead
  }

  private removeIfDead(context: LockContext, ticket: string, log: (line: string) => void): boolean {
    const path = join(this.queueDir, ticket)
    const outcome = readNoFollow(path)
    if (outcome.kind !== 'file') return true
    const seen = outcome.snapshot
    const { verdict } = judgeFile(context, path, seen)
    if (!verdict.stale) return false
    const same = (now: ReadOutcome): boolean =>
      now.kind === 'file' && sameSnapshot(now.snapshot, seen)
    const reaped = reapIfUnchanged(path, same)
    if (reaped === 'removed')
      log(`Removed the queue entry ${ticket} of a waiter that is gone: ${verdict.reason}.`)
    context.tracker.forget(path)
    return reaped === 'removed' || reaped === 'gone'
  }

  /** Leaves the queue (after taking the lock, on timeout or on cancellation). */
  leave(): void {
    const outcome = readNoFollow(this.path)
    if (outcome.kind === 'file' && this.isOurs(outcome.snapshot.content)) unlinkQuiet(this.path)
  }
}
