/**
 * Chaos run of the lock (SPEC §5 "Chaos"): P worker processes × K acquisitions each. Inside
 * the critical section every holder creates an O_EXCL marker (a marker already there whose
 * writer is alive is a double entry); the coordinator SIGKILLs a random share of holders
 * inside the critical section and starts a fresh worker in their place, so all P×K
 * acquisitions complete. Prints acquisitions, kills, recoveries, double entries (must be 0),
 * lost locks (must be 0), and recovery times; a watchdog fails the run on a deadlock.
 *
 * With --pool N the workers contend for a pool of N slot locks behind one queue (§3's working
 * trees): one O_EXCL marker per slot, double entries counted per slot.
 *
 *   npm run stress -- --procs 16 --iterations 500 --kill-rate 0.1 [--mode process|job]
 *     [--pool N] [--poll MS (default 50)] [--watchdog S (default 60)]
 *     [--checkouts N (150)] [--checkout-procs N (6)] [--trees N (3)] [--no-checkout]
 *
 * After the lock's own chaos, the same kill rate is applied to real checkouts (store lock + tree
 * pool + fetches): bench/checkout-stress.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import {
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { probeProcess } from '../src/lock/identity.js'
import {
  acquireLock,
  isKeeperInvocation,
  LockLostError,
  releaseLock,
  runKeeper
} from '../src/lock/index.js'
import { bundleEntry } from './lib/bundle.js'
import { runCheckoutChaos } from './checkout-stress.js'
import { formatMs, max, median, parseFlags, printTable } from './lib/stats.js'

interface WorkerConfig {
  lockPath: string
  /** Set: contend for these slots behind one queue instead of the single lock. */
  pool?: { queueDir: string; slots: string[] }
  /** The marker of the single lock; a pool's slot marker is `${marker}-<slot file name>`. */
  marker: string
  iterations: number
  mode: 'process' | 'job'
  pollMs: number
  self: string
}

/** Worker: K acquisitions, reporting each entry and waiting for the coordinator's go. */
async function runWorker(config: WorkerConfig): Promise<void> {
  const replies = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const send = (line: string): void => void process.stdout.write(`${line}\n`)
  for (let i = 0; i < config.iterations; i++) {
    const { pool } = config
    const lock = await acquireLock({
      ...(pool
        ? { pool: { queueDir: pool.queueDir, slots: () => pool.slots } }
        : { lockPath: config.lockPath }),
      holdFor: config.mode,
      pollMs: config.pollMs,
      jobAnchorPid: process.pid,
      keeperEntry: config.self
    })
    // As the action's main step does: the keeper must hold the lock before we go on.
    await lock.keeperReady
    const marker = pool ? `${config.marker}-${basename(lock.lockPath)}` : config.marker
    let recovered = 0
    let double = 0
    for (;;) {
      try {
        const fd = openSync(marker, 'wx')
        writeSync(fd, String(process.pid))
        closeSync(fd)
        break
      } catch {
        // Left by a killed holder (recovery), or by a live one (a double entry).
        const pid = Number(readFileSync(marker, 'utf8'))
        if (probeProcess(pid).state === 'dead') recovered = 1
        else double = 1
        unlinkSync(marker)
      }
    }
    send(`in ${recovered} ${double} ${lock.keeperPid ?? 0} ${basename(lock.lockPath)}`)
    await replies.next()
    unlinkSync(marker)
    try {
      await releaseLock(lock.lockPath, lock.token)
    } catch (error) {
      if (error instanceof LockLostError) send('lost')
      else throw error
    }
  }
}

interface Slot {
  remaining: number
  child?: ChildProcess
}

async function coordinate(flags: Map<string, string>): Promise<number> {
  const procs = Number(flags.get('procs') ?? 16)
  const iterations = Number(flags.get('iterations') ?? 500)
  const killRate = Number(flags.get('kill-rate') ?? 0.1)
  const mode = flags.get('mode') === 'job' ? 'job' : 'process'
  const pollMs = Number(flags.get('poll') ?? 50)
  const watchdogMs = Number(flags.get('watchdog') ?? 60) * 1000
  const poolSize = Number(flags.get('pool') ?? 0)
  const target = procs * iterations
  const bundle = await bundleEntry(fileURLToPath(import.meta.url), 'lock-stress')
  const dir = mkdtempSync(join(tmpdir(), 'lock-stress-'))
  const lockPath = join(dir, 'repo.lock')
  const marker = join(dir, 'inside')
  const pool =
    poolSize > 0
      ? {
          queueDir: join(dir, 'trees.queue'),
          slots: Array.from({ length: poolSize }, (_, i) =>
            join(dir, 'trees', `tree-${i + 1}.lock`)
          )
        }
      : undefined
  console.log(
    `stress: ${procs} processes × ${iterations} acquisitions, kill rate ${killRate}, mode ${mode}, ` +
      `${pool ? `pool of ${poolSize} slots` : 'one lock'}, poll ${pollMs} ms`
  )

  let acquisitions = 0
  let kills = 0
  let recoveries = 0
  let doubles = 0
  let lost = 0
  /** Per slot (the lock file's name): acquisitions and double entries. */
  const perSlot = new Map<string, { acquisitions: number; doubles: number }>()
  let lastProgress = performance.now()
  let killedAt: number | undefined
  const recoveryMs: number[] = []
  const started = performance.now()
  const slots: Slot[] = Array.from({ length: procs }, () => ({ remaining: iterations }))
  let finish: (code: number) => void = () => undefined
  const done = new Promise<number>(resolve => (finish = resolve))

  const config = (remaining: number): WorkerConfig => ({
    lockPath,
    pool,
    marker,
    iterations: remaining,
    mode,
    pollMs,
    self: bundle.file
  })

  const launch = (slot: Slot): void => {
    const child = spawn(
      process.execPath,
      [bundle.file, '--worker', JSON.stringify(config(slot.remaining))],
      {
        stdio: ['pipe', 'pipe', 'inherit']
      }
    )
    slot.child = child
    createInterface({ input: child.stdout! }).on('line', line => {
      const [kind, recovered, double, keeperPid, slotName] = line.split(' ')
      if (kind === 'lost') lost++
      if (kind !== 'in') return
      const now = performance.now()
      lastProgress = now
      acquisitions++
      slot.remaining--
      const counts = perSlot.get(slotName) ?? { acquisitions: 0, doubles: 0 }
      counts.acquisitions++
      counts.doubles += Number(double)
      perSlot.set(slotName, counts)
      if (killedAt !== undefined) {
        recoveryMs.push(now - killedAt)
        killedAt = undefined
      }
      recoveries += Number(recovered)
      doubles += Number(double)
      if (Math.random() < killRate) {
        kills++
        killedAt = performance.now()
        child.kill('SIGKILL')
        if (Number(keeperPid) > 0) {
          try {
            process.kill(Number(keeperPid), 'SIGKILL')
          } catch {
            // already gone
          }
        }
      } else {
        child.stdin!.write('go\n')
      }
    })
    child.on('exit', () => {
      if (slot.child !== child) return
      slot.child = undefined
      if (slot.remaining > 0) launch(slot)
      else if (slots.every(s => !s.child)) finish(0)
    })
  }

  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress < watchdogMs) return
    console.log(`DEADLOCK: no acquisition for ${watchdogMs / 1000}s`)
    for (const file of pool?.slots ?? [lockPath]) {
      try {
        console.log(`${basename(file)}: ${readFileSync(file, 'utf8')}`)
      } catch {
        console.log(`${basename(file)}: (none)`)
      }
    }
    console.log(`queue: ${readdirSync(pool?.queueDir ?? `${lockPath}.queue`).join(' ')}`)
    finish(2)
  }, 1000)

  slots.forEach(launch)
  const code = await done
  clearInterval(watchdog)
  for (const slot of slots) slot.child?.kill('SIGKILL')
  const seconds = (performance.now() - started) / 1000
  printTable('lock stress results', [
    ['acquisitions', `${acquisitions} / ${target}`],
    ['kills (holders SIGKILLed)', String(kills)],
    ['recoveries (dead holder broken)', String(recoveries)],
    ['double entries (must be 0)', String(doubles)],
    ['lost locks (must be 0)', String(lost)],
    ...(pool
      ? ([
          [
            'per slot: acquisitions / double entries',
            [...perSlot.entries()]
              .sort()
              .map(([name, counts]) => `${name} ${counts.acquisitions}/${counts.doubles}`)
              .join(', ')
          ]
        ] as Array<[string, string]>)
      : []),
    ['deadlock watchdog', code === 2 ? 'FIRED' : 'quiet'],
    ['recovery time median', formatMs(median(recoveryMs))],
    ['recovery time max', formatMs(max(recoveryMs))],
    ['wall time', `${seconds.toFixed(1)} s (${(acquisitions / seconds).toFixed(0)} acquisitions/s)`]
  ])
  rmSync(dir, { recursive: true, force: true })
  bundle.remove()
  return code !== 0 || doubles > 0 || lost > 0 || acquisitions < target ? 1 : 0
}

const flags = parseFlags(process.argv.slice(2))
if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
  process.exit(0)
} else if (flags.has('worker')) {
  await runWorker(JSON.parse(flags.get('worker')!) as WorkerConfig)
  process.exit(0)
} else {
  const lockCode = await coordinate(flags)
  // Then the store and the trees together: real checkouts with SIGKILLs (bench/checkout-stress.ts).
  const checkoutCode = flags.has('no-checkout')
    ? 0
    : await runCheckoutChaos(
        new Map([
          ['procs', flags.get('checkout-procs') ?? '6'],
          ['checkouts', flags.get('checkouts') ?? '150'],
          ['trees', flags.get('trees') ?? '3'],
          ['kill-rate', flags.get('kill-rate') ?? '0.15']
        ])
      )
  process.exit(lockCode || checkoutCode)
}
