/**
 * SPEC §5 sync figures, every variant in the same process and interleaved per repetition so
 * drift on a shared machine hits all of them alike:
 *   cold        the action on an empty root (cache off) vs raw `git clone`, full history and
 *               depth 1;
 *   warm        the action on an up-to-date shared clone vs actions/checkout's commands in a
 *               fresh workspace (depth 1) vs raw `git fetch` + `git checkout` in a clone;
 *   incremental the same after upstream advanced by N commits (real history: the upstream
 *               branch starts N×reps commits back and moves forward N per repetition).
 * The action is measured three ways: its main step as a process (node start + bundle + lock
 * + sync), main + post (what a job pays), and syncSharedClone in-process (the git work alone).
 */
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { syncSharedClone, type SyncRequest } from '../../src/git/index.js'
import { memoryLogger } from '../../src/logger.js'
import { runActionMainAndPost } from './action-process.js'
import { checkoutActionStyle, fetchAndCheckout, git, rawClone, remoteEnv } from './git-baselines.js'
import { sample, type Sample } from './measure.js'
import type { BenchWorld } from './world.js'

const execFileAsync = promisify(execFile)

export interface VariantFigures {
  ms: Sample
  /** Bytes the git server sent for this variant (per repetition). */
  bytes: Sample
}

export interface ColdResult {
  reps: number
  actionMain: VariantFigures
  actionMainPost: Sample
  rawClone: VariantFigures
  /** fetch-depth 1 vs `git clone --depth=1`. */
  shallow: { actionMain: VariantFigures; rawClone: VariantFigures }
}

export interface SyncScenarioResult {
  reps: number
  actionMain: VariantFigures
  actionMainPost: Sample
  /** Main with `hold-lock: sync` (no keeper process; lock released at the end of main). */
  actionMainHoldSync?: Sample
  syncOnly: VariantFigures
  checkoutStyle: VariantFigures
  rawFetchCheckout: VariantFigures
}

export interface IncrementalResult extends SyncScenarioResult {
  commitsPerStep: number
}

export interface SyncBenchResult {
  cold: ColdResult
  warm: SyncScenarioResult
  incremental?: IncrementalResult
  skipped: string[]
}

/** Collects ms + server bytes per variant. */
class Recorder {
  private readonly ms = new Map<string, number[]>()
  private readonly bytes = new Map<string, number[]>()
  constructor(private readonly world: BenchWorld) {}

  async time(name: string, work: () => Promise<unknown>): Promise<number> {
    const bytesBefore = this.world.server.totalBytesSent()
    const started = performance.now()
    await work()
    const ms = performance.now() - started
    this.push(this.ms, name, ms)
    this.push(this.bytes, name, this.world.server.totalBytesSent() - bytesBefore)
    return ms
  }

  /**
   * The action: `work` runs main + post and returns main's own time. Records main alone as
   * 'actionMain' (with the server bytes) and main + post as 'actionMainPost'.
   */
  async timeAction(work: () => Promise<number>, prefix = 'action'): Promise<void> {
    const bytesBefore = this.world.server.totalBytesSent()
    const started = performance.now()
    const mainMs = await work()
    this.push(this.ms, `${prefix}MainPost`, performance.now() - started)
    this.push(this.ms, `${prefix}Main`, mainMs)
    this.push(this.bytes, `${prefix}Main`, this.world.server.totalBytesSent() - bytesBefore)
  }

  record(name: string, ms: number): void {
    this.push(this.ms, name, ms)
  }

  has(name: string): boolean {
    return this.ms.has(name)
  }

  figures(name: string): VariantFigures {
    return { ms: sample(this.ms.get(name) ?? []), bytes: sample(this.bytes.get(name) ?? []) }
  }

  sample(name: string): Sample {
    return sample(this.ms.get(name) ?? [])
  }

  private push(map: Map<string, number[]>, name: string, value: number): void {
    map.set(name, [...(map.get(name) ?? []), value])
  }
}

async function revParse(cwd: string, rev: string): Promise<string> {
  const { stdout } = await execFileAsync('git', ['rev-parse', rev], { cwd })
  return stdout.trim()
}

/** First-parent commits of the branch, oldest first. */
async function firstParentHistory(upstream: string, tip: string): Promise<string[]> {
  const { stdout } = await execFileAsync('git', ['rev-list', '--first-parent', '--reverse', tip], {
    cwd: upstream,
    maxBuffer: 256 << 20
  })
  return stdout.trim().split('\n')
}

export interface SyncBenchOptions {
  reps: number
  /** Upstream advance per incremental repetition (SPEC §5 "N commits"). */
  increment: number
  log: (line: string) => void
}

export async function runSyncBench(
  world: BenchWorld,
  options: SyncBenchOptions
): Promise<SyncBenchResult> {
  const { reps, log } = options
  const skipped: string[] = []
  const tip = await revParse(world.upstream, `refs/heads/${world.branch}`)
  const history = await firstParentHistory(world.upstream, tip)
  let increment = Math.min(options.increment, Math.floor((history.length - 1) / reps))
  if (increment < options.increment)
    skipped.push(
      `incremental: the branch has ${history.length} first-parent commits, so steps of ${increment} instead of ${options.increment}`
    )
  if (increment < 1) increment = 0
  // Cold and warm use the starting point of the incremental walk; the walk ends at the tip.
  const startIndex = history.length - 1 - increment * reps
  const start = history[startIndex]
  await world.setBranch(start)

  // ---- cold clone -----------------------------------------------------------------------
  log(`cold clone × ${reps} (action with an empty root vs raw git clone; full and depth 1) ...`)
  const cold = new Recorder(world)
  for (let rep = 0; rep < reps; rep++) {
    const root = world.freshDir('cold-root')
    const context = world.action(root)
    await cold.timeAction(async () => {
      const run = await runActionMainAndPost(context, world.push(start), { cache: 'false' })
      if (run.main.outputs.commit !== start || run.main.outputs.cloned !== 'true')
        throw new Error(`bench: cold action run did not clone ${start}: ${run.main.log}`)
      return run.main.ms
    })
    await rm(root, { recursive: true, force: true })

    const dest = path.join(world.freshDir('cold-raw'), 'repo')
    await cold.time('rawClone', () => rawClone(dest, world.remote))
    await rm(path.dirname(dest), { recursive: true, force: true })

    const shallowRoot = world.freshDir('cold-shallow-root')
    await cold.timeAction(async () => {
      const run = await runActionMainAndPost(world.action(shallowRoot), world.push(start), {
        cache: 'false',
        'fetch-depth': '1'
      })
      if (run.main.outputs.commit !== start)
        throw new Error(`bench: shallow action run did not check out ${start}: ${run.main.log}`)
      return run.main.ms
    }, 'shallow')
    await rm(shallowRoot, { recursive: true, force: true })

    const shallowDest = path.join(world.freshDir('cold-raw-shallow'), 'repo')
    await cold.time('rawShallowClone', () => rawClone(shallowDest, world.remote, { depth: 1 }))
    await rm(path.dirname(shallowDest), { recursive: true, force: true })
  }

  // ---- persistent clones for warm / incremental ------------------------------------------
  const actionRoot = world.freshDir('shared-root')
  const actionContext = world.action(actionRoot)
  await runActionMainAndPost(actionContext, world.push(start), { cache: 'false' })
  const syncRoot = world.freshDir('sync-root')
  const syncRequest = (commit: string): SyncRequest => ({
    clonePath: path.join(syncRoot, 'clone'),
    remoteUrl: world.remote.url,
    serverUrl: world.remote.serverUrl,
    token: world.remote.token,
    ref: `refs/heads/${world.branch}`,
    commit,
    fetchDepth: 0,
    fetchTags: false,
    clean: true,
    submodules: false,
    lfs: false,
    env: { ...process.env, HOME: world.remote.home }
  })
  await syncSharedClone(syncRequest(start), memoryLogger())
  const rawDir = path.join(world.freshDir('raw'), 'repo')
  await rawClone(rawDir, world.remote)

  const scenario = async (
    name: string,
    sha: string,
    recorder: Recorder,
    before: () => Promise<void> = async () => {}
  ): Promise<void> => {
    await before()
    await recorder.timeAction(async () => {
      const run = await runActionMainAndPost(actionContext, world.push(sha))
      if (run.main.outputs.commit !== sha)
        throw new Error(`bench: ${name}: action checked out ${run.main.outputs.commit}, not ${sha}`)
      return run.main.ms
    })

    if (name === 'warm') {
      // Same work without the keeper process that `hold-lock: job` starts (its start-up cost).
      const run = await runActionMainAndPost(actionContext, world.push(sha), {
        'hold-lock': 'sync'
      })
      recorder.record('actionMainHoldSync', run.main.ms)
    }

    await recorder.time('syncOnly', async () => {
      const result = await syncSharedClone(syncRequest(sha), memoryLogger())
      if (result.commit !== sha) throw new Error(`bench: ${name}: sync gave ${result.commit}`)
    })

    const workspace = world.freshDir('checkout-style')
    await recorder.time('checkoutStyle', () =>
      checkoutActionStyle(workspace, world.remote, sha, world.branch)
    )
    if ((await git(workspace, ['rev-parse', 'HEAD'], remoteEnv(world.remote))) !== sha)
      throw new Error(`bench: ${name}: checkout-style workspace is not at ${sha}`)
    await rm(workspace, { recursive: true, force: true })

    await recorder.time('rawFetchCheckout', () => fetchAndCheckout(rawDir, world.remote, sha))
  }

  log(`warm sync × ${reps} (clone up to date) ...`)
  const warm = new Recorder(world)
  for (let rep = 0; rep < reps; rep++) await scenario('warm', start, warm)

  let incremental: IncrementalResult | undefined
  if (increment > 0) {
    log(`incremental sync × ${reps} (upstream +${increment} commits each time) ...`)
    const inc = new Recorder(world)
    for (let rep = 1; rep <= reps; rep++) {
      const sha = history[startIndex + rep * increment]
      await scenario('incremental', sha, inc, () => world.setBranch(sha))
    }
    incremental = { commitsPerStep: increment, ...scenarioFigures(inc, reps) }
  } else skipped.push('incremental: not enough history')

  return {
    cold: {
      reps,
      actionMain: cold.figures('actionMain'),
      actionMainPost: cold.sample('actionMainPost'),
      rawClone: cold.figures('rawClone'),
      shallow: {
        actionMain: cold.figures('shallowMain'),
        rawClone: cold.figures('rawShallowClone')
      }
    },
    warm: scenarioFigures(warm, reps),
    incremental,
    skipped
  }
}

function scenarioFigures(recorder: Recorder, reps: number): SyncScenarioResult {
  return {
    reps,
    actionMain: recorder.figures('actionMain'),
    actionMainPost: recorder.sample('actionMainPost'),
    actionMainHoldSync: recorder.has('actionMainHoldSync')
      ? recorder.sample('actionMainHoldSync')
      : undefined,
    syncOnly: recorder.figures('syncOnly'),
    checkoutStyle: recorder.figures('checkoutStyle'),
    rawFetchCheckout: recorder.figures('rawFetchCheckout')
  }
}
