/**
 * The keeper: a detached process that co-owns a job lock (DESIGN "The lock"). Main starts it
 * before taking the lock; it lives as long as the job (the runner kills it at job end through
 * RUNNER_TRACKING_ID, which it inherits), heartbeats the lock for waiters that cannot check
 * PIDs, and releases the lock itself when the job anchor dies.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { readNoFollow, touchIfToken } from './atomic.js'
import { createContext, type LockTimings } from './context.js'
import { removeLockIfToken } from './guard.js'
import { probeProcess, startTimeOf, type ProcessProbe } from './identity.js'
import { lockFilesFor } from './paths.js'
import { queueHasToken } from './queue.js'
import { parseRecord } from './record.js'

const ENV_FLAG = 'SHARED_CHECKOUT_LOCK_KEEPER'
const ENV_CONFIG = 'SHARED_CHECKOUT_LOCK_KEEPER_CONFIG'
/** How often a keeper whose lock is not yet taken looks for it. */
const WAIT_FOR_LOCK_POLL_MS = 500
/**
 * How often a keeper holding the lock checks its job anchor. A crashed worker gets no orphan
 * cleanup, so this bounds how long the next job waits for a killed one (issue 3: < 2 s). Cheap:
 * a /proc read (a kill(pid, 0) and a cached start time on macOS/Windows).
 */
const ANCHOR_CHECK_MS = 250
const READY_TIMEOUT_MS = 30_000
/** The keeper reports readiness on this inherited pipe. */
const READY_FD = 3

export interface ProcessRef {
  pid: number
  startTime: string
}

export interface KeeperConfig extends LockTimings {
  lockPath: string
  token: string
  acquirer: ProcessRef
  anchor?: ProcessRef
}

export function isKeeperInvocation(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ENV_FLAG] === '1'
}

/** Gone for sure: no such process, or its PID now belongs to another one. Unknown is alive. */
export function isGone(
  ref: ProcessRef,
  probeOf: (pid: number) => ProcessProbe = probeProcess
): boolean {
  const probe = probeOf(ref.pid)
  if (probe.state === 'dead') return true
  return probe.state === 'running' && ref.startTime !== '' && probe.startTime !== ref.startTime
}

/** Signals `ref` only if it is still the very process we started (never a reused PID). */
export function stopProcess(ref: ProcessRef): boolean {
  if (!ref.startTime || startTimeOf(ref.pid) !== ref.startTime) return false
  try {
    process.kill(ref.pid, 'SIGTERM')
    return true
  } catch {
    return false
  }
}

export interface StartKeeperOptions {
  config: KeeperConfig
  entry: string
  execArgv: string[]
}

export interface StartedKeeper extends ProcessRef {
  /** Resolves once the keeper runs runKeeper; rejects when the entry does not dispatch to it. */
  ready: Promise<void>
}

export function startKeeper(options: StartKeeperOptions): StartedKeeper {
  const entry = resolve(options.entry)
  const child: ChildProcess = spawn(process.execPath, [...options.execArgv, entry], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    // Inherits RUNNER_TRACKING_ID, so the runner ends the keeper with the job.
    env: { ...process.env, [ENV_FLAG]: '1', [ENV_CONFIG]: JSON.stringify(options.config) }
  })
  if (child.pid === undefined) throw new Error(`Could not start the lock keeper (${entry}).`)
  const pid = child.pid
  const startTime = startTimeOf(pid)
  const pipe = child.stdio[READY_FD] as NodeJS.ReadableStream & { destroy(): void }
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () => finish(new Error('it did not start within 30 s')),
      READY_TIMEOUT_MS
    )
    const finish = (problem?: Error): void => {
      clearTimeout(timer)
      pipe.removeAllListeners()
      pipe.destroy()
      child.removeAllListeners()
      child.unref()
      if (!problem) return resolveReady()
      reject(
        new Error(
          `The lock keeper (${process.execPath} ${entry}) is not running: ${problem.message}. ` +
            'The keeper entry must call runKeeper() when isKeeperInvocation(process.env).'
        )
      )
    }
    pipe.on('data', () => finish())
    pipe.on('error', () => undefined)
    child.on('error', error => finish(error))
    child.on('exit', code => finish(new Error(`it exited with code ${code} before it was ready`)))
  })
  // Callers that give up before awaiting must not see an unhandled rejection.
  ready.catch(() => undefined)
  return { pid, startTime, ready }
}

function readConfig(env: NodeJS.ProcessEnv): KeeperConfig {
  const text = env[ENV_CONFIG]
  if (!text) throw new Error(`${ENV_CONFIG} is not set: not started as a lock keeper`)
  return JSON.parse(text) as KeeperConfig
}

function reportReady(): void {
  try {
    writeSync(READY_FD, 'ready\n')
    closeSync(READY_FD)
  } catch {
    // Started by hand without the pipe: nothing to report to.
  }
}

function tokenCheck(token: string): (content: string) => boolean {
  return content => parseRecord(content)?.token === token
}

/** The keeper's whole life. Resolves when it should exit. */
export async function runKeeper(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = readConfig(env)
  const files = lockFilesFor(config.lockPath)
  const context = createContext(config)
  const isOurs = tokenCheck(config.token)
  // SIGTERM (job end, or post after releasing) ends it without releasing; the cancellation
  // SIGINT is for the step, not for the job's lock.
  process.on('SIGTERM', () => process.exit(0))
  process.on('SIGINT', () => undefined)
  process.on('SIGHUP', () => undefined)
  reportReady()

  // Until the lock carries our token, the acquirer is still waiting (or gave up, or died).
  // It leaves the queue only after creating the lock, so the queue is read first: no entry
  // and no lock with our token means it gave up, or its lock is already gone.
  for (;;) {
    const waiting = queueHasToken(files, config.token)
    const outcome = readNoFollow(files.lockPath)
    if (outcome.kind === 'file' && isOurs(outcome.snapshot.content)) break
    if (!waiting || isGone(config.acquirer, context.probe)) return
    if (config.anchor && isGone(config.anchor, context.probe)) return
    await sleep(Math.min(WAIT_FOR_LOCK_POLL_MS, context.heartbeatMs))
  }

  const checkEveryMs = config.anchor
    ? Math.min(ANCHOR_CHECK_MS, context.heartbeatMs)
    : context.heartbeatMs
  let nextHeartbeatAt = 0
  for (;;) {
    if (config.anchor && isGone(config.anchor, context.probe)) {
      // The job is over without its post step having released: release for it (§2.4).
      await removeLockIfToken(files, context, config.token)
      return
    }
    const now = performance.now()
    if (now >= nextHeartbeatAt) {
      if (touchIfToken(files.lockPath, isOurs) !== 'touched') return
      nextHeartbeatAt = now + context.heartbeatMs
    }
    await sleep(Math.min(checkEveryMs, nextHeartbeatAt - now))
  }
}
