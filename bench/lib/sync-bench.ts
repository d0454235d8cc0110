/**
 * SPEC §5 sync figures, every variant in the same process and interleaved per repetition so
 * drift on a shared machine hits all of them alike:
 *   warm        commit in the store, the tree exists (at that commit): the action vs
 *               actions/checkout's commands into a fresh workspace (depth 1) vs raw
 *               `git fetch` + `git checkout` in a kept clone;
 *   incremental the same after upstream advanced by N commits (real history: the upstream
 *               branch starts N×reps commits back and moves forward N per repetition);
 *   moved       a tree at commit X checked out at a commit D first-parent commits away (both in
 *               the store) vs raw `git checkout` in a kept clone, back and forth;
 *   cold        empty root: the store created + a tree checked out vs raw `git clone`, full
 *               history and depth 1.
 * The action is measured as a runner runs it — main and post as processes — and in-process
 * (bench/lib/in-process.ts: the same flow without node start, bundle load, keeper and post).
 */
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { runActionMainAndPost, type ActionContext } from './action-process.js'
import {
  checkoutActionStyle,
  fetchAndCheckout,
  git,
  rawCheckout,
  rawClone,
  remoteEnv
} from './git-baselines.js'
import { inProcessCheckout } from './in-process.js'
import { sample, type Sample } from './measure.js'
import type { BenchWorld } from './world.js'

const execFileAsync = promisify(execFile)

export interface VariantFigures {
  ms: Sample
  /** Bytes the git server sent for this variant (per repetition). */
  bytes: Sample
}

export interface PhaseFigure {
  name: string
  ms: Sample
}

export interface ActionFigures {
  main: VariantFigures
  post: Sample
  mainPost: Sample
  /** The phase table of main's job summary, median per phase. */
  phases: PhaseFigure[]
}

export interface ScenarioResult {
  reps: number
  action: ActionFigures
  inProcess: VariantFigures
  checkoutStyle: VariantFigures
  rawFetchCheckout: VariantFigures
}

export interface MovedResult {
  reps: number
  distance: number
  /** Files that differ between the two commits. */
  changedFiles: number
  action: ActionFigures
  inProcess: VariantFigures
  rawCheckout: VariantFigures
}

export interface ColdResult {
  reps: number
  action: ActionFigures
  rawClone: VariantFigures
  /** fetch-depth 1 vs `git clone --depth=1`. */
  shallow: { action: ActionFigures; rawClone: VariantFigures }
}

export interface SyncBenchResult {
  warm: ScenarioResult
  incremental?: ScenarioResult & { commitsPerStep: number }
  moved?: MovedResult
  cold: ColdResult
  skipped: string[]
}

/** The warm world the breakdown continues on. */
export interface WarmState {
  context: ActionContext
  sha: string
}

/** "268 ms" / "1.2 s" / "1m05s" of the summary's phase table → ms. */
export function parseDuration(text: string): number | undefined {
  const ms = /^(\d+) ms$/.exec(text)
  if (ms) return Number(ms[1])
  const s = /^([\d.]+) s$/.exec(text)
  if (s) return Number(s[1]) * 1000
  const m = /^(\d+)m(\d\d)s$/.exec(text)
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 1000
  return undefined
}

/** The `| Phase | Time |` table of the action's job summary. Pure. */
export function summaryPhases(summary: string): { name: string; ms: number }[] {
  const lines = summary.split('\n')
  const header = lines.findIndex(line => line.trim() === '| Phase | Time |')
  if (header < 0) return []
  const phases: { name: string; ms: number }[] = []
  for (const line of lines.slice(header + 2)) {
    const match = /^\| (.+?) \| (.+?) \|$/.exec(line.trim())
    if (!match) break
    const ms = parseDuration(match[2])
    if (ms !== undefined) phases.push({ name: match[1].replace(/\\\|/g, '|'), ms })
  }
  return phases
}

/** Collects ms + server bytes per variant, and the action's phase tables. */
class Recorder {
  private readonly ms = new Map<string, number[]>()
  private readonly bytes = new Map<string, number[]>()
  private readonly phases = new Map<string, Map<string, number[]>>()
  constructor(private readonly world: BenchWorld) {}

  async time(name: string, work: () => Promise<unknown>): Promise<void> {
    const bytesBefore = this.world.server.totalBytesSent()
    const started = performance.now()
    await work()
    this.push(this.ms, name, performance.now() - started)
    this.push(this.bytes, name, this.world.server.totalBytesSent() - bytesBefore)
  }

  /** The action as a runner runs it: main, then post at once; checks the commit. */
  async action(
    name: string,
    context: ActionContext,
    sha: string,
    inputs: Record<string, string> = {}
  ): Promise<void> {
    const bytesBefore = this.world.server.totalBytesSent()
    const started = performance.now()
    const run = await runActionMainAndPost(context, this.world.push(sha), inputs)
    this.push(this.ms, `${name}.mainPost`, performance.now() - started)
    if (run.main.outputs.commit !== sha)
      throw new Error(
        `bench: ${name}: the action checked out ${run.main.outputs.commit}, not ${sha}`
      )
    this.push(this.ms, `${name}.main`, run.main.ms)
    this.push(this.ms, `${name}.post`, run.post.ms)
    this.push(this.bytes, `${name}.main`, this.world.server.totalBytesSent() - bytesBefore)
    const table = this.phases.get(name) ?? new Map<string, number[]>()
    for (const phase of summaryPhases(run.main.summary))
      table.set(phase.name, [...(table.get(phase.name) ?? []), phase.ms])
    this.phases.set(name, table)
  }

  figures(name: string): VariantFigures {
    return { ms: sample(this.ms.get(name) ?? []), bytes: sample(this.bytes.get(name) ?? []) }
  }

  actionFigures(name: string): ActionFigures {
    return {
      main: this.figures(`${name}.main`),
      post: sample(this.ms.get(`${name}.post`) ?? []),
      mainPost: sample(this.ms.get(`${name}.mainPost`) ?? []),
      phases: [...(this.phases.get(name) ?? new Map<string, number[]>())].map(([phase, ms]) => ({
        name: phase,
        ms: sample(ms)
      }))
    }
  }

  private push(map: Map<string, number[]>, name: string, value: number): void {
    map.set(name, [...(map.get(name) ?? []), value])
  }
}

/** First-parent commits of the branch, oldest first. */
async function firstParentHistory(upstream: string, tip: string): Promise<string[]> {
  const { stdout } = await execFileAsync('git', ['rev-list', '--first-parent', '--reverse', tip], {
    cwd: upstream,
    maxBuffer: 256 << 20
  })
  return stdout.trim().split('\n')
}

async function changedFiles(upstream: string, a: string, b: string): Promise<number> {
  const { stdout } = await execFileAsync('git', ['diff', '--name-only', a, b], {
    cwd: upstream,
    maxBuffer: 64 << 20
  })
  return stdout.trim() === '' ? 0 : stdout.trim().split('\n').length
}

export interface SyncBenchOptions {
  reps: number
  coldReps: number
  /** Upstream advance per incremental repetition (SPEC §5 "N commits"). */
  increment: number
  /** How far the "moved" tree jumps (issue 12.8: 200 commits). */
  distance: number
  log: (line: string) => void
  /** Runs on the warm machine after the warm repetitions (the warm-path breakdown). */
  onWarm?: (warm: WarmState) => Promise<void>
}

export async function runSyncBench(
  world: BenchWorld,
  options: SyncBenchOptions
): Promise<SyncBenchResult> {
  const { reps, log } = options
  const skipped: string[] = []
  const tip = await git(world.upstream, ['rev-parse', `refs/heads/${world.branch}`], process.env)
  const history = await firstParentHistory(world.upstream, tip)
  let increment = Math.min(options.increment, Math.floor((history.length - 1) / (reps + 1)))
  if (increment < options.increment)
    skipped.push(
      `incremental: the branch has ${history.length} first-parent commits, so steps of ${increment} instead of ${options.increment}`
    )
  if (increment < 1) increment = 0
  // Warm and cold use the starting point of the incremental walk; the walk ends at the tip.
  const startIndex = history.length - 1 - increment * reps
  const start = history[startIndex]
  await world.setBranch(start)

  // ---- the kept clones: the action's machine, the in-process machine, a raw clone --------
  log('setting up the warm machine (the action creates the store and tree 1), a raw clone ...')
  const context = world.action(world.freshDir('shared-root'))
  await runActionMainAndPost(context, world.push(start), { cache: 'false' })
  const inProcessRoot = world.freshDir('in-process-root')
  await inProcessCheckout(world, inProcessRoot, start)
  const rawDir = path.join(world.freshDir('raw'), 'repo')
  await rawClone(rawDir, world.remote)
  await rawCheckout(rawDir, start, world.remote)

  const scenario = async (recorder: Recorder, sha: string): Promise<void> => {
    await recorder.action('action', context, sha)
    await recorder.time('inProcess', () => inProcessCheckout(world, inProcessRoot, sha))
    const workspace = world.freshDir('checkout-style')
    await recorder.time('checkoutStyle', () =>
      checkoutActionStyle(workspace, world.remote, sha, world.branch)
    )
    if ((await git(workspace, ['rev-parse', 'HEAD'], remoteEnv(world.remote))) !== sha)
      throw new Error(`bench: the checkout-style workspace is not at ${sha}`)
    await rm(workspace, { recursive: true, force: true })
    await recorder.time('rawFetchCheckout', () => fetchAndCheckout(rawDir, world.remote, sha))
  }
  const scenarioFigures = (recorder: Recorder): ScenarioResult => ({
    reps,
    action: recorder.actionFigures('action'),
    inProcess: recorder.figures('inProcess'),
    checkoutStyle: recorder.figures('checkoutStyle'),
    rawFetchCheckout: recorder.figures('rawFetchCheckout')
  })

  // ---- warm ---------------------------------------------------------------------------------
  log(`warm × ${reps} (commit in the store, tree exists) ...`)
  const warm = new Recorder(world)
  for (let rep = 0; rep < reps; rep++) await scenario(warm, start)
  await options.onWarm?.({ context, sha: start })

  // ---- moved: a tree at X checked out at a commit `distance` first-parent commits away ----
  let moved: MovedResult | undefined
  const distance = options.distance
  if (startIndex >= distance) {
    const far = history[startIndex - distance]
    const changed = await changedFiles(world.upstream, far, start)
    log(`tree moved ${distance} commits (${changed} files differ) × ${reps}, back and forth ...`)
    const recorder = new Recorder(world)
    for (let rep = 0; rep < reps; rep++) {
      const target = rep % 2 === 0 ? far : start
      await recorder.action('action', context, target)
      await recorder.time('inProcess', () => inProcessCheckout(world, inProcessRoot, target))
      await recorder.time('rawCheckout', () => rawCheckout(rawDir, target, world.remote))
    }
    // Every machine back at `start` for what follows.
    if (reps % 2 === 1) {
      await runActionMainAndPost(context, world.push(start))
      await inProcessCheckout(world, inProcessRoot, start)
      await rawCheckout(rawDir, start, world.remote)
    }
    moved = {
      reps,
      distance,
      changedFiles: changed,
      action: recorder.actionFigures('action'),
      inProcess: recorder.figures('inProcess'),
      rawCheckout: recorder.figures('rawCheckout')
    }
  } else skipped.push(`moved: the branch has fewer than ${distance} commits before the start`)

  // ---- incremental --------------------------------------------------------------------------
  let incremental: (ScenarioResult & { commitsPerStep: number }) | undefined
  if (increment > 0) {
    log(`incremental × ${reps} (upstream +${increment} commits each time) ...`)
    const recorder = new Recorder(world)
    for (let rep = 1; rep <= reps; rep++) {
      const sha = history[startIndex + rep * increment]
      await world.setBranch(sha)
      await scenario(recorder, sha)
    }
    incremental = { commitsPerStep: increment, ...scenarioFigures(recorder) }
  } else skipped.push('incremental: not enough history')
  await world.setBranch(start)

  // ---- cold: the store created + a tree checked out -----------------------------------------
  const coldReps = options.coldReps
  log(`cold × ${coldReps} (empty root vs raw git clone; full history and depth 1) ...`)
  const cold = new Recorder(world)
  for (let rep = 0; rep < coldReps; rep++) {
    const root = world.freshDir('cold-root')
    await cold.action('full', world.action(root), start, { cache: 'false' })
    await rm(root, { recursive: true, force: true })

    const dest = path.join(world.freshDir('cold-raw'), 'repo')
    await cold.time('rawClone', () => rawClone(dest, world.remote))
    await rm(path.dirname(dest), { recursive: true, force: true })

    const shallowRoot = world.freshDir('cold-shallow-root')
    await cold.action('shallow', world.action(shallowRoot), start, {
      cache: 'false',
      'fetch-depth': '1'
    })
    await rm(shallowRoot, { recursive: true, force: true })

    const shallowDest = path.join(world.freshDir('cold-raw-shallow'), 'repo')
    await cold.time('rawShallowClone', () => rawClone(shallowDest, world.remote, { depth: 1 }))
    await rm(path.dirname(shallowDest), { recursive: true, force: true })
  }

  return {
    warm: scenarioFigures(warm),
    incremental,
    moved,
    cold: {
      reps: coldReps,
      action: cold.actionFigures('full'),
      rawClone: cold.figures('rawClone'),
      shallow: { action: cold.actionFigures('shallow'), rawClone: cold.figures('rawShallowClone') }
    },
    skipped
  }
}
