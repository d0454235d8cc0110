/**
 * Two jobs that each hold a repository's tree and wait for the other's (§7): job A holds a tree
 * of b and waits for c, job B holds a tree of c and waits for b. Both would wait forever. While a
 * job waits, it reads the lock and queue files of every repository under the root — they name
 * their holders and waiters — builds who-waits-for-whom, and when its own job is in a cycle, the
 * job that joined its queue last fails at once with a message naming the jobs and repositories.
 *
 * `findDeadlock` is pure; `scanWaitGraph` reads the files.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { JobIdentity } from '../lock/index.js'
import { MARKER_NAME, parseMarker } from '../repo/layout.js'

/** A lock (one slot of a pool, or the store lock) or a waiting entry, as read from its file. */
export interface Party {
  /** Which job: see jobKeyOf. */
  job: string
  /** For messages: "run …, job …". */
  who: string
  /** The repository's identity (marker) and what it waits for or holds ("tree", "store"). */
  repository: string
  resource: 'tree' | 'store'
  /** When the waiter joined the queue (ISO), for waiters. */
  since?: string
}

export interface WaitGraph {
  holders: Party[]
  waiters: Party[]
}

export interface Deadlock {
  /** The jobs of the cycle, in order: each waits for a resource the next one holds. */
  cycle: { waiter: Party; heldBy: Party }[]
  /** The waiter that joined last: it fails, the others go on. */
  victim: Party
}

/** A job's key: the runner's run, attempt, runner and job names; '' when nothing names it. */
export function jobKeyOf(job: Partial<JobIdentity> | undefined): string {
  if (!job) return ''
  const parts = [job.workflowUrl || job.runId, job.runAttempt, job.runnerName, job.jobId || job.job]
  return parts.some(Boolean) ? parts.map(p => p ?? '').join('|') : ''
}

export function describeJob(job: Partial<JobIdentity> | undefined): string {
  if (!job) return 'an unnamed job'
  const parts: string[] = []
  if (job.workflowUrl) parts.push(`run ${job.workflowUrl}`)
  else if (job.runId) parts.push(`run ${job.runId}`)
  if (job.job) parts.push(`job ${job.job}`)
  if (job.runnerName) parts.push(`runner ${job.runnerName}`)
  return parts.join(', ') || 'an unnamed job'
}

/**
 * Whether `self` (which is waiting) can never get what it waits for. A job is stuck when it
 * waits for a tree (or the store) of a repository and every holder of those is stuck itself — a
 * pool frees up when any one holder goes on, so all of them must be blocked. Starting from
 * `self`, stuck jobs are added until nothing changes; `self` is deadlocked when every holder of
 * what it waits for is stuck. Pure.
 */
export function findDeadlock(graph: WaitGraph, self: string): Deadlock | undefined {
  const holdersOf = (w: Party): Party[] =>
    graph.holders.filter(h => h.repository === w.repository && h.resource === w.resource)
  const stuck = new Set<string>([self])
  const blockedBy = (job: string): { waiter: Party; holders: Party[] } | undefined => {
    for (const waiter of graph.waiters.filter(w => w.job === job)) {
      const holders = holdersOf(waiter)
      if (holders.length > 0 && holders.every(h => stuck.has(h.job))) return { waiter, holders }
    }
    return undefined
  }
  for (let changed = true; changed;) {
    changed = false
    for (const waiter of graph.waiters) {
      if (stuck.has(waiter.job) || !blockedBy(waiter.job)) continue
      stuck.add(waiter.job)
      changed = true
    }
  }
  const own = blockedBy(self)
  if (!own || own.holders.every(h => h.job === self)) return undefined
  // The participants: the stuck jobs that hold something a stuck job waits for.
  const cycle: Deadlock['cycle'] = []
  for (const job of stuck) {
    const blocked = blockedBy(job)
    if (!blocked) continue
    for (const holder of blocked.holders)
      if (holder.job !== job) cycle.push({ waiter: blocked.waiter, heldBy: holder })
  }
  const victim = cycle
    .map(step => step.waiter)
    .reduce((latest, w) => ((w.since ?? '') > (latest.since ?? '') ? w : latest))
  return { cycle, victim }
}

interface RecordLike {
  kind?: string
  job?: Partial<JobIdentity>
  acquiredAt?: string
}

function readRecord(file: string): RecordLike | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RecordLike
  } catch {
    return undefined
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Repository directories under the root: the ones with a marker, a few levels down. */
export function repositoryDirs(root: string, maxDepth = 6): { dir: string; repository: string }[] {
  const found: { dir: string; repository: string }[] = []
  const walk = (dir: string, depth: number): void => {
    let text: string | undefined
    try {
      text = readFileSync(path.join(dir, MARKER_NAME), 'utf8')
    } catch {
      text = undefined
    }
    const marker = text === undefined ? undefined : parseMarker(text)
    if (marker) {
      found.push({ dir, repository: marker.repository })
      return
    }
    if (depth >= maxDepth) return
    for (const name of entries(dir)) {
      if (name.startsWith('_') || name.startsWith('.')) continue
      const child = path.join(dir, name)
      walk(child, depth + 1)
    }
  }
  walk(root, 0)
  return found
}

/** Reads who holds and who waits for the trees and stores under `root`. */
export function scanWaitGraph(root: string): WaitGraph {
  const graph: WaitGraph = { holders: [], waiters: [] }
  for (const { dir, repository } of repositoryDirs(root)) {
    const locks = path.join(dir, 'locks')
    for (const name of entries(locks)) {
      const resource: Party['resource'] | undefined = /^tree-\d+\.lock$/.test(name)
        ? 'tree'
        : name === 'store.lock'
          ? 'store'
          : undefined
      if (resource) {
        const record = readRecord(path.join(locks, name))
        const job = jobKeyOf(record?.job)
        if (job) graph.holders.push({ job, who: describeJob(record?.job), repository, resource })
      }
    }
    for (const [queue, resource] of [
      ['trees.queue', 'tree'],
      ['store.lock.queue', 'store']
    ] as const) {
      for (const ticket of entries(path.join(locks, queue))) {
        if (!/^\d+$/.test(ticket)) continue
        const record = readRecord(path.join(locks, queue, ticket))
        const job = jobKeyOf(record?.job)
        if (job)
          graph.waiters.push({
            job,
            who: describeJob(record?.job),
            repository,
            resource,
            since: record?.acquiredAt
          })
      }
    }
  }
  return graph
}

export class DeadlockError extends Error {
  constructor(readonly deadlock: Deadlock) {
    const steps = deadlock.cycle.map(
      step =>
        `${step.waiter.who} waits for a ${step.waiter.resource} of ${step.waiter.repository}, held by ${step.heldBy.who}`
    )
    super(
      `Deadlock between jobs: ${steps.join('; ')}. Failing ${deadlock.victim.who}, the job that ` +
        'joined its queue last, so the others can go on. Check out repositories in the same order in ' +
        'every job (or use trees: N ≥ 2 so one job cannot hold the only tree another needs).'
    )
    this.name = 'DeadlockError'
  }
}
