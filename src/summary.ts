/**
 * The job summary (SPEC §1): who held the lock, how long this job waited, what was fetched, how
 * long each phase took. Rendering is pure (tested directly); only `writeSummary` touches the
 * toolkit. Nothing secret is ever passed in: the report carries no token.
 */
export interface PhaseTiming {
  name: string
  ms: number
}

export interface RunReport {
  repository: string
  clonePath: string
  lockFile: string
  holdLock: 'job' | 'sync'
  lockWaitMs: number
  /** The holder seen when this job arrived, already described for humans. */
  holderSeen?: string
  queuePosition?: number
  ref: string
  commit: string
  cloned: boolean
  cacheHit?: boolean
  fetchedBytes?: number
  repairs: string[]
  movedAside?: string
  phases: PhaseTiming[]
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

function cacheLine(hit: boolean | undefined): string {
  if (hit === undefined) return 'not consulted'
  return hit ? 'restored from the Actions cache' : 'no entry'
}

export function renderSummary(report: RunReport): string {
  const rows: [string, string][] = [
    ['Repository', report.repository],
    ['Commit', `\`${report.commit}\` (${report.ref || 'default branch'})`],
    ['Shared clone', `\`${report.clonePath}\`${report.cloned ? ' (cloned by this job)' : ''}`],
    [
      'Lock file',
      `\`${report.lockFile}\` (held until ${report.holdLock === 'job' ? 'the post step' : 'checkout was ready'})`
    ],
    ['Waited for the lock', formatDuration(report.lockWaitMs)],
    ['Holder seen on arrival', report.holderSeen ?? 'nobody: the lock was free'],
    [
      'Fetched',
      report.fetchedBytes === undefined ? 'nothing new' : formatBytes(report.fetchedBytes)
    ],
    ['Cache', cacheLine(report.cacheHit)]
  ]
  if (report.repairs.length > 0)
    rows.push(['Stale git locks removed', report.repairs.map(p => `\`${p}\``).join(', ')])
  if (report.movedAside) rows.push(['Broken clone moved aside to', `\`${report.movedAside}\``])
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
