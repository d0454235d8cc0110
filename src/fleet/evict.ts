/**
 * Eviction (§6): trees unused for `treeDays`, repositories unused for `repoDays`, and — while
 * the root's file system has less free space than the threshold — what was set aside, then
 * least-recently-used repositories, then least-recently-used trees, until it is back above.
 * Last use is defined once, in usage.ts.
 *
 * Nothing held is ever removed. The plan is made without locks (cheap); each removal then
 * takes the locks of what it removes, trying once (a busy target is kept and logged), and
 * looks again under them:
 * - a tree: its tree lock, through the trees' FIFO queue; it is moved out of `trees/` (into
 *   the repository's `tmp/`) and its pin removed while the lock is held, then deleted;
 * - a repository: its store lock, every tree lock, and no job waiting in either queue; the
 *   whole directory is then renamed to `<root>/_evicting-<random>` in one step, so a job that
 *   arrives during the deletion builds a fresh directory instead of using a half-deleted one.
 *   A job that got in between the last look and the rename moved with the directory: it is
 *   found there and the directory is put back.
 * Each removal is logged with the bytes it freed.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { readLockHolder, type AcquiredLock, type JobIdentity } from '../lock/index.js'
import type { Logger } from '../logger.js'
import { endProcessesIn } from '../process/sweep.js'
import { layoutOf, treeNumberOfLock, type RepoLayout } from '../repo/layout.js'
import { diskUsage, freeSpace, type Space } from './disk.js'
import { DAY_MS, formatBytes, formatDays, formatSpan } from './format.js'
import {
  fleetJob,
  releaseQuietly,
  release,
  tryStoreLock,
  tryTreeLock,
  type TryOptions
} from './locks.js'
import { findRepositories, queueTickets, readRepository, treeNumbers } from './scan.js'
import { minFreeBytes, type FleetSettings } from './settings.js'
import { pinFile, treeLastUse } from './usage.js'

/** What the planner needs of a repository (scan.ts RepositoryFacts has it). */
export interface PlanRepository {
  dir: string
  key: string
  lastUse: number
  trees: readonly { tree: number; exists: boolean; lastUse?: number }[]
  aside: readonly { path: string; mtime: number }[]
}

export type EvictionTarget =
  | { kind: 'repository'; dir: string; key: string; lastUse: number }
  | { kind: 'tree'; dir: string; key: string; tree: number; lastUse: number }
  | { kind: 'aside'; dir: string; key: string; path: string; lastUse: number }

export interface PlannedRemoval {
  target: EvictionTarget
  /** `space` removals stop as soon as the file system is back above the threshold. */
  reason: 'age' | 'space'
  why: string
}

export interface EvictionLimits {
  treeDays: number | null
  repoDays: number | null
  /** Free space to keep; 0: no removal for space. */
  minFreeBytes: number
}

const older = (lastUse: number, days: number | null, nowMs: number): boolean =>
  days !== null && nowMs - lastUse > days * DAY_MS

const byLastUse = <T extends { lastUse: number }>(a: T, b: T): number => a.lastUse - b.lastUse

const unused = (lastUse: number, nowMs: number): string =>
  `unused for ${formatSpan(nowMs - lastUse)}`

/**
 * What to remove, in order. Pure.
 *   1. repositories unused for longer than repoDays, oldest first;
 *   2. trees unused for longer than treeDays (of the other repositories), oldest first;
 *   3. set-aside leftovers older than repoDays;
 *   4. when free space is below the threshold: the remaining set-aside leftovers, then the
 *      least recently used repositories, then the least recently used trees — a repository
 *      frees its store and every tree and is the one least likely to be needed again soon; a
 *      tree of a repository in use goes last, as the next job of that repository needs one.
 */
export function planEviction(
  repositories: readonly PlanRepository[],
  limits: EvictionLimits,
  nowMs: number,
  space: Space
): PlannedRemoval[] {
  const plan: PlannedRemoval[] = []
  const planned = new Set<string>()
  const add = (target: EvictionTarget, reason: 'age' | 'space', why: string): void => {
    const id =
      target.kind === 'tree'
        ? `${target.dir}\0${target.tree}`
        : target.kind === 'aside'
          ? target.path
          : target.dir
    if (planned.has(id)) return
    planned.add(id)
    plan.push({ target, reason, why })
  }
  const repos = [...repositories].sort(byLastUse)
  const repoTargets = repos.map(repo => ({
    kind: 'repository' as const,
    dir: repo.dir,
    key: repo.key,
    lastUse: repo.lastUse
  }))
  const trees = repos
    .flatMap(repo =>
      repo.trees
        .filter(tree => tree.exists)
        .map(tree => ({
          kind: 'tree' as const,
          dir: repo.dir,
          key: repo.key,
          tree: tree.tree,
          lastUse: tree.lastUse ?? 0
        }))
    )
    .sort(byLastUse)
  const asides = repos
    .flatMap(repo =>
      repo.aside.map(entry => ({
        kind: 'aside' as const,
        dir: repo.dir,
        key: repo.key,
        path: entry.path,
        lastUse: entry.mtime
      }))
    )
    .sort(byLastUse)

  const goingForAge = new Set<string>()
  for (const target of repoTargets)
    if (older(target.lastUse, limits.repoDays, nowMs)) {
      add(
        target,
        'age',
        `${unused(target.lastUse, nowMs)} (repositories go after ${formatDays(limits.repoDays!)})`
      )
      goingForAge.add(target.dir)
    }
  for (const target of trees)
    if (!goingForAge.has(target.dir) && older(target.lastUse, limits.treeDays, nowMs))
      add(
        target,
        'age',
        `${unused(target.lastUse, nowMs)} (trees go after ${formatDays(limits.treeDays!)})`
      )
  for (const target of asides)
    if (!goingForAge.has(target.dir) && older(target.lastUse, limits.repoDays, nowMs))
      add(
        target,
        'age',
        `set aside ${formatSpan(nowMs - target.lastUse)} ago (kept ${formatDays(limits.repoDays!)})`
      )

  if (limits.minFreeBytes > 0 && space.availableBytes < limits.minFreeBytes) {
    const short = `${formatBytes(space.availableBytes)} free, below ${formatBytes(limits.minFreeBytes)}`
    for (const target of asides)
      if (!goingForAge.has(target.dir)) add(target, 'space', `${short}: set-aside leftover`)
    for (const target of repoTargets)
      add(
        target,
        'space',
        `${short}: least recently used repository, ${unused(target.lastUse, nowMs)}`
      )
    for (const target of trees)
      if (!goingForAge.has(target.dir))
        add(target, 'space', `${short}: least recently used tree, ${unused(target.lastUse, nowMs)}`)
  }
  return plan
}

export interface EvictHooks {
  /** The plan is made and nothing is locked yet (tests let a job take a tree here). */
  afterPlan?(plan: readonly PlannedRemoval[]): void | Promise<void>
  /** Every lock of the target is held and it was looked at again: right before it is moved. */
  beforeRemove?(item: PlannedRemoval): void | Promise<void>
  /** A repository was moved out of the way (to `movedTo`) and is about to be deleted. */
  afterMove?(item: PlannedRemoval, movedTo: string): void | Promise<void>
}

export interface EvictOptions {
  settings: FleetSettings
  log: Logger
  /** Report what would go; change nothing, take no lock. */
  dryRun?: boolean
  job?: Partial<JobIdentity>
  signal?: AbortSignal
  now?: () => number
  /** How free space is measured (default: the file system's, statfs). */
  space?: (root: string) => Space
  hooks?: EvictHooks
}

export interface RemovalReport {
  kind: EvictionTarget['kind']
  repository: string
  /** What was (or would be) removed: the repository's directory, a tree's, a leftover's. */
  path: string
  tree?: number
  reason: 'age' | 'space' | 'leftover'
  why: string
  lastUse?: string
  bytes: number
}

export interface KeptReport {
  kind: EvictionTarget['kind']
  repository: string
  path: string
  tree?: number
  why: string
}

export interface EvictionReport {
  root: string
  dryRun: boolean
  settings: FleetSettings
  minFreeBytes: number
  spaceBefore: Space
  spaceAfter: Space
  removed: RemovalReport[]
  kept: KeptReport[]
  freedBytes: number
}

export const EVICTING_PREFIX = '_evicting-'

function targetPath(target: EvictionTarget): string {
  if (target.kind === 'tree') return layoutOf(target.dir).tree(target.tree)
  if (target.kind === 'aside') return target.path
  return target.dir
}

function describeTarget(target: EvictionTarget): string {
  if (target.kind === 'tree') return `tree ${target.tree} of ${target.key} (${targetPath(target)})`
  if (target.kind === 'aside') return `set-aside ${target.path} of ${target.key}`
  return `${target.key} (${target.dir})`
}

function isDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory()
  } catch {
    return false
  }
}

/**
 * Deletes what was moved out of the way; returns the bytes it occupied. It is out of every
 * job's way already, so a failure here only leaves garbage: logged, and removed by whoever
 * cleans `tmp/` or `_evicting-*` next.
 */
async function deleteMoved(moved: string, log: Logger): Promise<number> {
  const bytes = diskUsage(moved)
  try {
    await endProcessesIn(moved, { log: line => log.info(line), what: moved })
    rmSync(moved, { recursive: true, force: true, maxRetries: 3 })
  } catch (error) {
    log.warning(
      `could not delete all of ${moved}: ${error instanceof Error ? error.message : String(error)}`
    )
  }
  return bytes
}

type Outcome = { removed: true; bytes: number; path: string } | { removed: false; why: string }

class Evictor {
  readonly removed: RemovalReport[] = []
  readonly kept: KeptReport[] = []
  private readonly tryOptions: TryOptions
  private readonly now: () => number

  constructor(
    private readonly root: string,
    private readonly options: EvictOptions
  ) {
    this.tryOptions = { job: fleetJob(options.job, 'eviction'), signal: options.signal }
    this.now = options.now ?? Date.now
  }

  private get log(): Logger {
    return this.options.log
  }

  record(item: PlannedRemoval, outcome: Outcome): void {
    const { target } = item
    const base = {
      kind: target.kind,
      repository: target.key,
      tree: target.kind === 'tree' ? target.tree : undefined
    }
    if (outcome.removed) {
      this.removed.push({
        ...base,
        path: outcome.path,
        reason: item.reason,
        why: item.why,
        lastUse: target.lastUse > 0 ? new Date(target.lastUse).toISOString() : undefined,
        bytes: outcome.bytes
      })
      const verb = this.options.dryRun ? 'would remove' : 'removed'
      this.log.info(
        `${verb} ${describeTarget(target)}: ${item.why}; ${this.options.dryRun ? 'frees' : 'freed'} ${formatBytes(outcome.bytes)}`
      )
    } else {
      this.kept.push({ ...base, path: targetPath(target), why: outcome.why })
      this.log.info(`kept ${describeTarget(target)}: ${outcome.why}`)
    }
  }

  /** A tree, under its own tree lock. */
  async removeTree(item: PlannedRemoval & { target: { kind: 'tree' } }): Promise<Outcome> {
    const { target } = item
    const layout = layoutOf(target.dir)
    const treeDir = layout.tree(target.tree)
    if (!isDirectory(treeDir)) return { removed: false, why: 'it is gone already' }
    const tried = await tryTreeLock(layout, target.tree, this.tryOptions)
    if (!tried.taken) return { removed: false, why: `it is ${tried.why}` }
    let moved: string | undefined
    try {
      if (item.reason === 'age') {
        const lastUse = treeLastUse(layout, target.tree)
        const days = this.options.settings.treeDays
        if (lastUse !== undefined && !older(lastUse, days, this.now()))
          return { removed: false, why: 'it was used again since the decision' }
      }
      if (!isDirectory(treeDir)) return { removed: false, why: 'it is gone already' }
      await this.options.hooks?.beforeRemove?.(item)
      await endProcessesIn(treeDir, {
        log: line => this.log.info(line),
        what: `tree ${target.tree}`
      })
      mkdirSync(layout.tmp, { recursive: true })
      moved = path.join(layout.tmp, `evicted-tree-${target.tree}-${randomBytes(6).toString('hex')}`)
      renameSync(treeDir, moved)
      // The pin is the tree's own (§3.7): it goes with the tree, under the tree's lock.
      rmSync(pinFile(layout, target.tree), { force: true })
    } finally {
      await release(tried.lock, line => this.log.warning(line))
    }
    return { removed: true, bytes: await deleteMoved(moved, this.log), path: treeDir }
  }

  /** A whole repository, holding its store lock and every tree lock, with nobody queued. */
  async removeRepository(
    item: PlannedRemoval & { target: { kind: 'repository' } }
  ): Promise<Outcome> {
    const { target } = item
    const layout = layoutOf(target.dir)
    if (!isDirectory(layout.dir)) return { removed: false, why: 'it is gone already' }
    const store = await tryStoreLock(layout, this.tryOptions)
    if (!store.taken) return { removed: false, why: `the store lock is ${store.why}` }
    const held: AcquiredLock[] = [store.lock]
    let moved: string | undefined
    try {
      for (const tree of treeNumbers(layout)) {
        const tried = await tryTreeLock(layout, tree, this.tryOptions)
        if (!tried.taken) return { removed: false, why: `tree ${tree} is ${tried.why}` }
        held.push(tried.lock)
      }
      if (waitingJobs(layout) > 0) return { removed: false, why: 'jobs are waiting for it' }
      if (item.reason === 'age') {
        const facts = await readRepository(layout.dir)
        if (!older(facts.lastUse, this.options.settings.repoDays, this.now()))
          return { removed: false, why: 'it was used again since the decision' }
      }
      await this.options.hooks?.beforeRemove?.(item)
      const destination = path.join(
        this.root,
        `${EVICTING_PREFIX}${randomBytes(6).toString('hex')}`
      )
      renameSync(layout.dir, destination)
      moved = destination
      const intruder = await intruderIn(layoutOf(destination), held)
      if (intruder) {
        if (!existsSync(layout.dir)) {
          renameSync(destination, layout.dir)
          moved = undefined
          return {
            removed: false,
            why: `a job arrived while it was being removed (${intruder}); put it back`
          }
        }
        this.log.warning(
          `${layout.dir} was moved to ${destination} for removal, and a job arrived meanwhile (${intruder}) ` +
            'while another created the directory afresh; it is left in place until that job is gone.'
        )
        return { removed: false, why: `a job arrived while it was being removed (${intruder})` }
      }
    } finally {
      // Moved away, the locks went with the directory and are deleted with it.
      if (!moved) for (const lock of held) await release(lock, line => this.log.warning(line))
    }
    for (const lock of held) await releaseQuietly(lock) // stops their heartbeats
    await this.options.hooks?.afterMove?.(item, moved)
    return { removed: true, bytes: await deleteMoved(moved, this.log), path: layout.dir }
  }

  /** Set-aside leftovers are nobody's: they are only ever looked at by people. */
  async removeAside(item: PlannedRemoval & { target: { kind: 'aside' } }): Promise<Outcome> {
    const { target } = item
    if (!existsSync(target.path)) return { removed: false, why: 'it is gone already' }
    await this.options.hooks?.beforeRemove?.(item)
    const bytes = diskUsage(target.path)
    rmSync(target.path, { recursive: true, force: true, maxRetries: 3 })
    return { removed: true, bytes, path: target.path }
  }

  async remove(item: PlannedRemoval): Promise<Outcome> {
    const { target } = item
    if (this.options.dryRun) return this.judgeDry(item)
    try {
      if (target.kind === 'tree') return await this.removeTree({ ...item, target })
      if (target.kind === 'repository') return await this.removeRepository({ ...item, target })
      return await this.removeAside({ ...item, target })
    } catch (error) {
      if (this.options.signal?.aborted) throw error
      const message = error instanceof Error ? error.message : String(error)
      this.log.warning(`could not remove ${describeTarget(target)}: ${message}`)
      return { removed: false, why: `failed: ${message}` }
    }
  }

  /** Dry run: judged by the lock files present (a stale one would be broken by a real run). */
  private async judgeDry(item: PlannedRemoval): Promise<Outcome> {
    const { target } = item
    const place = targetPath(target)
    if (!existsSync(place)) return { removed: false, why: 'it is gone already' }
    if (target.kind !== 'aside') {
      const facts = await readRepository(target.dir, { holders: true })
      const trees =
        target.kind === 'tree' ? facts.trees.filter(t => t.tree === target.tree) : facts.trees
      const held = trees.find(t => t.locked)
      if (held)
        return {
          removed: false,
          why: `tree ${held.tree} is held${held.holder ? ` by job ${held.holder.job.job || held.holder.host}` : ''}`
        }
      if (
        target.kind === 'repository' &&
        (facts.storeLock.locked || facts.queue.length > 0 || facts.storeQueue.length > 0)
      )
        return { removed: false, why: 'its store is locked or jobs are waiting for it' }
    }
    return { removed: true, bytes: diskUsage(place), path: place }
  }

  /**
   * `_evicting-*` directories an eviction was killed while deleting: removed once every lock
   * in them can be taken (their holders are gone; a job that got in holds its lock there).
   */
  async removeLeftovers(): Promise<void> {
    let names: string[]
    try {
      names = readdirSync(this.root).filter(name => name.startsWith(EVICTING_PREFIX))
    } catch {
      return
    }
    for (const name of names) {
      const dir = path.join(this.root, name)
      const layout = layoutOf(dir)
      const held: AcquiredLock[] = []
      let free = true
      try {
        const store = await tryStoreLock(layout, this.tryOptions)
        if (store.taken) held.push(store.lock)
        else free = false
        for (const tree of free ? treeNumbers(layout) : []) {
          const tried = await tryTreeLock(layout, tree, this.tryOptions)
          if (!tried.taken) {
            free = false
            break
          }
          held.push(tried.lock)
        }
        if (!free || waitingJobs(layout) > 0) {
          this.log.info(`left ${dir} in place: a job still holds a lock in it`)
          continue
        }
        for (const lock of held) await releaseQuietly(lock)
        held.length = 0
        const bytes = await deleteMoved(dir, this.log)
        this.removed.push({
          kind: 'repository',
          repository: name,
          path: dir,
          reason: 'leftover',
          why: 'an interrupted eviction',
          bytes
        })
        this.log.info(
          `removed ${dir}, left by an interrupted eviction; freed ${formatBytes(bytes)}`
        )
      } catch (error) {
        this.log.warning(
          `could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`
        )
      } finally {
        for (const lock of held) await releaseQuietly(lock)
      }
    }
  }
}

/** Jobs waiting for a tree or for the store. */
function waitingJobs(layout: RepoLayout): number {
  return queueTickets(layout.treeQueue).length + queueTickets(`${layout.storeLock}.queue`).length
}

/**
 * After the rename: a queue entry, or a tree lock that is not one of ours, means a job got in
 * between the last look and the rename. Returns what was found, or undefined.
 */
async function intruderIn(
  moved: RepoLayout,
  ours: readonly AcquiredLock[]
): Promise<string | undefined> {
  if (waitingJobs(moved) > 0) return 'a job joined the queue'
  const tokens = new Set(ours.map(lock => lock.token))
  let names: string[]
  try {
    names = readdirSync(moved.locksDir)
  } catch {
    return undefined
  }
  for (const name of names) {
    const tree = treeNumberOfLock(name)
    if (tree === undefined && name !== 'store.lock') continue
    const holder = await readLockHolder(path.join(moved.locksDir, name)).catch(() => undefined)
    if (!holder || !tokens.has(holder.token)) return `${name} was taken`
  }
  return undefined
}

/**
 * Removes what is due (see planEviction) from the repositories under `root`, and what
 * interrupted evictions left. Never removes anything held.
 */
export async function evict(root: string, options: EvictOptions): Promise<EvictionReport> {
  const measure = options.space ?? freeSpace
  const now = options.now ?? Date.now
  const evictor = new Evictor(root, options)
  if (!options.dryRun) await evictor.removeLeftovers()
  const spaceBefore = measure(root)
  const limits: EvictionLimits = {
    treeDays: options.settings.treeDays,
    repoDays: options.settings.repoDays,
    minFreeBytes: minFreeBytes(options.settings.minFree, spaceBefore.totalBytes)
  }
  const repositories = await Promise.all(findRepositories(root).map(dir => readRepository(dir)))
  const plan = planEviction(repositories, limits, now(), spaceBefore)
  await options.hooks?.afterPlan?.(plan)
  let space = spaceBefore
  let simulatedFreed = 0
  const gone = new Set<string>()
  for (const item of plan) {
    if (options.signal?.aborted) break
    if (item.reason === 'space') {
      space = options.dryRun
        ? { ...spaceBefore, availableBytes: spaceBefore.availableBytes + simulatedFreed }
        : measure(root)
      if (space.availableBytes >= limits.minFreeBytes) break
    }
    if (gone.has(item.target.dir)) continue // its repository went already
    const outcome = await evictor.remove(item)
    evictor.record(item, outcome)
    if (outcome.removed) {
      simulatedFreed += outcome.bytes
      if (item.target.kind === 'repository') gone.add(item.target.dir)
    }
  }
  const spaceAfter = options.dryRun
    ? { ...spaceBefore, availableBytes: spaceBefore.availableBytes + simulatedFreed }
    : measure(root)
  const freedBytes = evictor.removed.reduce((sum, removal) => sum + removal.bytes, 0)
  if (limits.minFreeBytes > 0 && spaceAfter.availableBytes < limits.minFreeBytes)
    options.log.warning(
      `${root}: ${formatBytes(spaceAfter.availableBytes)} free, still below ${formatBytes(limits.minFreeBytes)}; ` +
        'what is left is in use (see `shared-checkout status`), or the space is used by something else'
    )
  return {
    root,
    dryRun: Boolean(options.dryRun),
    settings: options.settings,
    minFreeBytes: limits.minFreeBytes,
    spaceBefore,
    spaceAfter,
    removed: evictor.removed,
    kept: evictor.kept,
    freedBytes
  }
}
