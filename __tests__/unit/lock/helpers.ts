/** Shared by the lock tests: temp dirs, holder processes (testkit/lock-holder.ts), records. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { forceLinklessFromEnv } from '../../../testkit/linkless.js'

// LOCK_FORCE_LINKLESS=1: every lock file of the suite goes through the O_EXCL fallback (§2.2).
forceLinklessFromEnv()

export const ROOT = process.cwd()
export const HOLDER = resolve(ROOT, 'testkit/lock-holder.ts')
export const KEEPER_OPTIONS = { keeperEntry: HOLDER, keeperExecArgv: ['--import', 'tsx'] }

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

export function startHolder(args: string[], command?: string[]): Holder {
  const argv = [...(command ?? []), process.execPath, '--import', 'tsx', HOLDER, ...args]
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
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
      if (Date.now() > deadline) throw new Error(`no "${event}" within ${timeoutMs} ms`)
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

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
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
