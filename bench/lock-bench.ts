/**
 * Lock benchmarks (SPEC §5 "Lock"): uncontended acquire+release, the same for a job lock
 * (acquireLock returns before its keeper has started: issue 12.6), release→next-holder handoff
 * latency with 1, 8 and 32 waiters (separate processes, production poll interval, so the
 * figures show notification wake-ups), and CPU used by a waiter.
 * Targets: handoff median ≤ 10 ms, p99 ≤ 100 ms; waiter CPU < 1% of a core.
 *
 *   node --import tsx bench/lock-bench.ts [--waiters 1,8,32] [--handoffs 200] [--cpu-seconds 10]
 * The measure* functions are exported for the overall `npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { acquireLock, isKeeperInvocation, releaseLock, runKeeper } from '../src/lock/index.js'
import { bundleEntry, type Bundle } from './lib/bundle.js'
import { formatMs, median, parseFlags, percentile, printTable } from './lib/stats.js'

const SELF = fileURLToPath(import.meta.url)
const HOLD_MS = 2

const nowNs = (): bigint => process.hrtime.bigint() // CLOCK_MONOTONIC: comparable across processes

function scratch(): { lockPath: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lock-bench-'))
  return {
    lockPath: join(dir, 'repo.lock'),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

export interface UncontendedResult {
  iterations: number
  medianMs: number
  p99Ms: number
}

export async function measureUncontended(iterations = 300): Promise<UncontendedResult> {
  const { lockPath, remove } = scratch()
  const times: number[] = []
  try {
    for (let i = 0; i < iterations; i++) {
      const start = performance.now()
      const lock = await acquireLock({ lockPath, holdFor: 'process' })
      await releaseLock(lock.lockPath, lock.token)
      times.push(performance.now() - start)
    }
  } finally {
    remove()
  }
  return { iterations, medianMs: median(times), p99Ms: percentile(times, 99) }
}

export interface UncontendedJobResult {
  iterations: number
  /** acquireLock until it returned: the lock exists, its keeper may still be starting. */
  acquireMedianMs: number
  /** acquireLock until keeperReady: the caller overlaps this with its own work. */
  keeperReadyMedianMs: number
  /** The largest waitedMs reported for a free lock (must be 0). */
  maxWaitedMs: number
}

export async function measureUncontendedJob(iterations = 30): Promise<UncontendedJobResult> {
  const bundle = await bundleEntry(SELF, 'lock-bench')
  const { lockPath, remove } = scratch()
  const acquire: number[] = []
  const ready: number[] = []
  let maxWaitedMs = 0
  try {
    for (let i = 0; i < iterations; i++) {
      const start = performance.now()
      const lock = await acquireLock({
        lockPath,
        holdFor: 'job',
        jobAnchorPid: process.pid,
        keeperEntry: bundle.file
      })
      acquire.push(performance.now() - start)
      await lock.keeperReady
      ready.push(performance.now() - start)
      maxWaitedMs = Math.max(maxWaitedMs, lock.waitedMs)
      await releaseLock(lock.lockPath, lock.token)
    }
  } finally {
    remove()
    bundle.remove()
  }
  return {
    iterations,
    acquireMedianMs: median(acquire),
    keeperReadyMedianMs: median(ready),
    maxWaitedMs
  }
}

/** Handoff worker: acquire, note the time, hold briefly, note the time, release, repeat. */
async function handoffWorker(lockPath: string): Promise<void> {
  for (;;) {
    const lock = await acquireLock({ lockPath, holdFor: 'process' })
    process.stdout.write(`acq ${nowNs()}\n`)
    await new Promise(resolve => setTimeout(resolve, HOLD_MS))
    process.stdout.write(`rel ${nowNs()}\n`)
    await releaseLock(lock.lockPath, lock.token)
  }
}

export interface HandoffResult {
  waiters: number
  handoffs: number
  medianMs: number
  p99Ms: number
}

function spawnWorker(bundle: Bundle, args: string[]): ChildProcess {
  return spawn(process.execPath, [bundle.file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
}

export async function measureHandoff(waiters: number, handoffs = 200): Promise<HandoffResult> {
  const bundle = await bundleEntry(SELF, 'lock-bench')
  const { lockPath, remove } = scratch()
  const workers: ChildProcess[] = []
  const latencies: number[] = []
  let lastRelease: bigint | undefined
  let seen = 0
  // The first rounds include process start-up; measure once every worker has queued.
  const warmup = 2 * (waiters + 1)
  try {
    await new Promise<void>(resolve => {
      for (let i = 0; i <= waiters; i++) {
        const worker = spawnWorker(bundle, ['--handoff-worker', lockPath])
        workers.push(worker)
        createInterface({ input: worker.stdout! }).on('line', line => {
          const [kind, ns] = line.split(' ')
          const at = BigInt(ns)
          if (kind === 'rel') lastRelease = at
          if (kind !== 'acq') return
          seen++
          if (lastRelease !== undefined && seen > warmup) {
            latencies.push(Number(at - lastRelease) / 1e6)
          }
          if (latencies.length >= handoffs) resolve()
        })
      }
    })
  } finally {
    for (const worker of workers) worker.kill('SIGKILL')
    await Promise.all(
      workers.map(w => new Promise(done => (w.exitCode !== null ? done(0) : w.on('exit', done))))
    )
    remove()
    bundle.remove()
  }
  return {
    waiters,
    handoffs: latencies.length,
    medianMs: median(latencies),
    p99Ms: percentile(latencies, 99)
  }
}

/** CPU worker: reports the CPU it spent while waiting for the lock. */
async function cpuWorker(lockPath: string): Promise<void> {
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const lock = await acquireLock({ lockPath, holdFor: 'process' })
  const cpu = process.cpuUsage(cpuBefore)
  const waitedMs = performance.now() - start
  await releaseLock(lock.lockPath, lock.token)
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, waitedMs })}\n`)
}

export interface WaiterCpuResult {
  waitedSeconds: number
  cpuMs: number
  percentOfCore: number
}

export async function measureWaiterCpu(seconds = 10): Promise<WaiterCpuResult> {
  const bundle = await bundleEntry(SELF, 'lock-bench')
  const { lockPath, remove } = scratch()
  try {
    const held = await acquireLock({ lockPath, holdFor: 'process' })
    const worker = spawnWorker(bundle, ['--cpu-worker', lockPath])
    const output = new Promise<string>(resolve =>
      createInterface({ input: worker.stdout! }).once('line', resolve)
    )
    await new Promise(resolve => setTimeout(resolve, seconds * 1000))
    await releaseLock(held.lockPath, held.token)
    const { cpuMs, waitedMs } = JSON.parse(await output) as { cpuMs: number; waitedMs: number }
    return { waitedSeconds: waitedMs / 1000, cpuMs, percentOfCore: (100 * cpuMs) / waitedMs }
  } finally {
    remove()
    bundle.remove()
  }
}

export async function runLockBench(
  options: { waiters?: number[]; handoffs?: number; cpuSeconds?: number } = {}
): Promise<void> {
  const uncontended = await measureUncontended()
  printTable('lock: uncontended acquire + release (holdFor process)', [
    ['median', formatMs(uncontended.medianMs)],
    ['p99', formatMs(uncontended.p99Ms)]
  ])
  const job = await measureUncontendedJob()
  printTable('lock: uncontended job lock (keeper starts in the background)', [
    ['acquireLock returned, median', formatMs(job.acquireMedianMs)],
    ['keeperReady, median', formatMs(job.keeperReadyMedianMs)],
    ['waitedMs reported, max (must be 0)', formatMs(job.maxWaitedMs)]
  ])
  const rows: Array<[string, string]> = []
  for (const waiters of options.waiters ?? [1, 8, 32]) {
    const result = await measureHandoff(waiters, options.handoffs ?? 200)
    rows.push([
      `${String(waiters).padStart(2)} waiter(s)`,
      `median ${formatMs(result.medianMs)}, p99 ${formatMs(result.p99Ms)} (${result.handoffs} handoffs)`
    ])
  }
  printTable('lock: release → next holder handoff (target median ≤ 10 ms, p99 ≤ 100 ms)', rows)
  const cpu = await measureWaiterCpu(options.cpuSeconds ?? 10)
  printTable('lock: CPU of one waiter (target < 1% of a core)', [
    ['waited', `${cpu.waitedSeconds.toFixed(1)} s`],
    ['CPU', `${cpu.cpuMs.toFixed(1)} ms = ${cpu.percentOfCore.toFixed(3)}% of a core`]
  ])
}

const flags = parseFlags(process.argv.slice(2))
if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
} else if (flags.has('handoff-worker')) {
  await handoffWorker(flags.get('handoff-worker')!)
} else if (flags.has('cpu-worker')) {
  await cpuWorker(flags.get('cpu-worker')!)
  process.exit(0)
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLockBench({
    waiters: flags.get('waiters')?.split(',').map(Number),
    handoffs: flags.has('handoffs') ? Number(flags.get('handoffs')) : undefined,
    cpuSeconds: flags.has('cpu-seconds') ? Number(flags.get('cpu-seconds')) : undefined
  })
}
