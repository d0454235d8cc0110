/** Renders the results of bench/run.ts as Markdown (pure). */
import type { MachineDescription } from './machine.js'
import { formatBytes, formatSeconds, formatSpread, ratio, type Sample } from './measure.js'
import type { ParallelFigures, ParallelResult, SharedFigures } from './parallel-bench.js'
import type { StartupResult } from './startup-bench.js'
import type { ActionFigures, ScenarioResult, SyncBenchResult } from './sync-bench.js'
import type { BreakdownResult, SegmentFigure } from './warm-breakdown.js'

export interface LockFigures {
  uncontended: { iterations: number; medianMs: number; p99Ms: number }
  job?: { iterations: number; acquireMedianMs: number; keeperReadyMedianMs: number }
  handoff: { waiters: number; handoffs: number; medianMs: number; p99Ms: number }[]
  waiterCpu: { waitedSeconds: number; cpuMs: number; percentOfCore: number }
}

export interface BenchResults {
  version: 2
  machine: MachineDescription
  parameters: {
    repo: string
    commits: number
    files: number
    reps: number
    coldReps: number
    parallelReps: number
    serialReps: number
    jobs: number
    bodySeconds: number
    increment: number
    distance: number
    quick: boolean
    action: string
  }
  startup?: StartupResult
  sync?: SyncBenchResult
  breakdown?: BreakdownResult
  parallel?: ParallelResult
  lock?: LockFigures
  /** Small-file creation probe (bench/lib/disk-probe.ts) at the start and the end of the run. */
  diskProbe?: { start: Sample; end?: Sample }
  notes: string[]
  elapsedSeconds: number
}

const t = (s: Sample): string => formatSpread(s)
const b = (s: Sample): string => formatBytes(s.median)

function row(cells: string[]): string {
  return `| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)]
}

/** The action's rows and the baselines' of one sync scenario. */
function scenarioRows(s: ScenarioResult): string[][] {
  const checkout = s.checkoutStyle.ms.median
  const raw = s.rawFetchCheckout.ms.median
  const line = (variant: string, ms: Sample, bytes?: Sample): string[] => [
    variant,
    t(ms),
    bytes ? b(bytes) : '',
    ratio(ms.median, checkout),
    ratio(ms.median, raw)
  ]
  return [
    line(
      'Shared Checkout: main step (a process, as on a runner)',
      s.action.main.ms,
      s.action.main.bytes
    ),
    line('Shared Checkout: post step', s.action.post),
    line('Shared Checkout: main + post (what a job pays)', s.action.mainPost),
    line(
      'Shared Checkout: the same flow in-process (no node start, no keeper, no post)',
      s.inProcess.ms,
      s.inProcess.bytes
    ),
    line(
      'actions/checkout commands, fresh workspace, depth 1',
      s.checkoutStyle.ms,
      s.checkoutStyle.bytes
    ),
    line(
      'raw git fetch + git checkout in a kept clone',
      s.rawFetchCheckout.ms,
      s.rawFetchCheckout.bytes
    )
  ]
}

const SCENARIO_HEADER = [
  'Variant',
  'Median (min–max)',
  'Server sent',
  'vs actions/checkout',
  'vs raw fetch+checkout'
]

function phaseLine(action: ActionFigures): string {
  if (action.phases.length === 0) return ''
  return (
    "Main's own phase table (job summary), medians: " +
    action.phases.map(p => `${p.name} ${formatSeconds(p.ms.median)}`).join(', ') +
    '.'
  )
}

function segmentRows(segments: SegmentFigure[], wall: Sample): string[][] {
  const total = segments.reduce((sum, s) => sum + s.ms.median, 0)
  return [
    ...segments.map(s => [
      s.name,
      formatSeconds(s.ms.median),
      `${((s.ms.median / total) * 100).toFixed(0)} %`
    ]),
    ['sum of the medians', formatSeconds(total), ''],
    ['whole process (median wall, traced)', formatSeconds(wall.median), '']
  ]
}

/** "0.41 s / 0.12 s": each job's main and post, medians over every job. */
function stepsCell(f: ParallelFigures): string {
  if (!f.mainMs || !f.postMs) return ''
  return `${formatSeconds(f.mainMs.median)} (max ${formatSeconds(Math.max(...f.mainMs.samples))}) / ${formatSeconds(f.postMs.median)}`
}

function sharedRow(name: string, f: SharedFigures, one: number, jobs: number): string[] {
  return [
    name,
    t(f.wallMs),
    ratio(f.wallMs.median, one),
    stepsCell(f),
    b(f.diskBytes),
    `${formatBytes(f.storeBytes.median)} + ${jobs === 1 ? '' : `${f.trees.median} × `}${formatBytes(f.treeBytes.median)}`,
    b(f.serverBytes),
    `${f.maxLockWaitSeconds.median.toFixed(1)} s`
  ]
}

function plainRow(name: string, f: ParallelFigures, one: number): string[] {
  return [
    name,
    t(f.wallMs),
    ratio(f.wallMs.median, one),
    stepsCell(f),
    b(f.diskBytes),
    '',
    b(f.serverBytes),
    ''
  ]
}

function parallelSection(p: ParallelResult, out: string[]): void {
  const header = [
    'Variant',
    'Wall (min–max)',
    "vs one job's wall",
    'Main (max) / post, per job',
    'Disk used',
    'of which store + trees',
    'Server sent',
    'Longest lock wait'
  ]
  for (const machine of ['warm', 'cold'] as const) {
    const m = p[machine]
    const one = m.single.wallMs.median
    out.push(
      `**${machine === 'warm' ? 'Warm machine' : 'Cold machine'}** (${machine === 'warm' ? 'the commit in the store, the trees exist' : 'empty root: the first job creates the store'}):`
    )
    out.push('')
    out.push(
      ...table(header, [
        sharedRow(`Shared Checkout, trees: ${p.jobs}`, m.pool, one, p.jobs),
        sharedRow('Shared Checkout, trees: 1', m.serial, one, 1),
        plainRow(`one job alone (trees: ${p.jobs})`, m.single, one),
        ...(machine === 'warm'
          ? [
              plainRow(
                `${p.jobs} independent actions/checkout-style workspaces (depth 1), concurrent`,
                p.independent,
                one
              )
            ]
          : [])
      ])
    )
    out.push('')
  }
  const warm = p.warm
  const bound = warm.pool.storeBytes.median + p.jobs * warm.pool.treeBytes.median
  out.push(
    `Goals on the warm machine: trees: ${p.jobs} wall ${ratio(warm.pool.wallMs.median, warm.single.wallMs.median)} of one job's ` +
      `(goal ≤ 1.3×: ${warm.pool.wallMs.median <= 1.3 * warm.single.wallMs.median ? 'met' : 'MISSED'}); ` +
      `disk ${formatBytes(warm.pool.diskBytes.median)} against one store + ${p.jobs} trees = ${formatBytes(bound)} ` +
      `(${warm.pool.diskBytes.median <= bound * 1.02 ? 'met' : 'MISSED'}); server sent ${formatBytes(warm.pool.serverBytes.median)} ` +
      `(goal ≈ 0). The independent workspaces are the same on a warm or cold machine (each starts empty).`
  )
  out.push('')
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine
  const p = r.parameters
  const out: string[] = []
  out.push(`## Shared Checkout benchmark — ${m.date.slice(0, 16).replace('T', ' ')} UTC`)
  out.push('')
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.disk}; ${m.kernel}; ` +
      `node ${m.node}; ${m.git}.` +
      (r.diskProbe
        ? ` Small-file probe (5000 files of 1.2 KB, the working tree's shape): ${formatSpread(r.diskProbe.start)} at the start` +
          (r.diskProbe.end ? `, ${formatSpread(r.diskProbe.end)} at the end of the run.` : '.')
        : '')
  )
  out.push(
    `Repository: ${p.repo}, served by \`git http-backend\` behind a loopback smart-HTTP server ` +
      `that demands the token. Action: ${p.action}. Medians of ${p.reps} repetitions unless a section says otherwise` +
      `${p.quick ? ' (--quick smoke run: small repository, short bodies, few repetitions — not representative)' : ''}. ` +
      'Ratios are time ÷ baseline time from the same run (< 1× = faster than the baseline).'
  )
  out.push('')

  if (r.sync) {
    const s = r.sync
    const w = s.warm
    out.push('### Warm path: the commit in the store, the tree exists')
    out.push('')
    out.push(...table(SCENARIO_HEADER, scenarioRows(w)))
    out.push('')
    const goal = 0.05 * w.checkoutStyle.ms.median
    const have = w.action.mainPost.median
    out.push(
      `Goal main + post ≤ 0.05× actions/checkout = ${formatSeconds(goal)} in this run: measured ` +
        `${formatSeconds(have)} = ${ratio(have, w.checkoutStyle.ms.median)} — ` +
        (have <= goal
          ? 'met.'
          : `missed by ${formatSeconds(have - goal)} (${(have / goal).toFixed(1)}× the target).`) +
        ` ${phaseLine(w.action)}`
    )
    out.push('')
  }

  if (r.breakdown) {
    const x = r.breakdown
    out.push(`### Where the warm path's time goes (${x.reps} traced runs)`)
    out.push('')
    out.push(
      "Main and post run with `--import bench/lib/trace-preload.mjs`, which notes (on the process's own clock) each " +
        'workflow-command file, lock file and git process the action touches; each segment runs from one such ' +
        'event to the next, so the segments add up to the process. Medians per segment; ' +
        `tracing cost: main ${formatSeconds(x.traced.main.median)} traced vs ${formatSeconds(x.untraced.main.median)} untraced, ` +
        `post ${formatSeconds(x.traced.post.median)} vs ${formatSeconds(x.untraced.post.median)}.`
    )
    out.push('')
    out.push(...table(['Main step segment', 'Median', 'Share'], segmentRows(x.main, x.traced.main)))
    out.push('')
    out.push(...table(['Post step segment', 'Median', 'Share'], segmentRows(x.post, x.traced.post)))
    out.push('')
    out.push(
      `For comparison, \`node -e ''\` traced the same way: its first line of JS at ${formatSeconds(x.emptyNode.start.median)}, ` +
        `${formatSeconds(x.emptyNode.outside.median)} seen by the parent only, ${formatSeconds(x.emptyNode.wall.median)} in all. ` +
        `A job lock's keeper is ready ${formatSeconds(x.keeper.mainBundle.median)} after acquireLock when it runs the main bundle ` +
        `(as shipped), ${formatSeconds(x.keeper.lockBundle.median)} when it runs the lock CLI's bundle (dist/lock). ` +
        `CPU time per warm job: main ${formatSeconds(x.cpu.main.median)}, keeper ${formatSeconds(x.cpu.keeper.median)} ` +
        `(until post), post ${formatSeconds(x.cpu.post.median)}.`
    )
    out.push('')
  }

  if (r.sync) {
    const s = r.sync
    if (s.incremental) {
      out.push(`### Incremental: upstream advanced by ${s.incremental.commitsPerStep} commits`)
      out.push('')
      out.push(...table(SCENARIO_HEADER, scenarioRows(s.incremental)))
      out.push('')
      const line = phaseLine(s.incremental.action)
      if (line) out.push(line, '')
    }
    if (s.moved) {
      const x = s.moved
      const raw = x.rawCheckout.ms.median
      out.push(
        `### A tree moved ${x.distance} commits (${x.changedFiles} files differ; both commits in the store)`
      )
      out.push('')
      out.push(
        ...table(
          ['Variant', 'Median (min–max)', 'Server sent', 'vs raw git checkout'],
          [
            [
              'Shared Checkout: main step',
              t(x.action.main.ms),
              b(x.action.main.bytes),
              ratio(x.action.main.ms.median, raw)
            ],
            [
              'Shared Checkout: main + post',
              t(x.action.mainPost),
              '',
              ratio(x.action.mainPost.median, raw)
            ],
            [
              'Shared Checkout: the same flow in-process',
              t(x.inProcess.ms),
              b(x.inProcess.bytes),
              ratio(x.inProcess.ms.median, raw)
            ],
            [
              'raw `git checkout --force --detach` in a kept clone',
              t(x.rawCheckout.ms),
              b(x.rawCheckout.bytes),
              '1.00×'
            ]
          ]
        )
      )
      out.push('')
      out.push(
        `Goal main ≤ 1.2× raw \`git checkout\`: ${ratio(x.action.main.ms.median, raw)} — ` +
          `${x.action.main.ms.median <= 1.2 * raw ? 'met' : `missed by ${formatSeconds(x.action.main.ms.median - 1.2 * raw)}`}. ${phaseLine(x.action)}`
      )
      out.push('')
    }
    out.push(
      `### Cold: the store created and a tree checked out (empty root, cache off; ${s.cold.reps} repetitions)`
    )
    out.push('')
    out.push(
      ...table(
        ['Variant', 'Median (min–max)', 'Server sent', 'vs raw git clone of the same depth'],
        [
          [
            'Shared Checkout main step, full history (fetch-depth 0)',
            t(s.cold.action.main.ms),
            b(s.cold.action.main.bytes),
            ratio(s.cold.action.main.ms.median, s.cold.rawClone.ms.median)
          ],
          [
            'Shared Checkout main + post, full history',
            t(s.cold.action.mainPost),
            '',
            ratio(s.cold.action.mainPost.median, s.cold.rawClone.ms.median)
          ],
          [
            'raw `git clone` (full history, with checkout)',
            t(s.cold.rawClone.ms),
            b(s.cold.rawClone.bytes),
            '1.00×'
          ],
          [
            'Shared Checkout main step, fetch-depth 1',
            t(s.cold.shallow.action.main.ms),
            b(s.cold.shallow.action.main.bytes),
            ratio(s.cold.shallow.action.main.ms.median, s.cold.shallow.rawClone.ms.median)
          ],
          [
            'raw `git clone --depth=1`',
            t(s.cold.shallow.rawClone.ms),
            b(s.cold.shallow.rawClone.bytes),
            '1.00×'
          ]
        ]
      )
    )
    out.push('')
    const line = phaseLine(s.cold.action)
    if (line) out.push(line, '')
  }

  if (r.parallel) {
    const x = r.parallel
    out.push(
      `### Parallel: ${x.jobs} jobs of one repository at once, each with a ${x.bodySeconds} s body ` +
        `(${x.reps} repetitions; trees: 1 ${x.serialReps === 1 ? 'once' : `${x.serialReps} times`})`
    )
    out.push('')
    parallelSection(x, out)
  }

  if (r.lock) {
    const l = r.lock
    out.push('### Lock')
    out.push('')
    out.push(
      ...table(
        ['Measure', 'Median', 'p99', 'Samples'],
        [
          [
            'uncontended acquire + release',
            formatSeconds(l.uncontended.medianMs),
            formatSeconds(l.uncontended.p99Ms),
            String(l.uncontended.iterations)
          ],
          ...(l.job
            ? [
                [
                  'uncontended job lock: acquireLock returned / keeper ready (keeper = a small esbuild bundle)',
                  `${formatSeconds(l.job.acquireMedianMs)} / ${formatSeconds(l.job.keeperReadyMedianMs)}`,
                  '',
                  String(l.job.iterations)
                ]
              ]
            : []),
          ...l.handoff.map(h => [
            `release → next holder, ${h.waiters} waiter(s)`,
            formatSeconds(h.medianMs),
            formatSeconds(h.p99Ms),
            `${h.handoffs} handoffs`
          ]),
          [
            `CPU of one waiter over ${l.waiterCpu.waitedSeconds.toFixed(1)} s`,
            `${l.waiterCpu.cpuMs.toFixed(1)} ms CPU = ${l.waiterCpu.percentOfCore.toFixed(3)}% of a core`,
            '',
            '1'
          ]
        ]
      )
    )
    out.push('')
  }

  if (r.startup) {
    const s = r.startup
    const over = (x: Sample): string => `+${formatSeconds(x.median - s.nodeBaseline.median)}`
    out.push(`### Start-up overhead (${s.rounds} rounds)`)
    out.push('')
    const chunks = Object.entries(s.bundleBytes.mainChunks)
      .map(([n, v]) => `${n} ${formatBytes(v)}`)
      .join(', ')
    out.push(
      ...table(
        ['Process', 'Median (min–max)', "Over `node -e ''`", 'Loaded at start-up'],
        [
          ["`node -e ''`", t(s.nodeBaseline), '', ''],
          [
            'dist/main/index.js, exits after reading inputs',
            t(s.mainLoad),
            over(s.mainLoad),
            `${formatBytes(s.bundleBytes.mainEntry)} (lazy chunks, loaded only when needed: ${chunks})`
          ],
          [
            'dist/post/index.js, no state (nothing to release)',
            t(s.postLoad),
            over(s.postLoad),
            formatBytes(s.bundleBytes.post)
          ],
          [
            'dist/lock/index.js --help (the lock CLI: a small bundle)',
            t(s.lockCliLoad),
            over(s.lockCliLoad),
            formatBytes(s.bundleBytes.lock)
          ],
          [
            'esbuild build of main, cache module lazy (as shipped)',
            t(s.lazyCache.load),
            over(s.lazyCache.load),
            `${formatBytes(s.lazyCache.startupBytes)} of ${formatBytes(s.lazyCache.totalBytes)}`
          ],
          [
            'esbuild build of main, cache module imported statically',
            t(s.eagerCache.load),
            over(s.eagerCache.load),
            `${formatBytes(s.eagerCache.startupBytes)} of ${formatBytes(s.eagerCache.totalBytes)}`
          ],
          [
            "esbuild build of main without @actions/core's OIDC client (no http-client, no undici)",
            t(s.leanMain.load),
            over(s.leanMain.load),
            `${formatBytes(s.leanMain.startupBytes)} of ${formatBytes(s.leanMain.totalBytes)}`
          ],
          [
            'esbuild build of post, as shipped',
            t(s.post.load),
            over(s.post.load),
            `${formatBytes(s.post.startupBytes)}`
          ],
          [
            "esbuild build of post without @actions/core's OIDC client",
            t(s.leanPost.load),
            over(s.leanPost.load),
            `${formatBytes(s.leanPost.startupBytes)}`
          ]
        ]
      )
    )
    out.push('')
  }

  if (r.notes.length) {
    out.push('Notes:')
    for (const note of r.notes) out.push(`- ${note}`)
    out.push('')
  }
  out.push(`Whole run: ${(r.elapsedSeconds / 60).toFixed(1)} min.`)
  return out.join('\n') + '\n'
}
