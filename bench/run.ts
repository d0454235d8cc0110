/**
 * `npm run bench`: the figures of docs/CONTRACT.md §5 from one run on one machine, every
 * baseline in the same process and interleaved with the action's variants:
 *   sync      warm path, incremental, a tree moved 200 commits, cold (store + tree) — against
 *             actions/checkout's commands into a fresh workspace, raw fetch/checkout/clone;
 *   breakdown where the warm path's time goes (main and post traced);
 *   parallel  8 jobs with 10 s bodies: trees: 8, trees: 1, one job alone, 8 independent
 *             workspaces, on a warm and a cold machine;
 *   lock      uncontended, handoff with 1/8/32 waiters, waiter CPU;
 *   startup   node start and bundle load of main, post and the lock CLI.
 * Prints Markdown and writes bench/results/<timestamp>.json + bench/results/latest.md.
 *
 *   npm run bench [-- --quick] [--reps 5] [--cold-reps 3] [--parallel-reps 3] [--serial-reps 1] [--jobs 8]
 *                 [--body-seconds 10] [--increment 50] [--distance 200] [--trace-reps 10]
 *                 [--commits 20000 --files 5000 | --repo PATH] [--only sync,parallel,lock,startup]
 *                 [--action-dir DIR]   (or SHARED_CHECKOUT_ACTION_DIR)
 *
 * The action is a private copy (bench/lib/action-build.ts): the committed dist/ is never built
 * or run in place. The repository is generated (deterministic) and cached in the temp dir keyed
 * by its parameters, or any local repository with --repo. Nothing here asserts: figures only.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { REPO_ROOT } from '../testkit/emulator.js'
import {
  measureHandoff,
  measureUncontended,
  measureUncontendedJob,
  measureWaiterCpu
} from './lock-bench.js'
import { resolveActionBuild } from './lib/action-build.js'
import { probeSmallFiles } from './lib/disk-probe.js'
import { describeMachine } from './lib/machine.js'
import { runParallelBench } from './lib/parallel-bench.js'
import { renderMarkdown, type BenchResults, type LockFigures } from './lib/report.js'
import { generatedRepo, headOf, userRepo, type PreparedRepo } from './lib/repo-cache.js'
import { runStartupBench } from './lib/startup-bench.js'
import { parseFlags } from './lib/stats.js'
import { runSyncBench } from './lib/sync-bench.js'
import { runWarmBreakdown } from './lib/warm-breakdown.js'
import { createBenchWorld } from './lib/world.js'

const SECTIONS = ['startup', 'sync', 'parallel', 'lock'] as const
type Section = (typeof SECTIONS)[number]

interface Options {
  quick: boolean
  reps: number
  coldReps: number
  traceReps: number
  parallelReps: number
  serialReps: number
  jobs: number
  bodySeconds: number
  increment: number
  distance: number
  commits: number
  files: number
  repo?: string
  actionDir?: string
  only: Set<Section>
  lock: {
    waiters: number[]
    handoffs: number
    cpuSeconds: number
    uncontended: number
    job: number
  }
}

function positive(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`bench: --${name} ${JSON.stringify(raw)} is not a positive integer`)
  return value
}

function parseOptions(argv: string[]): Options {
  const flags = parseFlags(argv)
  const quick = flags.has('quick')
  const reps = positive(flags, 'reps', quick ? 2 : 5)
  const onlyRaw = flags.get('only')
  const only = new Set<Section>(
    onlyRaw
      ? onlyRaw.split(',').map(s => {
          if (!(SECTIONS as readonly string[]).includes(s))
            throw new Error(`bench: --only ${s}: expected some of ${SECTIONS.join(',')}`)
          return s as Section
        })
      : SECTIONS
  )
  return {
    quick,
    reps,
    // A cold clone of the full-size repository is the slowest sync variant.
    coldReps: positive(flags, 'cold-reps', Math.min(reps, 3)),
    traceReps: positive(flags, 'trace-reps', quick ? 2 : 10),
    parallelReps: positive(flags, 'parallel-reps', quick ? 1 : 3),
    // trees: 1 is the jobs' bodies back to back (≥ 80 s at full size): once unless asked.
    serialReps: positive(flags, 'serial-reps', 1),
    jobs: positive(flags, 'jobs', quick ? 4 : 8),
    bodySeconds: positive(flags, 'body-seconds', quick ? 1 : 10),
    increment: positive(flags, 'increment', quick ? 10 : 50),
    distance: positive(flags, 'distance', quick ? 100 : 200),
    commits: positive(flags, 'commits', quick ? 1000 : 20000),
    files: positive(flags, 'files', quick ? 300 : 5000),
    repo: flags.get('repo'),
    actionDir: flags.get('action-dir') ?? process.env.SHARED_CHECKOUT_ACTION_DIR,
    only,
    lock: quick
      ? { waiters: [1, 8], handoffs: 30, cpuSeconds: 2, uncontended: 50, job: 5 }
      : { waiters: [1, 8, 32], handoffs: 200, cpuSeconds: 10, uncontended: 300, job: 30 }
  }
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

async function runLock(options: Options): Promise<LockFigures> {
  const l = options.lock
  log(
    `lock: uncontended × ${l.uncontended}, job lock × ${l.job}, handoff with ${l.waiters.join('/')} waiters, waiter CPU over ${l.cpuSeconds} s ...`
  )
  const uncontended = await measureUncontended(l.uncontended)
  const job = await measureUncontendedJob(l.job)
  const handoff = []
  for (const waiters of l.waiters) handoff.push(await measureHandoff(waiters, l.handoffs))
  const waiterCpu = await measureWaiterCpu(l.cpuSeconds)
  return { uncontended, job, handoff, waiterCpu }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const build = resolveActionBuild({ explicit: options.actionDir, log })
  log(`action: ${build.origin}`)
  // The whole run's time leaves out a private build of the action (~30 s, once per source change).
  const started = performance.now()
  const notes: string[] = []
  const results: BenchResults = {
    version: 2,
    machine: describeMachine(tmpdir()),
    parameters: {
      repo: '',
      commits: options.commits,
      files: options.files,
      reps: options.reps,
      coldReps: options.coldReps,
      parallelReps: options.parallelReps,
      serialReps: options.serialReps,
      jobs: options.jobs,
      bodySeconds: options.bodySeconds,
      increment: options.increment,
      distance: options.distance,
      quick: options.quick,
      action: build.origin.replace(/ in \S+$/, '')
    },
    notes,
    elapsedSeconds: 0
  }
  try {
    log('probing small-file creation speed ...')
    results.diskProbe = { start: probeSmallFiles(tmpdir(), options.quick ? 1 : 3) }
    if (options.only.has('startup'))
      results.startup = await runStartupBench(build.dir, {
        rounds: options.quick ? 5 : Math.max(10, options.reps * 2),
        log
      })

    if (options.only.has('sync') || options.only.has('parallel')) {
      let repo: PreparedRepo
      if (options.repo) repo = await userRepo(options.repo)
      else {
        repo = await generatedRepo({ commits: options.commits, files: options.files, seed: 1 }, log)
        if (!repo.fromCache)
          notes.push(
            `The repository was generated in ${repo.generatedSeconds.toFixed(1)} s (cached for later runs).`
          )
      }
      results.parameters.repo = repo.description
      const world = await createBenchWorld(repo, build.dir)
      results.machine = describeMachine(world.scratch)
      try {
        if (options.only.has('sync')) {
          results.sync = await runSyncBench(world, {
            reps: options.reps,
            coldReps: options.coldReps,
            increment: options.increment,
            distance: options.distance,
            log,
            onWarm: async warm => {
              results.breakdown = await runWarmBreakdown(world, warm, {
                reps: options.traceReps,
                log
              })
            }
          })
          notes.push(...results.sync.skipped)
        }
        if (options.only.has('parallel')) {
          const sha = await headOf(world.upstream, world.branch)
          results.parallel = await runParallelBench(world, sha, {
            jobs: options.jobs,
            reps: options.parallelReps,
            serialReps: options.serialReps,
            bodySeconds: options.bodySeconds,
            log
          })
        }
      } finally {
        await world.close()
      }
    }

    if (options.only.has('lock')) results.lock = await runLock(options)
  } finally {
    build.remove()
  }

  if (results.sync || results.parallel)
    notes.push(
      'The action runs as on a runner: `node dist/main/index.js` with `INPUT_*`/`GITHUB_*` env and a push event for the exact commit (so a store that has it needs no fetch), then `node dist/post/index.js` with its state; the tree is held by the job (a keeper process is started and stopped). Cold runs use `cache: false` (no Actions cache service locally).',
      "In the parallel runs each job is its own process tree — an anchor standing in for Runner.Worker, with main, the body (`sleep`, in the job's tree) and post under it — started at the same moment; wall time runs from the first start to the last post.",
      'Loopback HTTP: the figures show local work (pack generation, index, checkout) and process overhead, not network transfer time; "Server sent" shows what a real network would carry.'
    )
  if (results.lock)
    notes.push(
      'Lock figures come from bench/lock-bench.ts (separate processes, production poll interval); each holder in the handoff workers holds the lock 2 ms; the latency is release → next acquisition.'
    )
  results.diskProbe!.end = probeSmallFiles(tmpdir(), options.quick ? 1 : 3)
  results.elapsedSeconds = (performance.now() - started) / 1000

  const markdown = renderMarkdown(results)
  const dir = path.join(REPO_ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const stamp = results.machine.date.replace(/[:.]/g, '-')
  writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(path.join(dir, 'latest.md'), markdown)
  process.stdout.write(`\n${markdown}`)
  log(`wrote bench/results/${stamp}.json and bench/results/latest.md`)
}

await main().catch(error => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
