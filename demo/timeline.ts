/**
 * Pure rendering of the demo's timeline: one ASCII bar per job over a shared time axis, and the
 * per-job facts under it. No I/O, so it can be read (and tested) on its own.
 */

export interface JobTimeline {
  label: string
  ref: string
  /** Epoch ms: the action's main step started (the job starts waiting for the lock). */
  mainStart: number
  /** Epoch ms: the lock file carrying this job's token appeared (observed, or from the record). */
  acquired?: number
  /** Epoch ms: the main step ended (checkout ready). */
  mainEnd?: number
  /** Epoch ms: the lock file carrying this job's token was gone (post released it). */
  released?: number
  /** Epoch ms: the post step ended. */
  postEnd?: number
}

const WAIT = '.'
const SYNC = '#'
const HOLD = '='

/** One bar: `.` waiting for the lock, `#` syncing under the lock, `=` job steps holding it. */
export function renderBar(job: JobTimeline, start: number, end: number, width: number): string {
  const span = Math.max(1, end - start)
  const column = (t: number): number =>
    Math.min(width, Math.max(0, Math.round(((t - start) / span) * width)))
  const cells = Array.from({ length: width }, () => ' ')
  const paint = (from: number | undefined, to: number | undefined, char: string): void => {
    if (from === undefined || to === undefined) return
    const a = column(from)
    const b = Math.max(a + 1, column(to))
    for (let i = a; i < Math.min(width, b); i++) cells[i] = char
  }
  const acquired = job.acquired ?? job.mainEnd
  paint(job.mainStart, acquired, WAIT)
  paint(acquired, job.mainEnd, SYNC)
  paint(job.mainEnd, job.released ?? job.postEnd, HOLD)
  return `|${cells.join('')}|`
}

export function renderTimeline(jobs: JobTimeline[], width = 60): string[] {
  const start = Math.min(...jobs.map(j => j.mainStart))
  const end = Math.max(
    ...jobs.map(j => j.postEnd ?? j.released ?? j.mainEnd ?? j.mainStart),
    start + 1
  )
  const labelWidth = Math.max(...jobs.map(j => `${j.label} (${j.ref})`.length))
  const seconds = (end - start) / 1000
  const lines = jobs.map(
    j => `  ${`${j.label} (${j.ref})`.padEnd(labelWidth)} ${renderBar(j, start, end, width)}`
  )
  const axis = `  ${' '.repeat(labelWidth)} 0s${' '.repeat(Math.max(1, width - 6))}${seconds.toFixed(1)}s`
  lines.push(axis)
  lines.push(
    `  ${' '.repeat(labelWidth)} ${WAIT} waiting for the lock   ${SYNC} clone/fetch + checkout (lock held)   ${HOLD} job steps (lock held until post)`
  )
  return lines
}

/** "runner <name>" out of describeHolder()'s text ("run …, job …, runner NAME, held for …"). */
export function runnerOf(holder: string | undefined): string | undefined {
  if (!holder) return undefined
  return /\brunner ([^,\s]+)/.exec(holder)?.[1]
}

/** A row of the action's job summary table ("| Name | value |"), unescaped. */
export function summaryRow(summary: string, name: string): string | undefined {
  for (const line of summary.split('\n')) {
    const match = /^\| (.+?) \| (.*) \|$/.exec(line)
    if (match && match[1] === name) return match[2].replace(/\\\|/g, '|')
  }
  return undefined
}

/** Seconds relative to the demo's start, e.g. "+1.23s". */
export function offset(t: number | undefined, start: number): string {
  return t === undefined ? '   n/a' : `+${((t - start) / 1000).toFixed(2)}s`
}
