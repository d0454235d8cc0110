/** Shared by the lock tests: temp dirs, holder processes (testkit/lock-holder.ts), records. */
import { afterAll } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createExclusive, fileOps, randomHex } from '../../../src/lock/atomic.js'
import { buildRecord, createContext, type LockContext } from '../../../src/lock/context.js'
import { probeProcess } from '../../../src/lock/identity.js'
import { mtimeStepMs } from '../../../src/lock/observation.js'
import {
  encodeRecord,
  parseRecord,
  type LockOwner,
  type LockRecord
} from '../../../src/lock/record.js'
import { bundleLockHolder, type LockBundle } from '../../../testkit/lock-bundle.js'
import { forceLinklessFromEnv } from '../../../testkit/linkless.js'

// LOCK_FORCE_LINKLESS=1: every lock file of the suite goes through the O_EXCL fallback (§2.2).
forceLinklessFromEnv()

let bundle: LockBundle | undefined
afterAll(() => bundle?.remove())

/**
 * testkit/lock-holder.ts as one .mjs (testkit/lock-bundle.ts), built once per test file: holders
 * and keepers start three times faster than through tsx, and any user can run it (13.11).
 */
export function holderBundle(): LockBundle {
  bundle ??= bundleLockHolder()
  return bundle
}

/** acquireLock options for job-mode tests in this process: the bundled holder is the keeper. */
export function keeperOptions(): { keeperEntry: string; keeperExecArgv: string[] } {
  return { keeperEntry: holderBundle().file, keeperExecArgv: [] }
}

export interface HolderEvent {
  event: string
  [field: string]: unknown
}

export interface Holder {
  child: ChildProcess
  events: HolderEvent[]
  next(event: string, timeoutMs?: number): Promise<HolderEvent>
  exited: Promise<number | null>
}

const live = new Set<ChildProcess>()

/**
 * Starts the bundled testkit/lock-holder.ts; `command` prefixes it (env, setpriv, unshare …).
 * It runs in the bundle's world-readable directory, so any user can start it.
 */
export function startHolder(args: string[], command?: string[]): Holder {
  const { file, dir } = holderBundle()
  const argv = [...(command ?? []), process.execPath, file, ...args]
  const child = spawn(argv[0], argv.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  live.add(child)
  const events: HolderEvent[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout! }).on('line', line => {
    try {
      events.push(JSON.parse(line) as HolderEvent)
    } catch {
      return
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>(resolveExit =>
    child.on('exit', code => {
      live.delete(child)
      resolveExit(code)
      for (const wake of waiters.splice(0)) wake()
    })
  )
  let consumed = 0
  const next = async (event: string, timeoutMs = 30_000): Promise<HolderEvent> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = events.findIndex((e, i) => i >= consumed && e.event === event)
      if (index >= 0) {
        consumed = index + 1
        return events[index]
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`holder exited before "${event}": ${JSON.stringify(events)}`)
      }
      if (Date.now() > deadline) {
        throw new Error(`no "${event}" within ${timeoutMs} ms; seen: ${JSON.stringify(events)}`)
      }
      await new Promise<void>(wake => {
        waiters.push(wake)
        setTimeout(wake, 100)
      })
    }
  }
  return { child, events, next, exited }
}

export function killAllHolders(): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

/**
 * LOCK_TEST_DIR puts every test's lock directory elsewhere, e.g. on the link-less exFAT mount
 * of bench/linkless-suite.sh.
 */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(process.env.LOCK_TEST_DIR || tmpdir(), 'lock-test-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A PID that was just used by a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn('true')
  await new Promise(resolveExit => child.on('exit', resolveExit))
  return child.pid!
}

/** A long-lived process (a stand-in job anchor) that the test can kill. */
export function startSleeper(): ChildProcess {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' })
  live.add(child)
  return child
}

/** Kills a process and waits until it is gone (its PID then probes as dead). */
export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolveExit => child.once('exit', resolveExit))
  child.kill('SIGKILL')
  await exited
}

/**
 * Writes a lock record into `lockPath` (exclusively, as a holder would): `changes` forge what
 * another host, boot or job would have written. Returns its token.
 */
export function plantLock(
  lockPath: string,
  owners: LockOwner[],
  changes: Partial<LockRecord> = {},
  context: LockContext = createContext()
): string {
  const token = randomHex(16)
  const record = { ...buildRecord(context, 'lock', token, owners), ...changes, token }
  if (!createExclusive(lockPath, encodeRecord(record))) throw new Error(`${lockPath} exists`)
  return token
}

/** The token in the lock file at `lockPath` (undefined when missing or unreadable). */
export function tokenAt(lockPath: string): string | undefined {
  try {
    return parseRecord(readFileSync(lockPath, 'utf8'))?.token
  } catch {
    return undefined
  }
}

/**
 * True when lock files in `dir` can be hard-linked: not on exFAT (bench/linkless-suite.sh) nor
 * under LOCK_FORCE_LINKLESS=1, where a set-aside file is put back as a copy (a new inode) and a
 * release takes its own guard instead of linking the lock.
 */
export function hardLinksWork(dir: string): boolean {
  const probe = join(dir, '.link-probe')
  writeFileSync(probe, '')
  try {
    fileOps.link(probe, `${probe}-2`)
    rmSync(`${probe}-2`)
    return true
  } catch {
    return false
  } finally {
    rmSync(probe)
  }
}

/** The mtime step the lease rule allows for in `dir` (2 s on FAT/exFAT, else 0). */
export function mtimeStepIn(dir: string): number {
  const probe = join(dir, '.mtime-probe')
  writeFileSync(probe, '')
  try {
    return mtimeStepMs({ content: '', ino: 0, size: 0, mtimeMs: statSync(probe).mtimeMs })
  } finally {
    rmSync(probe)
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise(resolveSleep => setTimeout(resolveSleep, ms))

/**
 * True while `pid` runs. An exited process that nobody has reaped yet (a zombie: a keeper whose
 * parent is gone waits for init to reap it, which can take a second) does not run.
 */
export function isRunning(pid: number): boolean {
  return probeProcess(pid).state !== 'dead'
}

export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(wake => setTimeout(wake, 20))
  }
}
