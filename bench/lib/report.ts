/** Renders the results of bench/run.ts as Markdown (pure). */
import type { MachineDescription } from './machine.js'
import type { MatrixResult } from './matrix-bench.js'
import { formatBytes, formatSeconds, formatSpread, ratio, type Sample } from './measure.js'
import type { StartupResult } from './startup-bench.js'
import type { SyncBenchResult, SyncScenarioResult } from './sync-bench.js'

export interface LockFigures {
  uncontended: { iterations: number; medianMs: number; p99Ms: number }
  handoff: { waiters: number; handoffs: number; medianMs: number; p99Ms: number }[]
  waiterCpu: { waitedSeconds: number; cpuMs: number; percentOfCore: number }
}

export interface BenchResults {
  version: 1
  machine: MachineDescription
  parameters: {
    repo: string
    commits: number
    files: number
    reps: number
    matrixReps: number
    matrixJobs: number
    increment: number
    quick: boolean
    actionDir: string
  }
  startup?: StartupResult
  sync?: SyncBenchResult
  matrix?: MatrixResult
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

function syncRows(name: string, s: SyncScenarioResult): string[][] {
  const checkout = s.checkoutStyle.ms.median
  const raw = s.rawFetchCheckout.ms.median
  const line = (variant: string, ms: Sample, bytes?: Sample): string[] => [
    name,
    variant,
    t(ms),
    bytes ? b(bytes) : '',
    ratio(ms.median, checkout),
    ratio(ms.median, raw)
  ]
  return [
    line(
      'Shared Checkout: main step (node + bundle + lock + sync)',
      s.actionMain.ms,
      s.actionMain.bytes
    ),
    line('Shared Checkout: main + post (what a job pays)', s.actionMainPost),
    ...(s.actionMainHoldSync
      ? [
          line(
            'Shared Checkout: main step, hold-lock: sync (no keeper process)',
            s.actionMainHoldSync
          )
        ]
      : []),
    line(
      'Shared Checkout: syncSharedClone in-process (git work only)',
      s.syncOnly.ms,
      s.syncOnly.bytes
    ),
    line(
      'actions/checkout commands, fresh workspace, depth 1',
      s.checkoutStyle.ms,
      s.checkoutStyle.bytes
    ),
    line(
      'raw git fetch + git checkout in an existing clone',
      s.rawFetchCheckout.ms,
      s.rawFetchCheckout.bytes
    )
  ]
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
      `that demands the token. Medians of ${p.reps} repetitions unless a row says otherwise` +
      `${p.quick ? ' (--quick smoke run: small repository, few repetitions — not representative)' : ''}. ` +
      `Ratios are time ÷ baseline time from the same run (< 1× = faster than the baseline).`
  )
  out.push('')

  if (r.sync) {
    const s = r.sync
    out.push('### Sync')
    out.push('')
    const rows: string[][] = []
    rows.push(...syncRows('warm (clone up to date)', s.warm))
    if (s.incremental)
      rows.push(
        ...syncRows(
          `incremental (upstream +${s.incremental.commitsPerStep} commits)`,
          s.incremental
        )
      )
    out.push(
      ...table(
        [
          'Scenario',
          'Variant',
          'Median (min–max)',
          'Server sent',
          'vs actions/checkout',
          'vs raw fetch+checkout'
        ],
        rows
      )
    )
    out.push('')
    out.push(
      ...table(
        [
          'Cold clone (empty root)',
          'Median (min–max)',
          'Server sent',
          'vs raw git clone of the same depth'
        ],
        [
          [
            'Shared Checkout main step, full history (fetch-depth 0, cache off)',
            t(s.cold.actionMain.ms),
            b(s.cold.actionMain.bytes),
            ratio(s.cold.actionMain.ms.median, s.cold.rawClone.ms.median)
          ],
          [
            'Shared Checkout main + post, full history',
            t(s.cold.actionMainPost),
            '',
            ratio(s.cold.actionMainPost.median, s.cold.rawClone.ms.median)
          ],
          [
            'raw `git clone` (full history, with checkout)',
            t(s.cold.rawClone.ms),
            b(s.cold.rawClone.bytes),
            '1.00×'
          ],
          [
            'Shared Checkout main step, fetch-depth 1',
            t(s.cold.shallow.actionMain.ms),
            b(s.cold.shallow.actionMain.bytes),
            ratio(s.cold.shallow.actionMain.ms.median, s.cold.shallow.rawClone.ms.median)
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
  }

  if (r.matrix) {
    const x = r.matrix
    out.push(`### Matrix of ${x.jobs} jobs on one machine (${x.reps} repetitions)`)
    out.push('')
    out.push(
      ...table(
        [
          'Variant',
          'Wall time',
          'Disk used',
          'Server sent',
          'Wall vs independent',
          'Disk vs independent'
        ],
        [
          [
            `Shared Checkout, cold machine (one clone; longest lock wait ${x.sharedCold.maxLockWaitSeconds.median.toFixed(2)} s)`,
            t(x.sharedCold.wallMs),
            b(x.sharedCold.diskBytes),
            b(x.sharedCold.serverBytes),
            ratio(x.sharedCold.wallMs.median, x.independent.wallMs.median),
            ratio(x.sharedCold.diskBytes.median, x.independent.diskBytes.median)
          ],
          [
            'Shared Checkout, warm machine (clone up to date)',
            t(x.sharedWarm.wallMs),
            b(x.sharedWarm.diskBytes),
            b(x.sharedWarm.serverBytes),
            ratio(x.sharedWarm.wallMs.median, x.independent.wallMs.median),
            ratio(x.sharedWarm.diskBytes.median, x.independent.diskBytes.median)
          ],
          [
            `${x.jobs} independent actions/checkout-style workspaces (depth 1), concurrent`,
            t(x.independent.wallMs),
            b(x.independent.diskBytes),
            b(x.independent.serverBytes),
            '1.00×',
            '1.00×'
          ]
        ]
      )
    )
    out.push('')
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
            'esbuild build of main, cache module lazy (as shipped)',
            t(s.lazyCache.load),
            over(s.lazyCache.load),
            `${formatBytes(s.lazyCache.startupBytes)} of ${formatBytes(s.lazyCache.totalBytes)}`
          ],
          [
            'esbuild build of main, cache module imported statically (before)',
            t(s.eagerCache.load),
            over(s.eagerCache.load),
            `${formatBytes(s.eagerCache.startupBytes)} of ${formatBytes(s.eagerCache.totalBytes)}`
          ]
        ]
      )
    )
    out.push('')
    out.push(
      `Bundle sizes: main ${formatBytes(s.bundleBytes.main)} in total (entry ${formatBytes(s.bundleBytes.mainEntry)}), ` +
        `post ${formatBytes(s.bundleBytes.post)}, lock CLI ${formatBytes(s.bundleBytes.lock)}.`
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
