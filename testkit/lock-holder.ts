/**
 * A process that takes the lock, for tests and benchmarks that need real separate processes.
 * Prints one JSON event per line on stdout: queued, log, acquired, keeper-ready (job mode: or
 * keeper-failed), marker, released, error. SIGINT or SIGTERM while waiting cancels through the
 * AbortSignal (§2.8), and ends a --hold-ms -1 hold once held. Also the keeper entry for
 * job-mode tests: launched with the keeper env it just runs the keeper.
 *
 *   node --import tsx testkit/lock-holder.ts --path <lock> [--hold process|job] [--timeout S]
 *     [--lease MS] [--heartbeat MS] [--poll MS] [--report MS] [--abandoned MS]
 *     [--anchor-pid PID] [--marker-dir DIR] [--hold-ms MS (-1: until SIGTERM)] [--keep]
 *     [--job NAME] [--append FILE (appends the job name inside the critical section)]
 *   A pool instead of --path: --pool-queue DIR --slots A,B,C (the marker is per slot then).
 */
import { appendFileSync, closeSync, openSync, unlinkSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { acquireLock, isKeeperInvocation, releaseLock, runKeeper } from '../src/lock/index.js'
import { forceLinklessFromEnv, refusedLinks } from './linkless.js'

// LOCK_FORCE_LINKLESS=1 reaches holders and their keepers through the environment (§2.2).
const linkless = forceLinklessFromEnv()

function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`)
}

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '')
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) args.set(name, 'true')
    else args.set(name, argv[++i])
  }
  return args
}

const number = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value)

async function hold(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const lockPath = args.get('path')
  const queueDir = args.get('pool-queue')
  const slots = args.get('slots')?.split(',') ?? []
  if (!lockPath && !queueDir) throw new Error('--path or --pool-queue is required')
  // SIGINT/SIGTERM while waiting cancel (§2.8); once the lock is held they end the hold. Both
  // are handled from the start: a signal sent the moment "acquired" is read must never meet
  // the default action (killed without releasing).
  const abort = new AbortController()
  let stop: () => void = () => abort.abort()
  process.on('SIGINT', () => stop())
  process.on('SIGTERM', () => stop())
  const lock = await acquireLock({
    ...(queueDir ? { pool: { queueDir, slots: () => slots } } : { lockPath: lockPath! }),
    holdFor: args.get('hold') === 'job' ? 'job' : 'process',
    timeoutSeconds: number(args.get('timeout')),
    leaseMs: number(args.get('lease')),
    heartbeatMs: number(args.get('heartbeat')),
    pollMs: number(args.get('poll')),
    reportEveryMs: number(args.get('report')),
    abandonedAfterMs: number(args.get('abandoned')),
    jobAnchorPid: number(args.get('anchor-pid')),
    job: { job: args.get('job') ?? '', runId: '42', runnerName: 'test-runner' },
    keeperEntry: fileURLToPath(import.meta.url),
    // Started the way this process was: through tsx, or as a bundle (testkit/lock-bundle.ts).
    keeperExecArgv: process.execArgv,
    signal: abort.signal,
    log: line => emit('log', { line }),
    hooks: { onQueued: (ticket, position) => emit('queued', { ticket, position }) }
  })
  let stopRequested = false
  let wake = (): void => undefined
  stop = () => {
    stopRequested = true
    wake()
  }
  emit('acquired', {
    lockPath: lock.lockPath,
    token: lock.token,
    waitedMs: lock.waitedMs,
    queuePosition: lock.queuePosition,
    holderSeen: lock.holderSeen?.token,
    keeperPid: lock.keeperPid,
    ...(linkless ? { refusedLinks: refusedLinks.count } : {})
  })
  if (lock.keeperPid !== undefined) {
    try {
      await lock.keeperReady
      emit('keeper-ready')
    } catch (error) {
      emit('keeper-failed', { message: (error as Error).message })
    }
  }
  const markerDir = args.get('marker-dir')
  const marker = markerDir
    ? join(markerDir, queueDir ? `inside-${basename(lock.lockPath)}` : 'inside')
    : undefined
  if (marker) {
    try {
      closeSync(openSync(marker, 'wx'))
      emit('marker', { ok: true })
    } catch {
      emit('marker', { ok: false })
    }
  }
  const appendTo = args.get('append')
  if (appendTo) appendFileSync(appendTo, `${args.get('job') ?? process.pid}\n`)
  const holdMs = number(args.get('hold-ms')) ?? 0
  if (holdMs < 0) {
    const keepAlive = setInterval(() => undefined, 1 << 30)
    if (!stopRequested) await new Promise<void>(resolve => (wake = resolve))
    clearInterval(keepAlive)
  } else if (holdMs > 0) {
    await new Promise(resolve => setTimeout(resolve, holdMs))
  }
  if (marker) unlinkSync(marker)
  if (args.has('keep')) return
  await releaseLock(lock.lockPath, lock.token)
  emit('released')
}

if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
  process.exit(0)
} else {
  try {
    await hold()
    process.exit(0)
  } catch (error) {
    const { name, message } = error as Error
    emit('error', { name, message })
    process.exit(2)
  }
}
