/**
 * The fleet tools take the same locks as jobs (§2), and only by trying once: maintenance and
 * eviction never wait behind a job, they skip what is busy and come back later.
 *
 * - The store lock: its single form, as a job's fetch takes it (checkout/checkout.ts).
 * - A tree lock: through the trees' own FIFO queue with that one tree as the only slot, so a
 *   tree is never taken ahead of a job already waiting for one, and a job arriving meanwhile
 *   waits behind this try like behind any other job. A stale lock (its job is gone) is broken
 *   by the try, as a waiting job would break it (§2.4).
 */
import {
  acquireLock,
  describeHolder,
  LockTimeoutError,
  releaseLock,
  type AcquiredLock,
  type AcquireOptions,
  type JobIdentity,
  type LockPool,
  type LockRecord
} from '../lock/index.js'
import type { RepoLayout } from '../repo/layout.js'

export type Tried =
  { taken: true; lock: AcquiredLock } | { taken: false; holder?: LockRecord; why: string }

export interface TryOptions {
  job?: Partial<JobIdentity>
  log?: (line: string) => void
  signal?: AbortSignal
}

/** Who takes the fleet tools' locks, as status and waiting jobs name them. */
export function fleetJob(
  base: Partial<JobIdentity> | undefined,
  what: string
): Partial<JobIdentity> {
  const job = base?.job ? `${base.job} (${what})` : `shared-checkout ${what}`
  return { ...base, job }
}

async function tryOnce(
  options: TryOptions,
  target: { lockPath: string; pool?: undefined } | { pool: LockPool; lockPath?: undefined }
): Promise<Tried> {
  const acquire: AcquireOptions = {
    ...target,
    holdFor: 'process',
    timeoutSeconds: 0,
    job: options.job,
    log: options.log,
    signal: options.signal
  }
  try {
    const lock = await acquireLock(acquire)
    return { taken: true, lock }
  } catch (error) {
    // The directory was removed (evicted) while we tried: there is nothing left to lock.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { taken: false, why: 'gone: its directory was removed meanwhile' }
    if (!(error instanceof LockTimeoutError)) throw error
    const holder = error.holder
    return {
      taken: false,
      holder,
      why: holder
        ? `held by ${describeHolder(holder, Date.now())}`
        : 'wanted by jobs waiting in its queue'
    }
  }
}

/** A single lock at `lockPath` (its queue `${lockPath}.queue/`), one try. */
export function tryOnceAt(lockPath: string, options: TryOptions): Promise<Tried> {
  return tryOnce(options, { lockPath })
}

export function tryStoreLock(layout: RepoLayout, options: TryOptions): Promise<Tried> {
  return tryOnceAt(layout.storeLock, options)
}

export function tryTreeLock(layout: RepoLayout, tree: number, options: TryOptions): Promise<Tried> {
  const lockPath = layout.treeLock(tree)
  return tryOnce(options, { pool: { queueDir: layout.treeQueue, slots: () => [lockPath] } })
}

/** Releases a lock taken here; says so when it was lost meanwhile (§2.5), never throws. */
export async function release(lock: AcquiredLock, warn: (line: string) => void): Promise<void> {
  try {
    await releaseLock(lock.lockPath, lock.token)
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error))
  }
}

/** Releases a lock whose directory may have been removed or moved with what it guarded. */
export async function releaseQuietly(lock: AcquiredLock): Promise<void> {
  try {
    await releaseLock(lock.lockPath, lock.token)
  } catch {
    // Removed with the directory it guarded, or moved with it: nothing is left to release.
  }
}
