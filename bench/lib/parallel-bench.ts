/**
 * SPEC §5 "Parallel": N jobs of one repository started at once on one machine, each with a real
 * body (`sleep`, in the job's tree), versus N independent actions/checkout-style workspaces.
 * Every job of the action runs as its own process tree — an anchor (bench/lib/job-anchor.ts,
 * the runner's Runner.Worker) with main, body and post under it — so tree locks are held by
 * jobs exactly as on a runner.
 *
 * Per repetition, interleaved so drift on a shared machine hits every variant alike:
 *   trees: N, cold machine  — empty root: one job creates the store, every job checks out a tree;
 *   trees: N, warm machine  — the same root again: commit in the store, N trees exist;
 *   one job, warm / cold     — the reference "one job's wall" for the goal trees: N ≤ 1.3×;
 *   N independent workspaces — `init` + `fetch --depth=1` + `checkout` each, concurrently, then
 *                              the same body.
 * `trees: 1` (cold, then warm) is N bodies back to back by design, so it runs `serialReps`
 * times (default once) rather than every repetition.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn } from 'node:child_process'
import { layoutOf } from '../../src/repo/layout.js'
import { repoIdOf } from '../../src/repo/identity.js'
import { prepareJobFiles } from './action-process.js'
import { bundleEntry, type Bundle } from './bundle.js'
import { checkoutActionStyle } from './git-baselines.js'
import type { AnchorConfig, AnchorResult } from './job-anchor.js'
import { diskUsage, sample, type Sample } from './measure.js'
import type { BenchWorld } from './world.js'

export interface ParallelFigures {
  wallMs: Sample
  diskBytes: Sample
  serverBytes: Sample
  /** Each job's main step and post step (every job of every repetition). */
  mainMs?: Sample
  postMs?: Sample
}

export interface SharedFigures extends ParallelFigures {
  /** Longest lock-wait-seconds of the jobs (tree + store waiting). */
  maxLockWaitSeconds: Sample
  /** Different trees the jobs got. */
  trees: Sample
  /** Disk of the store alone, and of one tree, in the same root. */
  storeBytes: Sample
  treeBytes: Sample
}

export interface ParallelResult {
  jobs: number
  bodySeconds: number
  reps: number
  serialReps: number
  cold: { pool: SharedFigures; serial: SharedFigures; single: ParallelFigures }
  warm: { pool: SharedFigures; serial: SharedFigures; single: ParallelFigures }
  independent: ParallelFigures
}

export interface ParallelOptions {
  jobs: number
  reps: number
  serialReps: number
  bodySeconds: number
  log: (line: string) => void
}

/** Runs one job (main → body → post) under its own anchor process. */
async function anchoredJob(
  anchor: Bundle,
  world: BenchWorld,
  root: string,
  sha: string,
  trees: number,
  bodySeconds: number,
  name: string
): Promise<AnchorResult> {
  const context = world.action(root)
  const files = prepareJobFiles(
    context,
    world.push(sha),
    { cache: 'false', trees: String(trees) },
    name
  )
  const config: AnchorConfig = {
    main: path.join(context.actionDir, 'dist', 'main', 'index.js'),
    post: path.join(context.actionDir, 'dist', 'post', 'index.js'),
    env: files.env as Record<string, string>,
    output: files.output,
    state: files.state,
    bodySeconds,
    result: path.join(files.dir, 'anchor-result.json')
  }
  const configFile = path.join(files.dir, 'anchor.json')
  writeFileSync(configFile, JSON.stringify(config))
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [anchor.file, configFile], { stdio: 'ignore' })
      child.on('error', reject)
      child.on('close', () => resolve())
    })
    const result = JSON.parse(readFileSync(config.result, 'utf8')) as AnchorResult
    if (result.mainCode !== 0 || result.postCode !== 0 || result.outputs.commit !== sha)
      throw new Error(
        `bench: job ${name} failed (main ${result.mainCode}, post ${result.postCode}):\n${result.log}`
      )
    return result
  } finally {
    files.remove()
  }
}

interface SharedRun {
  wallMs: number
  serverBytes: number
  maxWait: number
  trees: number
  mainMs: number[]
  postMs: number[]
}

async function sharedRun(
  anchor: Bundle,
  world: BenchWorld,
  root: string,
  sha: string,
  jobs: number,
  trees: number,
  bodySeconds: number
): Promise<SharedRun> {
  const bytesBefore = world.server.totalBytesSent()
  const started = performance.now()
  const results = await Promise.all(
    Array.from({ length: jobs }, (_, i) =>
      anchoredJob(anchor, world, root, sha, trees, bodySeconds, `job-${i + 1}`)
    )
  )
  return {
    wallMs: performance.now() - started,
    serverBytes: world.server.totalBytesSent() - bytesBefore,
    maxWait: Math.max(...results.map(r => Number(r.outputs['lock-wait-seconds']))),
    trees: new Set(results.map(r => r.outputs.tree)).size,
    mainMs: results.map(r => r.mainEnd - r.mainStart),
    postMs: results.map(r => r.postEnd - r.postStart)
  }
}

class Collector {
  private readonly values = new Map<string, number[]>()
  add(name: string, value: number): void {
    this.values.set(name, [...(this.values.get(name) ?? []), value])
  }
  sample(name: string): Sample {
    return sample(this.values.get(name) ?? [])
  }
  plain(prefix: string): ParallelFigures {
    const has = (name: string): boolean => this.values.has(`${prefix}.${name}`)
    return {
      wallMs: this.sample(`${prefix}.wall`),
      diskBytes: this.sample(`${prefix}.disk`),
      serverBytes: this.sample(`${prefix}.bytes`),
      mainMs: has('main') ? this.sample(`${prefix}.main`) : undefined,
      postMs: has('post') ? this.sample(`${prefix}.post`) : undefined
    }
  }
  shared(prefix: string): SharedFigures {
    return {
      ...this.plain(prefix),
      maxLockWaitSeconds: this.sample(`${prefix}.wait`),
      trees: this.sample(`${prefix}.trees`),
      storeBytes: this.sample(`${prefix}.store`),
      treeBytes: this.sample(`${prefix}.tree`)
    }
  }
}

/** Records a shared run and the disk of its root: total, the store, one tree. */
async function record(
  collector: Collector,
  prefix: string,
  root: string,
  world: BenchWorld,
  run: SharedRun
): Promise<void> {
  collector.add(`${prefix}.wall`, run.wallMs)
  collector.add(`${prefix}.bytes`, run.serverBytes)
  collector.add(`${prefix}.wait`, run.maxWait)
  collector.add(`${prefix}.trees`, run.trees)
  for (const ms of run.mainMs) collector.add(`${prefix}.main`, ms)
  for (const ms of run.postMs) collector.add(`${prefix}.post`, ms)
  collector.add(`${prefix}.disk`, await diskUsage([root]))
  const layout = layoutOf(path.join(root, ...repoIdOf(world.server.url, world.repository).segments))
  collector.add(`${prefix}.store`, await diskUsage([layout.store]))
  collector.add(`${prefix}.tree`, await diskUsage([layout.tree(1)]))
}

export async function runParallelBench(
  world: BenchWorld,
  sha: string,
  options: ParallelOptions
): Promise<ParallelResult> {
  const { jobs, reps, serialReps, bodySeconds, log } = options
  const anchor = await bundleEntry(path.join(import.meta.dirname, 'job-anchor.ts'), 'job-anchor')
  const c = new Collector()
  try {
    for (let rep = 0; rep < Math.max(reps, serialReps); rep++) {
      if (rep < reps) {
        log(
          `parallel: ${jobs} jobs × ${bodySeconds} s body, trees: ${jobs}, cold then warm; one job alone; ${jobs} independent workspaces (repetition ${rep + 1}/${reps}) ...`
        )
        const single = world.freshDir('single-root')
        let started = performance.now()
        let bytes = world.server.totalBytesSent()
        const cold = await anchoredJob(anchor, world, single, sha, jobs, bodySeconds, 'alone')
        c.add('singleCold.wall', performance.now() - started)
        c.add('singleCold.main', cold.mainEnd - cold.mainStart)
        c.add('singleCold.post', cold.postEnd - cold.postStart)
        c.add('singleCold.bytes', world.server.totalBytesSent() - bytes)
        c.add('singleCold.disk', await diskUsage([single]))

        const root = world.freshDir('pool-root')
        await record(
          c,
          'poolCold',
          root,
          world,
          await sharedRun(anchor, world, root, sha, jobs, jobs, bodySeconds)
        )
        await record(
          c,
          'poolWarm',
          root,
          world,
          await sharedRun(anchor, world, root, sha, jobs, jobs, bodySeconds)
        )
        await rm(root, { recursive: true, force: true })

        started = performance.now()
        bytes = world.server.totalBytesSent()
        const warm = await anchoredJob(anchor, world, single, sha, jobs, bodySeconds, 'alone')
        c.add('singleWarm.wall', performance.now() - started)
        c.add('singleWarm.main', warm.mainEnd - warm.mainStart)
        c.add('singleWarm.post', warm.postEnd - warm.postStart)
        c.add('singleWarm.bytes', world.server.totalBytesSent() - bytes)
        c.add('singleWarm.disk', await diskUsage([single]))
        await rm(single, { recursive: true, force: true })

        const base = world.freshDir('independent')
        const workspaces = Array.from({ length: jobs }, (_, i) =>
          path.join(base, `runner-${i + 1}`)
        )
        bytes = world.server.totalBytesSent()
        started = performance.now()
        await Promise.all(
          workspaces.map(async workspace => {
            await checkoutActionStyle(workspace, world.remote, sha, world.branch)
            await sleep(bodySeconds * 1000)
          })
        )
        c.add('independent.wall', performance.now() - started)
        c.add('independent.bytes', world.server.totalBytesSent() - bytes)
        c.add('independent.disk', await diskUsage(workspaces))
        await rm(base, { recursive: true, force: true })
      }
      if (rep < serialReps) {
        log(
          `parallel: ${jobs} jobs × ${bodySeconds} s body, trees: 1, cold then warm (repetition ${rep + 1}/${serialReps}; ~${Math.round((2 * jobs * (bodySeconds + 1)) / 60)} min) ...`
        )
        const root = world.freshDir('serial-root')
        await record(
          c,
          'serialCold',
          root,
          world,
          await sharedRun(anchor, world, root, sha, jobs, 1, bodySeconds)
        )
        await record(
          c,
          'serialWarm',
          root,
          world,
          await sharedRun(anchor, world, root, sha, jobs, 1, bodySeconds)
        )
        await rm(root, { recursive: true, force: true })
      }
    }
  } finally {
    anchor.remove()
  }
  return {
    jobs,
    bodySeconds,
    reps,
    serialReps,
    cold: {
      pool: c.shared('poolCold'),
      serial: c.shared('serialCold'),
      single: c.plain('singleCold')
    },
    warm: {
      pool: c.shared('poolWarm'),
      serial: c.shared('serialWarm'),
      single: c.plain('singleWarm')
    },
    independent: c.plain('independent')
  }
}
