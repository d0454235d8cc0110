/**
 * The job summary (§1): which tree this job held and who held things before it, how long it
 * waited for a tree and for the store, what was fetched, how long each phase took. Rendering is
 * pure (tested directly); the report carries nothing secret.
 */
export interface PhaseTiming {
  name: string
  ms: number
}

export interface RunReport {
  repository: string
  tree: number
  treeDir: string
  lockFile: string
  treeWaitMs: number
  storeWaitMs: number
  /** Whether the store lock was needed at all (a commit already in the store needs none). */
  usedStoreLock: boolean
  /** The holder seen when this job arrived, already described for humans. */
  holderSeen?: string
  queuePosition?: number
  ref: string
  commit: string
  createdStore: boolean
  cacheHit?: boolean
  fetchedBytes?: number
  repairs: string[]
  setAside: string[]
  phases: PhaseTiming[]
}

/** Rounded once, at the precision shown, so no unit overflows (never "1000 ms" or "1m60s"). */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`
  const tenths = Math.round(ms / 100)
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  // Compared as shown: 1023.97 KiB reads "1.0 MiB", not "1024.0 KiB".
  while (Number(value.toFixed(1)) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

function cacheLine(hit: boolean | undefined): string {
  if (hit === undefined) return 'not consulted'
  return hit ? 'store restored from the Actions cache' : 'no usable entry'
}

export function renderSummary(report: RunReport): string {
  const rows: [string, string][] = [
    ['Repository', report.repository],
    ['Commit', `\`${report.commit}\` (${report.ref || 'default branch'})`],
    ['Working tree', `tree ${report.tree}: \`${report.treeDir}\` (held until the post step)`],
    ['Tree lock', `\`${report.lockFile}\``],
    ['Waited for a tree', formatDuration(report.treeWaitMs)],
    ['Holder seen on arrival', report.holderSeen ?? 'nobody: a tree was free'],
    [
      'Waited for the store',
      report.usedStoreLock
        ? formatDuration(report.storeWaitMs)
        : 'not needed: the commit was in the store'
    ],
    ['Store', report.createdStore ? 'created by this job' : 'existing'],
    ['Fetched', report.fetchedBytes === undefined ? 'nothing' : formatBytes(report.fetchedBytes)],
    ['Cache', cacheLine(report.cacheHit)]
  ]
  if (report.repairs.length > 0)
    rows.push(['Repaired', report.repairs.map(p => `\`${p}\``).join(', ')])
  if (report.setAside.length > 0)
    rows.push(['Set aside', report.setAside.map(p => `\`${p}\``).join(', ')])
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const lines = [
    '### Shared Checkout',
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${escape(v)} |`)
  ]
  if (report.phases.length > 0) {
    lines.push(
      '',
      '| Phase | Time |',
      '|---|---|',
      ...report.phases.map(p => `| ${escape(p.name)} | ${formatDuration(p.ms)} |`)
    )
  }
  return lines.join('\n') + '\n'
}
