/**
 * Maintenance of a store (§6): after thousands of small fetches a store holds thousands of loose
 * objects and small packs and no commit-graph, and every fetch and checkout pays for it.
 *
 *   maintenanceDue (cheap: counts files) → store lock, one try (never wait behind a fetch) →
 *   end what was left running in the store (§3.8) → stale gc.pid and lock files of killed git
 *   processes (git's own `maintenance --auto` skips silently forever while
 *   objects/maintenance.lock exists) → within the time budget:
 *     repack        `git repack -d --geometric=2 --write-midx`: loose objects and small packs
 *                   rolled into one pack, a multi-pack-index over the rest
 *     commit-graph  `git commit-graph write --reachable --split`: one more incremental layer
 *   → record what happened → release.
 *
 * Nothing is ever pruned: no step drops an object, reachable or not. `repack -d` deletes only
 * packs whose every object went into the new pack and loose objects that are in a pack; a tree
 * reading the store meanwhile finds the object in the new pack (git looks again when an object
 * moved under it). So a tree's pinned commit (§3.7) — and a commit a job fetched a minute ago
 * and has not pinned yet — is always there. Unreachable objects stay until the repository is
 * evicted. Refs are never packed: pins are loose files written without the store lock.
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { writeFileAtomic } from '../fs/write.js'
import { localGitEnv } from '../git/env.js'
import { GitCancelledError, GitRunner } from '../git/git.js'
import { platformConfigEntries } from '../git/platform.js'
import { removeStaleGitLocks } from '../git/repair.js'
import type { JobIdentity } from '../lock/index.js'
import type { Logger } from '../logger.js'
import { endProcessesIn } from '../process/sweep.js'
import { PIN_REF_PREFIX, type RepoLayout } from '../repo/layout.js'
import { DAY_MS, formatAgo } from './format.js'
import { fleetJob, release, tryStoreLock } from './locks.js'

export type MaintenanceStep = 'repack' | 'commit-graph'

/** What a store holds, counted from its files alone (no git process). */
export interface StoreCounts {
  looseObjects: number
  packs: number
  /** Packs written after the multi-pack-index (all packs when there is none). */
  packsOutsideMidx: number
  packBytes: number[]
  hasMidx: boolean
  /** mtime of the commit-graph (chain), undefined when there is none. */
  commitGraph?: number
  /** mtime of the newest pack or loose-object directory. */
  newestObjects?: number
  shallow: boolean
  /** A partial clone (promisor packs): only the commit-graph is maintained. */
  partial: boolean
}

export interface MaintenanceThresholds {
  looseObjects: number
  packsOutsideMidx: number
  /** A commit-graph older than this, with objects fetched since, is written again. */
  commitGraphAgeMs: number
}

/**
 * git's own automatic limits are 6,700 loose objects for gc and 10 packs for its incremental
 * repack. Loose objects cost every object lookup a file-system call, and a fetch of fewer than
 * 100 objects leaves them loose, so a store fetched every few minutes crosses 1,000 within a
 * day: repacking that many takes well under a second.
 */
export const DEFAULT_THRESHOLDS: MaintenanceThresholds = {
  looseObjects: 1000,
  packsOutsideMidx: 10,
  commitGraphAgeMs: DAY_MS
}

const LOOSE_DIR = /^[0-9a-f]{2}$/
const LOOSE_OBJECT = /^[0-9a-f]{38}$|^[0-9a-f]{62}$/

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function statOf(file: string): { mtimeMs: number; size: number } | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) ?? undefined
  } catch {
    return undefined
  }
}

/** Counts the store's objects from its directory listing (a few hundred readdir calls). */
export function countStore(storeDir: string): StoreCounts {
  const objects = path.join(storeDir, 'objects')
  let loose = 0
  let newest: number | undefined
  const newer = (mtime: number | undefined): void => {
    if (mtime !== undefined && (newest === undefined || mtime > newest)) newest = mtime
  }
  for (const name of entries(objects)) {
    if (!LOOSE_DIR.test(name)) continue
    const dir = path.join(objects, name)
    const inDir = entries(dir).filter(file => LOOSE_OBJECT.test(file)).length
    if (inDir > 0) {
      loose += inDir
      newer(statOf(dir)?.mtimeMs)
    }
  }
  const packDir = path.join(objects, 'pack')
  const packNames = entries(packDir)
  const midx = statOf(path.join(packDir, 'multi-pack-index'))?.mtimeMs
  const packBytes: number[] = []
  let outside = 0
  for (const name of packNames) {
    if (!name.endsWith('.pack') || name.startsWith('tmp_') || name.startsWith('.tmp-')) continue
    const stats = statOf(path.join(packDir, name))
    if (!stats) continue
    packBytes.push(stats.size)
    newer(stats.mtimeMs)
    if (midx === undefined || stats.mtimeMs > midx) outside++
  }
  const info = path.join(objects, 'info')
  const commitGraph =
    statOf(path.join(info, 'commit-graphs', 'commit-graph-chain'))?.mtimeMs ??
    statOf(path.join(info, 'commit-graph'))?.mtimeMs
  return {
    looseObjects: loose,
    packs: packBytes.length,
    packsOutsideMidx: outside,
    packBytes,
    hasMidx: midx !== undefined,
    commitGraph,
    newestObjects: newest,
    shallow: statOf(path.join(storeDir, 'shallow')) !== undefined,
    partial: packNames.some(name => name.endsWith('.promisor'))
  }
}

export interface Due {
  due: boolean
  why: string
  /** The steps that are due (empty when not due). */
  steps: MaintenanceStep[]
}

/** Is maintenance worth running now, and which steps? Pure. */
export function decideMaintenance(
  counts: StoreCounts,
  nowMs: number,
  thresholds: MaintenanceThresholds = DEFAULT_THRESHOLDS
): Due {
  if (counts.looseObjects === 0 && counts.packs === 0)
    return { due: false, why: 'the store holds no objects', steps: [] }
  const reasons: string[] = []
  const steps: MaintenanceStep[] = []
  if (!counts.partial) {
    if (counts.looseObjects >= thresholds.looseObjects)
      reasons.push(
        `${counts.looseObjects} loose objects (maintained from ${thresholds.looseObjects})`
      )
    if (counts.packsOutsideMidx >= thresholds.packsOutsideMidx)
      reasons.push(
        `${counts.packsOutsideMidx} packs outside the multi-pack-index (maintained from ${thresholds.packsOutsideMidx})`
      )
    if (reasons.length > 0) steps.push('repack')
  }
  if (!counts.shallow) {
    const before = reasons.length
    if (counts.commitGraph === undefined) reasons.push('no commit-graph')
    else if (
      nowMs - counts.commitGraph >= thresholds.commitGraphAgeMs &&
      counts.newestObjects !== undefined &&
      counts.newestObjects > counts.commitGraph
    )
      reasons.push(
        `commit-graph written ${formatAgo(counts.commitGraph, nowMs)}, objects fetched since`
      )
    if (reasons.length > before) steps.push('commit-graph')
  }
  if (reasons.length > 0) return { due: true, why: reasons.join('; '), steps }
  const graph = counts.shallow
    ? 'shallow: no commit-graph'
    : `commit-graph ${formatAgo(counts.commitGraph, nowMs)}`
  return {
    due: false,
    why: `nothing to do: ${counts.looseObjects} loose objects, ${counts.packs} packs, ${graph}`,
    steps: []
  }
}

/** Cheap (no git process, no lock): does the store at `storeDir` need maintenance? */
export function maintenanceDue(storeDir: string, nowMs = Date.now()): Due {
  return decideMaintenance(countStore(storeDir), nowMs)
}

/** The steps that have something to do, in the order they run. Pure. */
export function stepsFor(counts: StoreCounts): MaintenanceStep[] {
  const steps: MaintenanceStep[] = []
  // Rolling up promisor packs would drop their promisor mark: partial stores keep their packs.
  if (!counts.partial && (counts.looseObjects > 0 || counts.packs > 1)) steps.push('repack')
  // git keeps no commit-graph for a shallow repository.
  if (!counts.shallow && (counts.looseObjects > 0 || counts.packs > 0)) steps.push('commit-graph')
  return steps
}

/** The git command of each step (GIT_DIR is the store). */
export function stepArgs(step: MaintenanceStep): string[] {
  switch (step) {
    case 'repack':
      // -d: drop only what the new pack holds (no -a, -A, --cruft or prune: nothing is lost);
      // -n: no update-server-info; no bitmaps (they serve clones, not fetches into the store).
      return [
        'repack',
        '-d',
        '-l',
        '-n',
        '--geometric=2',
        '--write-midx',
        '--no-write-bitmap-index',
        '-q'
      ]
    case 'commit-graph':
      // Graph files replaced by this write stay an hour for readers that opened the old chain.
      return [
        'commit-graph',
        'write',
        '--reachable',
        '--split',
        '--no-progress',
        '--expire-time=1.hour.ago'
      ]
  }
}

export type StepOutcome = 'done' | 'stopped' | 'failed' | 'skipped'

export interface StepResult {
  step: MaintenanceStep
  outcome: StepOutcome
  ms: number
  detail?: string
}

/** What the last maintenance of a store did: `objects/info/shared-checkout-maintenance.json`. */
export interface MaintenanceRecord {
  version: 1
  at: string
  budgetMs: number
  ms: number
  steps: StepResult[]
  /** Steps stopped at their budget: when, and with which budget (kept for a day). */
  stopped: Partial<Record<MaintenanceStep, { at: string; budgetMs: number }>>
}

export function recordFileOf(storeDir: string): string {
  return path.join(storeDir, 'objects', 'info', 'shared-checkout-maintenance.json')
}

export function readMaintenanceRecord(storeDir: string): MaintenanceRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(recordFileOf(storeDir), 'utf8')) as MaintenanceRecord
    if (value.version !== 1 || typeof value.at !== 'string' || !Array.isArray(value.steps))
      return undefined
    return {
      ...value,
      stopped: typeof value.stopped === 'object' && value.stopped ? value.stopped : {}
    }
  } catch {
    return undefined
  }
}

/** A step stopped at the budget is not tried again for a day with the same or a smaller budget. */
export const RETRY_STOPPED_AFTER_MS = DAY_MS

const recent = (at: string, nowMs: number): boolean => {
  const time = Date.parse(at)
  return Number.isFinite(time) && nowMs - time < RETRY_STOPPED_AFTER_MS
}

/**
 * Steps `maintainIfDue` leaves out: those stopped at their budget less than a day ago with a
 * budget no smaller than this one (they would be stopped again after every job, wasting the
 * budget; `shared-checkout gc --budget` gives them the time). Pure.
 */
export function stepsToSkip(
  record: MaintenanceRecord | undefined,
  budgetMs: number,
  nowMs: number
): MaintenanceStep[] {
  if (!record) return []
  return (Object.entries(record.stopped) as [MaintenanceStep, { at: string; budgetMs: number }][])
    .filter(([, stop]) => recent(stop.at, nowMs) && budgetMs <= stop.budgetMs)
    .map(([step]) => step)
}

/** The record after a run: its steps, and the stops still worth remembering. Pure. */
export function nextRecord(
  previous: MaintenanceRecord | undefined,
  run: { at: string; budgetMs: number; ms: number; steps: StepResult[] },
  nowMs: number
): MaintenanceRecord {
  const stopped: MaintenanceRecord['stopped'] = {}
  for (const [step, stop] of Object.entries(previous?.stopped ?? {}) as [
    MaintenanceStep,
    { at: string; budgetMs: number }
  ][]) {
    if (recent(stop.at, nowMs) && !run.steps.some(s => s.step === step && s.outcome === 'done'))
      stopped[step] = stop
  }
  for (const step of run.steps)
    if (step.outcome === 'stopped') stopped[step.step] = { at: run.at, budgetMs: run.budgetMs }
  return { version: 1, ...run, stopped }
}

export interface MaintainOptions {
  /** Runs git; its environment must be local (localGitEnv), see fleetGitRunner. */
  git: GitRunner
  /** Time for the steps after the lock is taken; a step still running then is stopped. */
  budgetMs: number
  log: Logger
  signal?: AbortSignal
  /** Who maintains (recorded in the store lock; status shows it). */
  job?: Partial<JobIdentity>
  /** Run only these steps (default: every step that has something to do). */
  only?: readonly MaintenanceStep[]
}

export interface MaintenanceResult {
  store: string
  /** The store lock was taken and the steps were tried. */
  ran: boolean
  /** Why nothing ran: no store, not due, busy. */
  skipped?: string
  steps: StepResult[]
  before?: StoreCounts
  after?: StoreCounts
  /** Stale files removed before the steps. */
  removed: string[]
  ms: number
}

/** The git runner the fleet tools use in a repository's directory: local env, no secrets. */
export function fleetGitRunner(
  layout: RepoLayout,
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; signal?: AbortSignal } = {}
): GitRunner {
  const platform = options.platform ?? process.platform
  return new GitRunner({
    env: localGitEnv(options.env ?? process.env, {
      safeDirectories: [layout.store],
      ceiling: layout.dir,
      platformConfig: platformConfigEntries(platform)
    }),
    secrets: [],
    signal: options.signal
  })
}

/** A signal that fires at the deadline or with `parent`; tells which one fired. */
function budgetSignal(parent: AbortSignal | undefined, ms: number) {
  const controller = new AbortController()
  let budgetSpent = false
  const timer = setTimeout(
    () => {
      budgetSpent = true
      controller.abort()
    },
    Math.max(0, ms)
  )
  const onParent = (): void => controller.abort()
  parent?.addEventListener('abort', onParent, { once: true })
  if (parent?.aborted) controller.abort()
  return {
    signal: controller.signal,
    budgetSpent: () => budgetSpent,
    dispose: () => {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onParent)
    }
  }
}

const OBJECT_LOCKS = [
  ['objects', 'info', 'commit-graph.lock'],
  ['objects', 'info', 'commit-graphs', 'commit-graph-chain.lock'],
  ['objects', 'pack', 'multi-pack-index.lock']
]

/** Is this a temporary file a killed repack, pack-objects or commit-graph left? Pure. */
export function isGitTemporary(name: string): boolean {
  return name.startsWith('tmp_') || name.startsWith('.tmp-')
}

/**
 * Removes what killed git processes left in the store: lock files (git's own, §3.2, and those
 * of the commit-graph and multi-pack-index writers) and temporary packs and graphs. Only under
 * the store lock: no git process of ours writes the store then. Logs each.
 */
export function removeStaleMaintenanceFiles(storeDir: string, log: Logger): string[] {
  const removed = removeStaleGitLocks(storeDir, log, { except: PIN_REF_PREFIX })
  for (const parts of OBJECT_LOCKS) {
    const file = path.join(storeDir, ...parts)
    if (!statOf(file)) continue
    rmSync(file, { recursive: true, force: true })
    log.info(`removed stale git lock file ${file} (left by a git process that was killed)`)
    removed.push(file)
  }
  for (const dir of [
    path.join(storeDir, 'objects', 'pack'),
    path.join(storeDir, 'objects', 'info', 'commit-graphs')
  ]) {
    const temporaries = entries(dir).filter(isGitTemporary)
    for (const name of temporaries) {
      rmSync(path.join(dir, name), { recursive: true, force: true })
      removed.push(path.join(dir, name))
    }
    if (temporaries.length > 0)
      log.info(
        `removed ${temporaries.length} temporary file(s) in ${dir} left by a git process that was killed`
      )
  }
  return removed
}

const GC_PID_TRUSTED_MS = 12 * 3600_000

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * `gc.pid` names the `git gc` that runs in a repository ("<pid> <host>"). A live one on this
 * host (written less than 12 hours ago, as git itself trusts it) means someone runs gc by hand:
 * maintenance waits for another time. Any other is stale and removed.
 */
function checkGcPid(storeDir: string, log: Logger): { busy?: string; removed?: string } {
  const file = path.join(storeDir, 'gc.pid')
  const stats = statOf(file)
  if (!stats) return {}
  let content = ''
  try {
    content = readFileSync(file, 'utf8')
  } catch {
    // unreadable: stale
  }
  const [pidText, host] = content.trim().split(/\s+/)
  const pid = Number(pidText)
  if (
    host === os.hostname() &&
    Number.isInteger(pid) &&
    pid > 0 &&
    Date.now() - stats.mtimeMs < GC_PID_TRUSTED_MS &&
    processAlive(pid)
  )
    return { busy: `git gc (pid ${pid}) is running in the store` }
  rmSync(file, { force: true })
  log.info(
    `removed stale ${file} (${content.trim() ? `git gc ${content.trim()} is gone` : 'empty'}); ` +
      'while it stayed, git would not maintain the store'
  )
  return { removed: file }
}

function summarize(result: MaintenanceResult): string {
  const steps = result.steps
    .map(step => {
      const time = `${(step.ms / 1000).toFixed(1)} s`
      if (step.outcome === 'done') return `${step.step} ${time}`
      return `${step.step} ${step.outcome}${step.detail ? ` (${step.detail})` : ''}`
    })
    .join(', ')
  const { before, after } = result
  const counts =
    before && after
      ? `; loose objects ${before.looseObjects} → ${after.looseObjects}, packs ${before.packs} → ${after.packs}`
      : ''
  return `${steps || 'nothing to do'}${counts}`
}

/**
 * Maintains one store under its store lock (one try: a busy store is skipped with a log line).
 * Throws only when the caller's signal cancels it (GitCancelledError); a failing step is
 * logged and reported in the result.
 */
export async function maintainStore(
  layout: RepoLayout,
  options: MaintainOptions
): Promise<MaintenanceResult> {
  const started = performance.now()
  const { log } = options
  const storeDir = layout.store
  const result: MaintenanceResult = { store: storeDir, ran: false, steps: [], removed: [], ms: 0 }
  const done = (): MaintenanceResult => ({ ...result, ms: Math.round(performance.now() - started) })
  if (!statOf(path.join(storeDir, 'objects'))) return { ...done(), skipped: 'there is no store' }

  const tried = await tryStoreLock(layout, {
    job: fleetJob(options.job, 'maintenance'),
    signal: options.signal
  })
  if (!tried.taken) {
    log.info(
      `maintenance of ${storeDir} skipped: the store lock is ${tried.why}; it runs another time`
    )
    return { ...done(), skipped: `the store lock is ${tried.why}` }
  }
  try {
    await endProcessesIn(storeDir, { log: line => log.info(line), what: 'the store' })
    const gc = checkGcPid(storeDir, log)
    if (gc.busy) {
      log.info(`maintenance of ${storeDir} skipped: ${gc.busy}`)
      return { ...done(), skipped: gc.busy }
    }
    if (gc.removed) result.removed.push(gc.removed)
    result.removed.push(...removeStaleMaintenanceFiles(storeDir, log))
    result.ran = true
    result.before = countStore(storeDir)
    const steps = stepsFor(result.before).filter(
      step => !options.only || options.only.includes(step)
    )
    // The budget is for the steps: the lock was taken and the leftovers removed in no time.
    const budgetStart = performance.now()
    for (const step of steps) {
      const remaining = options.budgetMs - (performance.now() - budgetStart)
      if (remaining <= 0) {
        result.steps.push({ step, outcome: 'skipped', ms: 0, detail: 'the budget was spent' })
        continue
      }
      result.steps.push(await runStep(layout, step, remaining, options))
    }
    result.after = countStore(storeDir)
    writeRecord(storeDir, options.budgetMs, done())
    const stopped = result.steps.filter(step => step.outcome === 'stopped')
    const line = `maintained ${storeDir} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${summarize(result)}`
    if (stopped.length > 0)
      log.notice(
        `${line}. ${stopped.map(s => s.step).join(', ')} did not finish within the budget of ` +
          `${Math.round(options.budgetMs / 1000)} s; run \`shared-checkout gc --budget 600\` for this store when the machine is quiet.`
      )
    else if (result.steps.some(step => step.outcome === 'failed')) log.warning(line)
    else log.info(line)
    return done()
  } finally {
    await release(tried.lock, line => log.warning(line))
  }
}

async function runStep(
  layout: RepoLayout,
  step: MaintenanceStep,
  remainingMs: number,
  options: MaintainOptions
): Promise<StepResult> {
  const budget = budgetSignal(options.signal, remainingMs)
  const git = new GitRunner({ ...options.git.options, signal: budget.signal })
  const started = performance.now()
  const ms = (): number => Math.round(performance.now() - started)
  try {
    await git.local(layout.dir, stepArgs(step), { gitDir: layout.store })
    return { step, outcome: 'done', ms: ms() }
  } catch (error) {
    if (error instanceof GitCancelledError) {
      if (!budget.budgetSpent()) throw error // the caller cancelled: stop here
      return {
        step,
        outcome: 'stopped',
        ms: ms(),
        detail: `stopped at the budget after ${(ms() / 1000).toFixed(1)} s`
      }
    }
    const message = error instanceof Error ? error.message : String(error)
    options.log.warning(`maintenance step ${step} failed in ${layout.store}: ${message}`)
    return { step, outcome: 'failed', ms: ms(), detail: message.split('\n')[0] }
  } finally {
    budget.dispose()
  }
}

function writeRecord(storeDir: string, budgetMs: number, result: MaintenanceResult): void {
  const record = nextRecord(
    readMaintenanceRecord(storeDir),
    { at: new Date().toISOString(), budgetMs, ms: result.ms, steps: result.steps },
    Date.now()
  )
  try {
    writeFileAtomic(recordFileOf(storeDir), `${JSON.stringify(record)}\n`)
  } catch {
    // A full disk: the record only saves work next time.
  }
}

export interface MaintainIfDueOptions extends Omit<MaintainOptions, 'git' | 'only'> {
  /** Default: fleetGitRunner(layout) with the process's environment. */
  git?: GitRunner
}

/**
 * For the action's post step, after the job's tree is released: maintains the store when it is
 * due, within a small budget, and never fails the job (problems are logged as warnings).
 */
export async function maintainIfDue(
  layout: RepoLayout,
  options: MaintainIfDueOptions
): Promise<MaintenanceResult> {
  const empty = (skipped: string): MaintenanceResult => ({
    store: layout.store,
    ran: false,
    skipped,
    steps: [],
    removed: [],
    ms: 0
  })
  try {
    if (!statOf(path.join(layout.store, 'objects'))) return empty('there is no store')
    const due = maintenanceDue(layout.store)
    if (!due.due) {
      options.log.debug(`maintenance of ${layout.store} not due: ${due.why}`)
      return empty(`not due: ${due.why}`)
    }
    const skip = stepsToSkip(readMaintenanceRecord(layout.store), options.budgetMs, Date.now())
    const only = due.steps.filter(step => !skip.includes(step))
    if (only.length === 0) {
      const why = `${skip.join(', ')} stopped at the budget less than a day ago (run \`shared-checkout gc\` with a larger --budget)`
      options.log.debug(`maintenance of ${layout.store} skipped: ${why}`)
      return empty(`skipped: ${why}`)
    }
    options.log.info(`maintaining ${layout.store}: ${due.why}`)
    return await maintainStore(layout, {
      ...options,
      git: options.git ?? fleetGitRunner(layout, { signal: options.signal }),
      only
    })
  } catch (error) {
    options.log.warning(
      `maintenance of ${layout.store} did not run to the end: ${error instanceof Error ? error.message : String(error)}`
    )
    return empty(`failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}
