/**
 * Watches one repository's lock directory from the outside (read-only polling) and records,
 * per job (by the runner name in the lock records), when it joined the trees' queue, which tree
 * it took and when, when it waited for and held the store lock, and when each lock was gone.
 * Times come from the records themselves where they carry them (a waiter's record is written
 * when it joins the queue, a lock's when it is taken), else from when this observer saw a
 * change. Server bytes are attributed to the store lock's holder: the only git transfers of the
 * demo's jobs (a push's exact commit, no ref lookup) are fetches into the store, and those run
 * under the store lock, one at a time (§3.3).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { LockRecord } from '../src/lock/index.js'
import { treeNumberOfLock, type RepoLayout } from '../src/repo/layout.js'

export interface JobLocks {
  runner: string
  treeQueuedAt?: number
  tree?: number
  treeAt?: number
  treeReleasedAt?: number
  storeQueuedAt?: number
  storeAt?: number
  storeReleasedAt?: number
  /** Store-lock tenures of this job and the server bytes sent during them. */
  storeTenures: number
  storeBytes: number
}

export interface LockObserver {
  /** Stops after one last look; returns what each job did, and bytes sent outside any store tenure. */
  stop(): { jobs: Map<string, JobLocks>; unattributedBytes: number }
}

interface Tenure {
  token: string
  runner: string
  bytesAtStart: number
}

function readRecord(file: string): LockRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockRecord
  } catch {
    return undefined // missing, or gone between listing and reading
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

export function observeLocks(
  layout: RepoLayout,
  bytesSent: () => number,
  intervalMs = 4
): LockObserver {
  const jobs = new Map<string, JobLocks>()
  const held = new Map<string, Tenure>() // lock file → current tenure
  const seenWaiters = new Set<string>()
  let unattributedBytes = 0
  let lastBytes = bytesSent()
  const storeQueue = `${layout.storeLock}.queue`

  const jobOf = (runner: string): JobLocks => {
    let job = jobs.get(runner)
    if (!job) {
      job = { runner, storeTenures: 0, storeBytes: 0 }
      jobs.set(runner, job)
    }
    return job
  }

  const lookAtQueue = (dir: string, store: boolean): void => {
    for (const ticket of list(dir)) {
      const record = readRecord(path.join(dir, ticket))
      if (!record || seenWaiters.has(record.token)) continue
      seenWaiters.add(record.token)
      const job = jobOf(record.job.runnerName)
      const joined = Date.parse(record.acquiredAt)
      if (store) job.storeQueuedAt ??= joined
      else job.treeQueuedAt ??= joined
    }
  }

  const look = (): void => {
    const now = Date.now()
    const bytes = bytesSent()
    const storeHeld = held.get(layout.storeLock)
    if (!storeHeld) unattributedBytes += bytes - lastBytes
    lastBytes = bytes
    lookAtQueue(layout.treeQueue, false)
    lookAtQueue(storeQueue, true)
    const locks = list(layout.locksDir)
      .filter(name => name === 'store.lock' || treeNumberOfLock(name) !== undefined)
      .map(name => path.join(layout.locksDir, name))
    for (const file of new Set([...locks, ...held.keys()])) {
      const record = readRecord(file)
      const tenure = held.get(file)
      if (tenure && record?.token === tenure.token) continue
      if (tenure) {
        end(file, tenure, now, bytes)
        held.delete(file)
      }
      if (!record) continue
      const job = jobOf(record.job.runnerName)
      const takenAt = Date.parse(record.acquiredAt)
      held.set(file, { token: record.token, runner: record.job.runnerName, bytesAtStart: bytes })
      if (file === layout.storeLock) {
        job.storeAt ??= takenAt
        job.storeTenures++
      } else {
        job.tree = treeNumberOfLock(file)
        job.treeAt = takenAt
      }
    }
  }

  const end = (file: string, tenure: Tenure, now: number, bytes: number): void => {
    const job = jobOf(tenure.runner)
    if (file === layout.storeLock) {
      job.storeReleasedAt = now
      job.storeBytes += bytes - tenure.bytesAtStart
    } else job.treeReleasedAt = now
  }

  const timer = setInterval(look, intervalMs)
  look()
  return {
    stop() {
      clearInterval(timer)
      look()
      const now = Date.now()
      for (const [file, tenure] of held) end(file, tenure, now, bytesSent())
      held.clear()
      return { jobs, unattributedBytes }
    }
  }
}
