/**
 * Eviction from the action's post step (§6: off the job's critical path): at most once an hour
 * per machine, whichever job's post step comes first. `<root>/_fleet/` holds the stamp of the
 * last run and the lock that lets one eviction run at a time on the machine (the `evict`
 * command takes it too). Names under the root that start with '_' are never host directories.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../fs/write.js'
import type { JobIdentity } from '../lock/index.js'
import type { Logger } from '../logger.js'
import { evict, type EvictionReport, type EvictOptions } from './evict.js'
import { formatAgo } from './format.js'
import { fleetJob, release, tryOnceAt, type Tried } from './locks.js'
import { loadSettings } from './settings.js'
import { mtimeOf } from './usage.js'

export const FLEET_DIR_NAME = '_fleet'
export const EVICT_INTERVAL_MS = 3600_000

export function fleetDirOf(root: string): string {
  return path.join(root, FLEET_DIR_NAME)
}
export function evictionLockOf(root: string): string {
  return path.join(fleetDirOf(root), 'evict.lock')
}
export function evictionStampOf(root: string): string {
  return path.join(fleetDirOf(root), 'last-eviction')
}

/** Is the last eviction older than the interval? Pure. */
export function evictionDue(
  lastRunMs: number | undefined,
  nowMs: number,
  intervalMs = EVICT_INTERVAL_MS
): boolean {
  return lastRunMs === undefined || nowMs - lastRunMs >= intervalMs || lastRunMs > nowMs + 60_000
}

/** The machine's eviction lock, one try. */
export async function tryEvictionLock(
  root: string,
  options: { job?: Partial<JobIdentity>; signal?: AbortSignal }
): Promise<Tried> {
  mkdirSync(fleetDirOf(root), { recursive: true })
  return tryOnceAt(evictionLockOf(root), {
    job: fleetJob(options.job, 'eviction'),
    signal: options.signal
  })
}

export function stampEviction(root: string, nowMs = Date.now()): void {
  writeFileAtomic(evictionStampOf(root), `${new Date(nowMs).toISOString()}\n`)
}

export interface EvictIfDueOptions {
  log: Logger
  env?: NodeJS.ProcessEnv
  job?: Partial<JobIdentity>
  signal?: AbortSignal
  now?: () => number
  intervalMs?: number
  hooks?: EvictOptions['hooks']
}

export interface EvictIfDueResult {
  ran: boolean
  why: string
  report?: EvictionReport
}

/**
 * For the action's post step, after the job's tree is released: evicts what is due when the
 * last eviction on this machine is an hour old or more. Cheap when it is not (one stat);
 * never throws (problems, a bad settings file included, are logged as warnings).
 */
export async function evictIfDue(
  root: string,
  options: EvictIfDueOptions
): Promise<EvictIfDueResult> {
  const now = options.now ?? Date.now
  const interval = options.intervalMs ?? EVICT_INTERVAL_MS
  const last = mtimeOf(evictionStampOf(root))
  if (!evictionDue(last, now(), interval))
    return { ran: false, why: `the last eviction ran ${formatAgo(last, now())}` }
  let tried: Tried | undefined
  try {
    tried = await tryEvictionLock(root, options)
    if (!tried.taken) return { ran: false, why: `another eviction runs: ${tried.why}` }
    // Another post step may have run it while this one took the lock.
    if (!evictionDue(mtimeOf(evictionStampOf(root)), now(), interval))
      return { ran: false, why: 'another job ran it just now' }
    stampEviction(root, now())
    const settings = loadSettings(root, options.env ?? process.env)
    const report = await evict(root, {
      settings,
      log: options.log,
      job: options.job,
      signal: options.signal,
      now,
      hooks: options.hooks
    })
    return { ran: true, why: 'due', report }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    options.log.warning(`eviction in ${root} did not run to the end: ${message}`)
    return { ran: false, why: `failed: ${message}` }
  } finally {
    if (tried?.taken) await release(tried.lock, line => options.log.warning(line))
  }
}
