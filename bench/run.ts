/**
 * `npm run bench`: every SPEC §5 figure from one run on one machine, with the baselines run in
 * the same process — sync (warm, incremental, cold) against actions/checkout's commands and raw
 * git, a matrix of jobs against independent workspaces, the lock, and the action's start-up.
 * Prints a Markdown table and writes bench/results/<timestamp>.json + bench/results/latest.md.
 *
 *   npm run bench [-- --reps 5] [--quick] [--repo PATH] [--commits 20000 --files 5000]
 *                 [--matrix-reps N] [--jobs 8] [--increment 50] [--only sync,matrix,lock,startup]
 *   node --import tsx bench/run.ts --action-dir .tmp/bench ...   (or SHARED_CHECKOUT_ACTION_DIR)
 *
 * The repository is generated (deterministic) and cached in the temp dir keyed by its
 * parameters, or any local repository with --repo. No figure here is a test: nothing asserts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { REPO_ROOT } from '../testkit/emulator.js'
import { measureHandoff, measureUncontended, measureWaiterCpu } from './lock-bench.js'
import { probeSmallFiles } from './lib/disk-probe.js'
import { describeMachine } from './lib/machine.js'
import { runMatrixBench } from './lib/matrix-bench.js'
import { renderMarkdown, type BenchResults, type LockFigures } from './lib/report.js'
import { generatedRepo, headOf, userRepo, type PreparedRepo } from './lib/repo-cache.js'
import { runStartupBench } from './lib/startup-bench.js'
import { parseFlags } from './lib/stats.js'
import { runSyncBench } from './lib/sync-bench.js'
import { createBenchWorld } from './lib/world.js'

const SECTIONS = ['startup', 'sync', 'matrix', 'lock'] as const
type Section = (typeof SECTIONS)[number]

interface Options {
  reps: number
  matrixReps: number
  jobs: number
  increment: number
  commits: number
  files: number
  repo?: string
  quick: boolean
  actionDir: string
  only: Set<Section>
  lock: { waiters: number[]; handoffs: number; cpuSeconds: number; uncontended: number }
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
  const actionDirRaw = flags.get('action-dir') ?? process.env.SHARED_CHECKOUT_ACTION_DIR
  return {
    reps,
    // The matrix is the slowest part (~25 s a repetition at full size): --matrix-reps lowers it.
    matrixReps: positive(flags, 'matrix-reps', reps),
    jobs: positive(flags, 'jobs', 8),
    increment: positive(flags, 'increment', quick ? 10 : 50),
    commits: positive(flags, 'commits', quick ? 1000 : 20000),
    files: positive(flags, 'files', quick ? 300 : 5000),
    repo: flags.get('repo'),
    quick,
    actionDir: actionDirRaw ? path.resolve(actionDirRaw) : REPO_ROOT,
    only,
    lock: quick
      ? { waiters: [1, 8], handoffs: 30, cpuSeconds: 2, uncontended: 50 }
      : { waiters: [1, 8, 32], handoffs: 200, cpuSeconds: 10, uncontended: 300 }
  }
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

async function runLock(options: Options): Promise<LockFigures> {
  log(
    `lock: uncontended × ${options.lock.uncontended}, handoff with ${options.lock.waiters.join('/')} waiters, waiter CPU over ${options.lock.cpuSeconds} s ...`
  )
  const uncontended = await measureUncontended(options.lock.uncontended)
  const handoff = []
  for (const waiters of options.lock.waiters)
    handoff.push(await measureHandoff(waiters, options.lock.handoffs))
  const waiterCpu = await measureWaiterCpu(options.lock.cpuSeconds)
  return { uncontended, handoff, waiterCpu }
}

async function main(): Promise<void> {
  const started = performance.now()
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(path.join(options.actionDir, 'dist', 'main', 'index.js')))
    throw new Error(
      `bench: no built action in ${options.actionDir}/dist: run \`npm run build\` first`
    )
  const notes: string[] = []
  const results: BenchResults = {
    version: 1,
    machine: describeMachine(options.actionDir),
    parameters: {
      repo: '',
      commits: options.commits,
      files: options.files,
      reps: options.reps,
      matrixReps: options.matrixReps,
      matrixJobs: options.jobs,
      increment: options.increment,
      quick: options.quick,
      actionDir: options.actionDir
    },
    notes,
    elapsedSeconds: 0
  }

  log('probing small-file creation speed ...')
  results.diskProbe = { start: probeSmallFiles(tmpdir()) }
  if (options.only.has('startup'))
    results.startup = await runStartupBench(options.actionDir, {
      rounds: Math.max(10, options.reps * 2),
      log
    })

  if (options.only.has('sync') || options.only.has('matrix')) {
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
    const world = await createBenchWorld(repo, options.actionDir)
    results.machine = describeMachine(world.scratch)
    try {
      if (options.only.has('sync')) {
        results.sync = await runSyncBench(world, {
          reps: options.reps,
          increment: options.increment,
          log
        })
        notes.push(...results.sync.skipped)
      }
      if (options.only.has('matrix')) {
        const sha = await headOf(world.upstream, world.branch)
        results.matrix = await runMatrixBench(world, sha, {
          jobs: options.jobs,
          reps: options.matrixReps,
          log
        })
        if (options.matrixReps < options.reps)
          notes.push(
            `The matrix ran ${options.matrixReps} repetitions (it is the slowest part), the other sync figures ${options.reps}.`
          )
      }
    } finally {
      await world.close()
    }
  }

  if (options.only.has('lock')) results.lock = await runLock(options)

  if (results.sync || results.matrix)
    notes.push(
      'The action runs as on a runner: `node dist/main/index.js` with `INPUT_*`/`GITHUB_*` env and a push event for the exact commit (so an up-to-date clone needs no fetch), then `node dist/post/index.js` with its state; hold-lock job (a keeper process is started and stopped). The cold clone and the matrix run with `cache: false` (no Actions cache service locally).',
      'Loopback HTTP: the figures show local work (pack generation, index, checkout) and process overhead, not network transfer time; "Server sent" shows what a real network would carry.'
    )
  if (results.lock)
    notes.push(
      'Lock figures come from bench/lock-bench.ts (separate processes, production poll interval); each holder in the handoff workers holds the lock 2 ms; the latency is release → next acquisition.'
    )
  results.diskProbe.end = probeSmallFiles(tmpdir())
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
