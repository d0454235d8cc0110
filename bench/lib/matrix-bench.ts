/**
 * A matrix of J jobs for the same push, all started at once on one machine (main, then post at
 * once: no job body), versus J independent actions/checkout-style workspaces fetched
 * concurrently (depth 1 each). Wall time, disk used, bytes the server sent.
 *   shared, cold machine — empty root: one job clones (full history), the others wait and check out;
 *   shared, warm machine — the same root again: the clone is up to date;
 *   independent          — J fresh workspaces, what actions/checkout does on J runners.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { runActionJob } from './action-process.js'
import { checkoutActionStyle } from './git-baselines.js'
import { diskUsage, sample, type Sample } from './measure.js'
import type { BenchWorld } from './world.js'

export interface MatrixFigures {
  wallMs: Sample
  diskBytes: Sample
  serverBytes: Sample
}

export interface MatrixResult {
  jobs: number
  reps: number
  sharedCold: MatrixFigures & { maxLockWaitSeconds: Sample }
  sharedWarm: MatrixFigures
  independent: MatrixFigures
}

async function sharedMatrix(
  world: BenchWorld,
  root: string,
  sha: string,
  jobs: number
): Promise<{ wallMs: number; serverBytes: number; maxWait: number }> {
  const bytesBefore = world.server.totalBytesSent()
  const started = performance.now()
  const waits = await Promise.all(
    Array.from({ length: jobs }, async () => {
      const job = await runActionJob(world.action(root), world.push(sha), { cache: 'false' })
      const post = await job.post()
      if (job.main.exitCode !== 0 || post.exitCode !== 0 || job.main.outputs.commit !== sha)
        throw new Error(`bench: a matrix job failed:\n${job.main.log}\n${post.log}`)
      return Number(job.main.outputs['lock-wait-seconds'])
    })
  )
  return {
    wallMs: performance.now() - started,
    serverBytes: world.server.totalBytesSent() - bytesBefore,
    maxWait: Math.max(...waits)
  }
}

export async function runMatrixBench(
  world: BenchWorld,
  sha: string,
  options: { jobs: number; reps: number; log: (line: string) => void }
): Promise<MatrixResult> {
  const { jobs, reps, log } = options
  const cold = {
    wall: [] as number[],
    disk: [] as number[],
    bytes: [] as number[],
    wait: [] as number[]
  }
  const warm = { wall: [] as number[], disk: [] as number[], bytes: [] as number[] }
  const independent = { wall: [] as number[], disk: [] as number[], bytes: [] as number[] }
  for (let rep = 0; rep < reps; rep++) {
    log(`matrix of ${jobs} jobs, repetition ${rep + 1}/${reps} ...`)
    const root = world.freshDir('matrix-root')
    const first = await sharedMatrix(world, root, sha, jobs)
    cold.wall.push(first.wallMs)
    cold.bytes.push(first.serverBytes)
    cold.wait.push(first.maxWait)
    cold.disk.push(await diskUsage([root]))
    const again = await sharedMatrix(world, root, sha, jobs)
    warm.wall.push(again.wallMs)
    warm.bytes.push(again.serverBytes)
    warm.disk.push(await diskUsage([root]))
    await rm(root, { recursive: true, force: true })

    const base = world.freshDir('matrix-independent')
    const workspaces = Array.from({ length: jobs }, (_, i) => path.join(base, `runner-${i + 1}`))
    const bytesBefore = world.server.totalBytesSent()
    const started = performance.now()
    await Promise.all(workspaces.map(w => checkoutActionStyle(w, world.remote, sha, world.branch)))
    independent.wall.push(performance.now() - started)
    independent.bytes.push(world.server.totalBytesSent() - bytesBefore)
    independent.disk.push(await diskUsage(workspaces))
    await rm(base, { recursive: true, force: true })
  }
  const figures = (f: { wall: number[]; disk: number[]; bytes: number[] }): MatrixFigures => ({
    wallMs: sample(f.wall),
    diskBytes: sample(f.disk),
    serverBytes: sample(f.bytes)
  })
  return {
    jobs,
    reps,
    sharedCold: { ...figures(cold), maxLockWaitSeconds: sample(cold.wait) },
    sharedWarm: figures(warm),
    independent: figures(independent)
  }
}
