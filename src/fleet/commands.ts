/**
 * `shared-checkout status`, `gc` and `evict` (§6): operators see and tidy a machine. Flags are
 * parsed with cli/args.ts; bad usage throws UsageError (exit 2), an eviction already running
 * throws a LockTimeoutError (exit 3).
 */
import os from 'node:os'
import path from 'node:path'
import { existsSync } from 'node:fs'
import { parseArgs, UsageError, type ParsedArgs } from '../cli/args.js'
import type { CommandContext } from '../cli/commands.js'
import { jobIdentityFromEnv } from '../checkout/job.js'
import { LockTimeoutError, type JobIdentity, type LockRecord } from '../lock/index.js'
import { parseRepository, parseServerUrl } from '../options/parse.js'
import { repoIdOf } from '../repo/identity.js'
import { layoutOf, MARKER_NAME } from '../repo/layout.js'
import { PathInputError, resolveRoot } from '../repo/paths.js'
import { evict, type EvictionReport } from './evict.js'
import { formatBytes } from './format.js'
import { release } from './locks.js'
import {
  fleetGitRunner,
  maintainStore,
  maintenanceDue,
  type MaintenanceResult
} from './maintain.js'
import { findRepositories } from './scan.js'
import { evictionLockOf, stampEviction, tryEvictionLock } from './schedule.js'
import {
  DAYS_ACCEPTED,
  loadSettings,
  MIN_FREE_ACCEPTED,
  parseDays,
  parseMinFree,
  withOverrides
} from './settings.js'
import { collectStatus, renderStatus } from './status.js'

/** `shared-checkout gc` gives each store this long unless --budget says otherwise. */
export const DEFAULT_GC_BUDGET_SECONDS = 600

function isTrue(args: ParsedArgs, name: string): boolean {
  const value = args.flags.get(name)
  if (value === undefined) return false
  if (/^true$/i.test(value)) return true
  if (/^false$/i.test(value)) return false
  throw new UsageError(`--${name} is ${JSON.stringify(value)}; expected no value, true or false`)
}

function noPositional(args: ParsedArgs, command: string): void {
  if (args.positional.length > 0)
    throw new UsageError(
      `${command} takes no arguments, only flags (got ${JSON.stringify(args.positional[0])}); see shared-checkout ${command} --help`
    )
}

/** --root, else SHARED_CHECKOUT_ROOT, else the default root (§1 `root`). */
export function rootOf(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  try {
    return resolveRoot({
      platform: process.platform,
      rootInput: args.flags.get('root') ?? '',
      env,
      homedir: os.homedir()
    })
  } catch (error) {
    if (error instanceof PathInputError)
      throw new UsageError(`--root ${JSON.stringify(error.value)}: ${error.reason}`)
    throw error
  }
}

function jobOf(env: NodeJS.ProcessEnv): Partial<JobIdentity> {
  const job = jobIdentityFromEnv(env)
  return { ...job, runnerName: job.runnerName || os.hostname() }
}

export async function statusCommand(context: CommandContext): Promise<void> {
  const args = parseArgs(context.argv, { values: ['root'], booleans: ['json'] })
  noPositional(args, 'status')
  const root = rootOf(args, context.env)
  const report = await collectStatus(root, { env: context.env })
  if (isTrue(args, 'json')) context.out(JSON.stringify(report, null, 2))
  else context.out(renderStatus(report, Date.now()).trimEnd())
}

/** A budget in seconds: a positive number (decimals allowed). Pure. */
export function parseBudgetSeconds(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return undefined
  const seconds = Number(text)
  return seconds > 0 && Number.isFinite(seconds) ? seconds : undefined
}

/** The repository directory `--repository` (and `--github-server-url`) name under the root. */
function selectedRepository(args: ParsedArgs, root: string): string {
  const repository = args.flags.get('repository')!
  const parsed = parseRepository(repository)
  if (!parsed.ok)
    throw new UsageError(`--repository ${JSON.stringify(repository)}: ${parsed.expected}`)
  const server = args.flags.get('github-server-url') ?? 'https://github.com'
  const url = parseServerUrl(server)
  if (!url.ok)
    throw new UsageError(`--github-server-url ${JSON.stringify(server)}: ${url.expected}`)
  const dir = path.join(root, ...repoIdOf(url.value, parsed.value).segments)
  if (!existsSync(path.join(dir, MARKER_NAME)))
    throw new UsageError(
      `${parsed.value} (${url.value}) has no directory under ${root} (looked in ${dir}); see shared-checkout status`
    )
  return dir
}

function gcLine(dir: string, result: MaintenanceResult): string {
  if (!result.ran) return `${dir}: skipped, ${result.skipped ?? 'nothing to do'}`
  const steps = result.steps
    .map(step =>
      step.outcome === 'done'
        ? `${step.step} ${(step.ms / 1000).toFixed(1)} s`
        : `${step.step} ${step.outcome}${step.detail ? ` (${step.detail})` : ''}`
    )
    .join(', ')
  const counts =
    result.before && result.after
      ? `; loose objects ${result.before.looseObjects} → ${result.after.looseObjects}, packs ${result.before.packs} → ${result.after.packs}`
      : ''
  return `${dir}: maintained in ${(result.ms / 1000).toFixed(1)} s: ${steps || 'nothing to do'}${counts}`
}

export async function gcCommand(context: CommandContext): Promise<void> {
  const args = parseArgs(context.argv, {
    values: ['root', 'budget', 'repository', 'github-server-url'],
    booleans: ['if-due', 'json']
  })
  noPositional(args, 'gc')
  if (args.flags.has('github-server-url') && !args.flags.has('repository'))
    throw new UsageError(
      '--github-server-url selects a repository together with --repository OWNER/NAME'
    )
  const root = rootOf(args, context.env)
  const budgetText = args.flags.get('budget')
  const budgetSeconds =
    budgetText === undefined ? DEFAULT_GC_BUDGET_SECONDS : parseBudgetSeconds(budgetText)
  if (budgetSeconds === undefined)
    throw new UsageError(
      `--budget ${JSON.stringify(budgetText)}: expected a number of seconds greater than 0, e.g. 600`
    )
  const ifDue = isTrue(args, 'if-due')
  const dirs = args.flags.has('repository')
    ? [selectedRepository(args, root)]
    : findRepositories(root)
  const results: { directory: string; result: MaintenanceResult }[] = []
  for (const dir of dirs) {
    const layout = layoutOf(dir)
    let result: MaintenanceResult
    const due = ifDue && existsSync(layout.store) ? maintenanceDue(layout.store) : undefined
    if (due && !due.due) {
      result = {
        store: layout.store,
        ran: false,
        skipped: `not due: ${due.why}`,
        steps: [],
        removed: [],
        ms: 0
      }
    } else {
      result = await maintainStore(layout, {
        git: fleetGitRunner(layout, { env: context.env, signal: context.signal }),
        budgetMs: budgetSeconds * 1000,
        log: context.log,
        signal: context.signal,
        job: jobOf(context.env),
        only: due?.steps
      })
    }
    results.push({ directory: dir, result })
    if (!isTrue(args, 'json')) context.out(gcLine(dir, result))
  }
  if (isTrue(args, 'json'))
    context.out(JSON.stringify({ root, budgetSeconds, stores: results }, null, 2))
  else if (dirs.length === 0) context.out(`no repositories under ${root}`)
  const failed = results.filter(({ result }) =>
    result.steps.some(step => step.outcome === 'failed')
  )
  if (failed.length > 0)
    throw new Error(
      `maintenance failed for ${failed.map(f => f.directory).join(', ')} (the warnings above say why); ` +
        'a store that keeps failing can be removed with `shared-checkout evict` once unused, or by hand'
    )
}

/** The eviction lock is held: another eviction runs (exit 3, like any lock not obtained). */
export class EvictionBusyError extends LockTimeoutError {
  constructor(lockPath: string, holder: LockRecord | undefined, why: string) {
    super(lockPath, 0, holder)
    this.message = `another eviction is running on this machine (${lockPath} is ${why}); try again when it has finished`
    this.name = 'EvictionBusyError'
  }
}

function renderEviction(report: EvictionReport): string[] {
  const lines: string[] = []
  const verb = report.dryRun ? 'would remove' : 'removed'
  for (const removal of report.removed) {
    const what =
      removal.kind === 'tree'
        ? `tree ${removal.tree} of ${removal.repository}`
        : removal.kind === 'aside'
          ? `set-aside ${removal.path}`
          : removal.repository
    lines.push(`${verb} ${what} (${removal.path}): ${removal.why}; ${formatBytes(removal.bytes)}`)
  }
  for (const kept of report.kept) {
    const what =
      kept.kind === 'tree'
        ? `tree ${kept.tree} of ${kept.repository}`
        : kept.kind === 'aside'
          ? `set-aside ${kept.path}`
          : kept.repository
    lines.push(`kept ${what}: ${kept.why}`)
  }
  lines.push(
    `${report.dryRun ? 'would free' : 'freed'} ${formatBytes(report.freedBytes)} in ${report.root}; ` +
      `${formatBytes(report.spaceAfter.availableBytes)} free of ${formatBytes(report.spaceAfter.totalBytes)}` +
      (report.minFreeBytes > 0 ? ` (keeps ${formatBytes(report.minFreeBytes)} free)` : '')
  )
  return lines
}

export async function evictCommand(context: CommandContext): Promise<void> {
  const args = parseArgs(context.argv, {
    values: ['root', 'older-than', 'min-free'],
    booleans: ['dry-run', 'json']
  })
  noPositional(args, 'evict')
  const root = rootOf(args, context.env)
  const olderText = args.flags.get('older-than')
  const older = olderText === undefined ? undefined : parseDays(olderText)
  if (older === undefined && olderText !== undefined)
    throw new UsageError(`--older-than ${JSON.stringify(olderText)}: expected ${DAYS_ACCEPTED}`)
  const freeText = args.flags.get('min-free')
  const minFree = freeText === undefined ? undefined : parseMinFree(freeText)
  if (minFree === undefined && freeText !== undefined)
    throw new UsageError(`--min-free ${JSON.stringify(freeText)}: expected ${MIN_FREE_ACCEPTED}`)
  const settings = withOverrides(loadSettings(root, context.env), { olderThanDays: older, minFree })
  const dryRun = isTrue(args, 'dry-run')
  const job = jobOf(context.env)
  if (!existsSync(root)) {
    context.out(
      isTrue(args, 'json')
        ? JSON.stringify({ root, removed: [], kept: [] })
        : `no repositories under ${root}`
    )
    return
  }
  let report: EvictionReport
  if (dryRun) {
    report = await evict(root, {
      settings,
      log: context.log,
      dryRun: true,
      job,
      signal: context.signal
    })
  } else {
    const tried = await tryEvictionLock(root, { job, signal: context.signal })
    if (!tried.taken) throw new EvictionBusyError(evictionLockOf(root), tried.holder, tried.why)
    try {
      stampEviction(root)
      report = await evict(root, { settings, log: context.log, job, signal: context.signal })
    } finally {
      await release(tried.lock, line => context.log.warning(line))
    }
  }
  if (isTrue(args, 'json')) context.out(JSON.stringify(report, null, 2))
  else for (const line of renderEviction(report)) context.out(line)
}
