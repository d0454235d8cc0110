/**
 * `shared-checkout status` (§6): what is on a machine and who holds what, read without taking
 * any lock. collectStatus reads the disk; renderStatus is pure.
 */
import type { LockRecord } from '../lock/index.js'
import { diskUsage, freeSpace, type Space } from './disk.js'
import { formatAgo, formatBytes, formatDays, formatSpan, renderTable } from './format.js'
import { maintenanceDue, readMaintenanceRecord } from './maintain.js'
import { findRepositories, readRepository, type RepositoryFacts } from './scan.js'
import { describeMinFree, loadSettings, minFreeBytes, type FleetSettings } from './settings.js'

export interface HolderView {
  /** The job's name (or `shared-checkout gc`…), run, runner and link, as the lock records them. */
  job: string
  repository: string
  runId: string
  runAttempt: string
  runner: string
  url: string
  host: string
  pids: number[]
  /** When it took the lock (or joined the queue). */
  since: string
}

export interface TreeStatus {
  tree: number
  path: string
  state: 'held' | 'free'
  /** Absent for a held tree whose lock file cannot be read. */
  holder?: HolderView
  lastUse?: string
}

export interface RepositoryStatus {
  repository: string
  directory: string
  sizeBytes: number
  storeBytes: number
  treesBytes: number
  lastUse?: string
  store: {
    exists: boolean
    lastFetch?: string
    /** Who holds the store lock (a fetch or maintenance is running). */
    holder?: HolderView
    locked: boolean
    maintenance: { lastRun?: string; due: boolean; why: string }
  }
  trees: TreeStatus[]
  /** Jobs waiting for a tree, in order. */
  queue: (HolderView & { ticket: string })[]
  aside: { path: string; setAsideAt: string; bytes: number }[]
}

export interface StatusReport {
  root: string
  at: string
  space?: Space
  settings?: FleetSettings
  /** The settings file or environment is invalid (eviction would refuse to run). */
  settingsError?: string
  minFreeBytes?: number
  repositories: RepositoryStatus[]
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined || ms <= 0 ? undefined : new Date(ms).toISOString()

export function holderView(record: LockRecord): HolderView {
  return {
    job: record.job.job,
    repository: record.job.repository,
    runId: record.job.runId,
    runAttempt: record.job.runAttempt,
    runner: record.job.runnerName,
    url: record.job.workflowUrl,
    host: record.host,
    pids: record.owners.map(owner => owner.pid),
    since: record.acquiredAt
  }
}

function repositoryStatus(facts: RepositoryFacts, nowMs: number): RepositoryStatus {
  const storeBytes = facts.storeExists ? diskUsage(facts.layout.store) : 0
  const treesBytes = diskUsage(facts.layout.treesDir)
  const due = facts.storeExists
    ? maintenanceDue(facts.layout.store, nowMs)
    : { due: false, why: 'there is no store' }
  const record = facts.storeExists ? readMaintenanceRecord(facts.layout.store) : undefined
  return {
    repository: facts.key,
    directory: facts.dir,
    sizeBytes: diskUsage(facts.dir),
    storeBytes,
    treesBytes,
    lastUse: iso(facts.lastUse),
    store: {
      exists: facts.storeExists,
      lastFetch: iso(facts.lastFetch),
      locked: facts.storeLock.locked,
      holder: facts.storeLock.holder && holderView(facts.storeLock.holder),
      maintenance: { lastRun: record?.at, due: due.due, why: due.why }
    },
    trees: facts.trees.map(tree => ({
      tree: tree.tree,
      path: tree.dir,
      state: tree.locked ? 'held' : 'free',
      holder: tree.holder && holderView(tree.holder),
      lastUse: iso(tree.lastUse)
    })),
    queue: facts.queue.flatMap(waiter =>
      waiter.record ? [{ ticket: waiter.ticket, ...holderView(waiter.record) }] : []
    ),
    aside: facts.aside.map(entry => ({
      path: entry.path,
      setAsideAt: iso(entry.mtime) ?? '',
      bytes: diskUsage(entry.path)
    }))
  }
}

export async function collectStatus(
  root: string,
  options: { env: NodeJS.ProcessEnv; now?: number }
): Promise<StatusReport> {
  const now = options.now ?? Date.now()
  const report: StatusReport = { root, at: new Date(now).toISOString(), repositories: [] }
  try {
    report.space = freeSpace(root)
  } catch {
    // no root yet: nothing on this machine
  }
  try {
    report.settings = loadSettings(root, options.env)
    if (report.space)
      report.minFreeBytes = minFreeBytes(report.settings.minFree, report.space.totalBytes)
  } catch (error) {
    report.settingsError = error instanceof Error ? error.message : String(error)
  }
  for (const dir of findRepositories(root)) {
    report.repositories.push(repositoryStatus(await readRepository(dir, { holders: true }), now))
  }
  return report
}

const ms = (at: string | undefined): number | undefined => {
  const value = at === undefined ? NaN : Date.parse(at)
  return Number.isFinite(value) ? value : undefined
}

/** "job build · run https://… · runner r1 · host h" — the parts the record has. Pure. */
export function describeView(view: HolderView): string {
  const parts: string[] = []
  if (view.job) parts.push(`job ${view.job}`)
  if (view.url) parts.push(view.url)
  else if (view.runId)
    parts.push(
      `run ${view.runId}${view.runAttempt && view.runAttempt !== '1' ? `/${view.runAttempt}` : ''}`
    )
  if (view.repository && !view.url) parts.push(view.repository)
  if (view.runner) parts.push(`runner ${view.runner}`)
  parts.push(`host ${view.host}${view.pids.length > 0 ? ` (pid ${view.pids.join(', ')})` : ''}`)
  return parts.join(' · ')
}

function sinceCell(at: string | undefined, nowMs: number): string {
  const time = ms(at)
  if (time === undefined) return ''
  return `${new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')} (${formatSpan(nowMs - time)})`
}

function settingsLine(report: StatusReport): string {
  if (report.settingsError)
    return `Eviction settings are invalid, eviction will not run: ${report.settingsError}`
  const settings = report.settings
  if (!settings) return ''
  const days = (value: number | null): string =>
    value === null ? 'never' : `after ${formatDays(value)} unused`
  const free =
    report.minFreeBytes !== undefined && settings.minFree.kind !== 'off'
      ? `below ${formatBytes(report.minFreeBytes)} free (${describeMinFree(settings.minFree)}; ${settings.sources.minFree})`
      : 'never for space'
  return (
    `Eviction: trees ${days(settings.treeDays)} (${settings.sources.treeDays}), repositories ` +
    `${days(settings.repoDays)} (${settings.sources.repoDays}), least recently used first ${free}`
  )
}

/** The table people read. Pure. */
export function renderStatus(report: StatusReport, nowMs: number): string {
  const lines: string[] = []
  const total = report.repositories.reduce((sum, repo) => sum + repo.sizeBytes, 0)
  const count = report.repositories.length
  let head = `Root ${report.root}: ${count} ${count === 1 ? 'repository' : 'repositories'}, ${formatBytes(total)}`
  if (report.space)
    head += `; ${formatBytes(report.space.availableBytes)} free of ${formatBytes(report.space.totalBytes)}`
  lines.push(head)
  const settings = settingsLine(report)
  if (settings) lines.push(settings)
  if (count === 0) {
    lines.push('', 'No repositories here yet.')
    return `${lines.join('\n')}\n`
  }
  lines.push('')
  const summary: string[][] = [
    ['REPOSITORY', 'SIZE', 'TREES', 'QUEUE', 'LAST USE', 'LAST FETCH', 'MAINTAINED']
  ]
  for (const repo of report.repositories) {
    const held = repo.trees.filter(tree => tree.state === 'held').length
    const maintained = repo.store.maintenance.lastRun
      ? formatAgo(ms(repo.store.maintenance.lastRun), nowMs)
      : 'never'
    summary.push([
      repo.repository,
      formatBytes(repo.sizeBytes),
      `${held} held, ${repo.trees.length - held} free`,
      String(repo.queue.length),
      formatAgo(ms(repo.lastUse), nowMs),
      repo.store.exists ? formatAgo(ms(repo.store.lastFetch), nowMs) : 'no store',
      `${maintained}${repo.store.maintenance.due ? ' (due)' : ''}`
    ])
  }
  lines.push(...renderTable(summary))
  for (const repo of report.repositories) {
    lines.push('', `${repo.repository}  ${repo.directory}`)
    lines.push(
      `  store ${formatBytes(repo.storeBytes)}, trees ${formatBytes(repo.treesBytes)}; ` +
        (repo.store.locked
          ? `store lock held${repo.store.holder ? ` since ${sinceCell(repo.store.holder.since, nowMs)} by ${describeView(repo.store.holder)}` : ''}`
          : 'store lock free') +
        `; maintenance ${repo.store.maintenance.due ? 'due' : 'not due'}: ${repo.store.maintenance.why}`
    )
    const rows: string[][] = [['  TREE', 'STATE', 'SINCE', 'LAST USE', 'HELD BY']]
    for (const tree of repo.trees) {
      rows.push([
        `  ${tree.tree}`,
        tree.state,
        tree.holder ? sinceCell(tree.holder.since, nowMs) : '',
        formatAgo(ms(tree.lastUse), nowMs),
        tree.state === 'held'
          ? tree.holder
            ? describeView(tree.holder)
            : 'a lock file that cannot be read'
          : ''
      ])
    }
    if (repo.trees.length > 0) lines.push(...renderTable(rows))
    repo.queue.forEach((waiter, index) => {
      const label = index === 0 ? `  queue (${repo.queue.length} waiting)` : ''
      lines.push(
        `${label.padEnd(22)}${index + 1}. since ${sinceCell(waiter.since, nowMs)}: ${describeView(waiter)}`
      )
    })
    for (const entry of repo.aside)
      lines.push(
        `  set aside ${formatAgo(ms(entry.setAsideAt), nowMs)}: ${entry.path} (${formatBytes(entry.bytes)})`
      )
  }
  return `${lines.join('\n')}\n`
}
