/**
 * Where the warm path's time goes (issue 12.8): main and post of the built action on the warm
 * machine, each run with bench/lib/trace-preload.mjs, which notes when each workflow-command
 * file, lock file and git process was touched; bench/lib/trace.ts cuts that into segments.
 * Untraced runs are interleaved so the tracer's own cost shows as a difference of walls.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { acquireLock, releaseLock } from '../../src/lock/index.js'
import { runActionJob, runActionMainAndPost } from './action-process.js'
import { sample, type Sample } from './measure.js'
import { cpuOf, mainSegments, postSegments, type Segment, type Trace } from './trace.js'
import type { WarmState } from './sync-bench.js'
import type { BenchWorld } from './world.js'

const PRELOAD = pathToFileURL(path.join(import.meta.dirname, 'trace-preload.mjs')).href

export interface SegmentFigure {
  name: string
  ms: Sample
}

export interface BreakdownResult {
  reps: number
  main: SegmentFigure[]
  post: SegmentFigure[]
  traced: { main: Sample; post: Sample }
  untraced: { main: Sample; post: Sample }
  /**
   * From acquireLock (job lock) to keeperReady with the keeper started from the main bundle (as
   * shipped) and from the lock CLI's bundle (dist/lock, which can run the keeper too).
   */
  keeper: { mainBundle: Sample; lockBundle: Sample }
  /** CPU time (user + system) of main, of the keeper until post, and of post. */
  cpu: { main: Sample; keeper: Sample; post: Sample }
  /** `node -e ''` traced the same way: its first line of JS, and what only the parent sees. */
  emptyNode: { start: Sample; outside: Sample; wall: Sample }
}

/** user + system CPU of a live process so far (Linux /proc; NaN elsewhere). */
function cpuMsOfProcess(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return NaN
  }
}

/** acquireLock → keeperReady → release, with the keeper started from `entry`. */
async function keeperReadyMs(entry: string, lockPath: string): Promise<number> {
  const started = performance.now()
  const lock = await acquireLock({
    lockPath,
    holdFor: 'job',
    jobAnchorPid: process.pid,
    keeperEntry: entry
  })
  await lock.keeperReady
  const ms = performance.now() - started
  await releaseLock(lock.lockPath, lock.token, {
    keeperPid: lock.keeperPid,
    keeperStartTime: lock.keeperStartTime
  })
  return ms
}

/** `node --import <preload> -e ''`: wall from spawn to exit, and its trace. */
function tracedEmptyNode(traceFile: string): Promise<{ wall: number; trace: Trace }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', PRELOAD, '-e', ''], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_TRACE_FILE: traceFile },
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('close', () => {
      const wall = performance.now() - started
      resolve({ wall, trace: JSON.parse(readFileSync(traceFile, 'utf8')) as Trace })
    })
  })
}

function medians(runs: Segment[][]): SegmentFigure[] {
  const names = runs[0]?.map(s => s.name) ?? []
  return names.map((name, i) => ({ name, ms: sample(runs.map(run => run[i]?.ms ?? NaN)) }))
}

export async function runWarmBreakdown(
  world: BenchWorld,
  warm: WarmState,
  options: { reps: number; log: (line: string) => void }
): Promise<BreakdownResult> {
  const { reps, log } = options
  log(`warm path breakdown × ${reps} (main and post traced, interleaved with untraced runs) ...`)
  const dir = mkdtempSync(path.join(world.scratch, 'traces-'))
  const mains: Segment[][] = []
  const posts: Segment[][] = []
  const keeper = { main: [] as number[], lock: [] as number[] }
  const cpu = { main: [] as number[], keeper: [] as number[], post: [] as number[] }
  const dist = path.join(warm.context.actionDir, 'dist')
  const empty = { start: [] as number[], outside: [] as number[], wall: [] as number[] }
  const walls = {
    tracedMain: [] as number[],
    tracedPost: [] as number[],
    main: [] as number[],
    post: [] as number[]
  }
  try {
    for (let rep = 0; rep < reps; rep++) {
      const mainTrace = path.join(dir, `main-${rep}.json`)
      const postTrace = path.join(dir, `post-${rep}.json`)
      const job = await runActionJob(
        warm.context,
        world.push(warm.sha),
        {},
        {
          execArgv: ['--import', PRELOAD],
          env: { BENCH_TRACE_FILE: mainTrace }
        }
      )
      // The keeper lives from main to post: its CPU so far is its start-up and heartbeats.
      const keeperPid = (JSON.parse(job.main.state.heldTree ?? '{}') as { keeperPid?: number })
        .keeperPid
      cpu.keeper.push(keeperPid ? cpuMsOfProcess(keeperPid) : NaN)
      const post = await job.post({
        execArgv: ['--import', PRELOAD],
        env: { BENCH_TRACE_FILE: postTrace }
      })
      if (job.main.exitCode !== 0 || post.exitCode !== 0)
        throw new Error(`bench: a traced run failed:\n${job.main.log}\n${post.log}`)
      const traced = { main: job.main, post }
      const read = (file: string): Trace => JSON.parse(readFileSync(file, 'utf8')) as Trace
      const mainTraced = read(mainTrace)
      const postTraced = read(postTrace)
      mains.push(mainSegments(mainTraced, traced.main.ms))
      posts.push(postSegments(postTraced, traced.post.ms))
      cpu.main.push(cpuOf(mainTraced))
      cpu.post.push(cpuOf(postTraced))
      walls.tracedMain.push(traced.main.ms)
      walls.tracedPost.push(traced.post.ms)
      const plain = await runActionMainAndPost(warm.context, world.push(warm.sha))
      walls.main.push(plain.main.ms)
      walls.post.push(plain.post.ms)
      const node = await tracedEmptyNode(path.join(dir, `node-${rep}.json`))
      const at = (what: string): number => node.trace.events.find(e => e.what === what)?.at ?? NaN
      empty.start.push(at('preload'))
      empty.outside.push(node.wall - at('exit'))
      empty.wall.push(node.wall)
      const lockPath = path.join(dir, 'keeper-probe.lock')
      keeper.main.push(await keeperReadyMs(path.join(dist, 'main', 'index.js'), lockPath))
      keeper.lock.push(await keeperReadyMs(path.join(dist, 'lock', 'index.js'), lockPath))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return {
    reps,
    main: medians(mains),
    post: medians(posts),
    traced: { main: sample(walls.tracedMain), post: sample(walls.tracedPost) },
    untraced: { main: sample(walls.main), post: sample(walls.post) },
    keeper: { mainBundle: sample(keeper.main), lockBundle: sample(keeper.lock) },
    cpu: { main: sample(cpu.main), keeper: sample(cpu.keeper), post: sample(cpu.post) },
    emptyNode: {
      start: sample(empty.start),
      outside: sample(empty.outside),
      wall: sample(empty.wall)
    }
  }
}
