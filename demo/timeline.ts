/**
 * Pure rendering of the demo's timelines: one bar per job over one clock per phase, and small
 * text helpers. No I/O, so it can be read (and tested) on its own.
 */

/** Epoch milliseconds of what one job did; undefined = it did not happen (or was not seen). */
export interface JobTimeline {
  label: string
  /** It joined the trees' FIFO queue (its waiter record's time). */
  queuedAt?: number
  /** It took a tree (the tree lock's record). */
  treeAt?: number
  /** It joined the store lock's queue / took the store lock / gave it back. */
  storeQueuedAt?: number
  storeAt?: number
  storeReleasedAt?: number
  /** The action's main step ended: the tree is checked out. */
  mainEnd?: number
  bodyStart?: number
  bodyEnd?: number
  postStart?: number
  /** Its tree lock was gone (post released it). */
  releasedAt?: number
  postEnd?: number
}

export const BAR = {
  treeWait: '.',
  storeWait: ':',
  fetch: '+',
  checkout: '#',
  body: '=',
  post: '-'
} as const

export const LEGEND = [
  `${BAR.treeWait} waiting for a tree   ${BAR.storeWait} waiting for the store   ` +
    `${BAR.fetch} store lock held (fetch, or re-check)   ${BAR.checkout} checkout (tree held)`,
  `${BAR.body} job body   ${BAR.post} post (gives the tree back)   blank before a bar: the runner ` +
    "starting the job and the action's node process (a bar starts when its job joins the queue)"
]

/** One bar; segments are painted in order, later ones over earlier ones, each ≥ 1 cell. */
export function renderBar(job: JobTimeline, start: number, end: number, width: number): string {
  const span = Math.max(1, end - start)
  const column = (t: number): number =>
    Math.min(width, Math.max(0, Math.round(((t - start) / span) * width)))
  const cells = Array.from({ length: width }, () => ' ')
  const paint = (from: number | undefined, to: number | undefined, char: string): void => {
    if (from === undefined || to === undefined || to < from) return
    const a = Math.min(column(from), width - 1)
    const b = Math.max(a + 1, column(to))
    for (let i = a; i < Math.min(width, b); i++) cells[i] = char
  }
  paint(job.queuedAt, job.treeAt, BAR.treeWait)
  paint(job.treeAt, job.mainEnd, BAR.checkout)
  paint(job.storeQueuedAt, job.storeAt, BAR.storeWait)
  paint(job.storeAt, job.storeReleasedAt, BAR.fetch)
  paint(job.bodyStart, job.bodyEnd, BAR.body)
  paint(job.postStart, job.releasedAt ?? job.postEnd, BAR.post)
  return `|${cells.join('')}|`
}

/** The bars of one phase on one clock that starts at `start` (when the jobs were started). */
export function renderTimeline(
  rows: { name: string; job: JobTimeline }[],
  start: number,
  width = 64
): string[] {
  const ends = rows.flatMap(({ job }) =>
    [job.postEnd, job.releasedAt, job.bodyEnd, job.mainEnd].filter(
      (t): t is number => t !== undefined
    )
  )
  const end = Math.max(start + 1, ...ends)
  const nameWidth = Math.max(...rows.map(r => r.name.length))
  const lines = rows.map(
    ({ name, job }) => `  ${name.padEnd(nameWidth)} ${renderBar(job, start, end, width)}`
  )
  const total = `${((end - start) / 1000).toFixed(1)}s`
  lines.push(
    `  ${' '.repeat(nameWidth)}  0s${' '.repeat(Math.max(1, width - 2 - total.length))}${total}`
  )
  return lines
}

/** A row of the action's job summary table ("| Name | value |"), unescaped. */
export function summaryRow(summary: string, name: string): string | undefined {
  for (const line of summary.split('\n')) {
    const match = /^\| (.+?) \| (.*) \|$/.exec(line)
    if (match && match[1] === name) return match[2].replace(/\\\|/g, '|')
  }
  return undefined
}

/** Seconds on the phase's clock, e.g. "+1.23s". */
export function at(t: number | undefined, start: number): string {
  return t === undefined ? 'n/a' : `+${((t - start) / 1000).toFixed(2)}s`
}

export function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / (1 << 20)).toFixed(1)} MiB`
}

/** "a", "a and b", "a, b and c". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
