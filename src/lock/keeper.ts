/**
 * The keeper: a detached process that co-owns a job lock (DESIGN "The lock"). It lives as long
 * as the job (the runner kills it at job end through RUNNER_TRACKING_ID, which it inherits),
 * heartbeats the lock for waiters that cannot check PIDs, and releases the lock itself when the
 * job anchor dies.
 *
 * Start-up overlaps the wait and the caller's work (issue 12.6): acquireLock spawns the keeper
 * once it is queued and writes its PID and start time into the lock record straight away; it
 * never waits for the keeper to start. Which lock the keeper keeps (a slot of a pool is known
 * only once taken) reaches it over an inherited socket (fd 3): one line `{"lockPath": …}`
 * written after the lock exists. The socket buffers it, so a keeper that starts after its lock
 * exists, or after its acquirer has exited, still reads it; it then checks its token in that
 * lock and answers `holding`, which resolves `keeperReady`. End of stream without a line means
 * the acquisition was given up. A keeper that never starts leaves a lock whose owners are the
 * job anchor and a dead keeper: it is recovered once the job's anchor exits (§2.4).
 */
import { spawn } from 'node:child_process'
import { Socket } from 'node:net'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { touchIfToken } from './atomic.js'
import { createContext, type LockContext, type LockTimings } from './context.js'
import { withoutSecrets } from './environment.js'
import { removeLockIfToken } from './guard.js'
import { probeProcess, startTimeOf, type ProcessProbe } from './identity.js'
import { slotFilesFor } from './paths.js'
import { parseRecord } from './record.js'

const ENV_FLAG = 'SHARED_CHECKOUT_LOCK_KEEPER'
const ENV_CONFIG = 'SHARED_CHECKOUT_LOCK_KEEPER_CONFIG'
/** How often a keeper whose lock is not yet taken checks that its job and acquirer live. */
const WAIT_FOR_LOCK_POLL_MS = 500
/**
 * How often a keeper holding the lock checks its job anchor. A crashed worker gets no orphan
 * cleanup, so this bounds how long the next job waits for a killed one (issue 3: < 2 s). Cheap:
 * a /proc read (a kill(pid, 0) and a cached start time on macOS/Windows).
 */
const ANCHOR_CHECK_MS = 250
/** From the moment the keeper is told its lock until it must have answered. */
const READY_TIMEOUT_MS = 30_000
/** The inherited socket between acquirer and keeper. */
const CHANNEL_FD = 3
const HOLDING = 'holding'

export interface ProcessRef {
  pid: number
  startTime: string
}

export interface KeeperConfig extends LockTimings {
  token: string
  acquirer: ProcessRef
  anchor?: ProcessRef
}

export function isKeeperInvocation(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ENV_FLAG] === '1'
}

/** Pure: the keeper's environment — the caller's without secrets (issue 12.4), plus its config. */
export function keeperEnvironment(
  base: NodeJS.ProcessEnv,
  config: KeeperConfig
): NodeJS.ProcessEnv {
  return withoutSecrets(base, { [ENV_FLAG]: '1', [ENV_CONFIG]: JSON.stringify(config) })
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
  /** Tells the keeper which lock it keeps; call once, after the lock exists. */
  hold(lockPath: string): void
  /** The acquisition was given up: the keeper is told so and stopped. */
  abandon(): void
  /** Why the keeper is known not to run (it exited or failed to start), else undefined. */
  failure(): Error | undefined
  /** Resolves once the keeper found its token in the lock; rejects if it never does. */
  ready: Promise<void>
}

function keeperError(entry: string, problem: Error): Error {
  return new Error(
    `The lock keeper (${process.execPath} ${entry}) is not running: ${problem.message}. ` +
      'The keeper entry must call runKeeper() when isKeeperInvocation(process.env).'
  )
}

export function startKeeper(options: StartKeeperOptions): StartedKeeper {
  const entry = resolve(options.entry)
  const child = spawn(process.execPath, [...options.execArgv, entry], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: keeperEnvironment(process.env, options.config)
  })
  if (child.pid === undefined) throw new Error(`Could not start the lock keeper (${entry}).`)
  const ref: ProcessRef = { pid: child.pid, startTime: startTimeOf(child.pid) }
  const channel = child.stdio[CHANNEL_FD] as Socket
  let failure: Error | undefined
  let settled = false
  let timer: NodeJS.Timeout | undefined
  let finish: (problem?: Error) => void = () => undefined
  const ready = new Promise<void>((resolveReady, reject) => {
    finish = problem => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      channel.removeAllListeners('data')
      channel.destroy()
      child.removeAllListeners()
      // From now on the keeper lives on its own: it must not keep the acquirer alive.
      child.unref()
      if (!problem) return resolveReady()
      failure = keeperError(entry, problem)
      reject(failure)
    }
    let received = ''
    channel.setEncoding('utf8')
    channel.on('data', (chunk: string) => {
      received += chunk
      if (received.split('\n').includes(HOLDING)) finish()
    })
    channel.on('error', () => undefined)
    child.on('error', error => finish(error))
    child.on('exit', (code, signal) =>
      finish(new Error(`it exited (${signal ?? `code ${code}`}) before it held the lock`))
    )
  })
  // Callers that never await it (or give up first) must not see an unhandled rejection.
  ready.catch(() => undefined)
  return {
    ...ref,
    ready,
    failure: () => failure,
    hold(lockPath) {
      // The first write of a socket goes out at once (libuv tries it synchronously), so the
      // line is in the keeper's receive buffer even if this process exits right after.
      channel.write(`${JSON.stringify({ lockPath })}\n`)
      timer = setTimeout(
        () => finish(new Error(`it did not report within ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS
      )
    },
    abandon() {
      finish(new Error('the acquisition was given up'))
      stopProcess(ref)
    }
  }
}

function readConfig(env: NodeJS.ProcessEnv): KeeperConfig {
  const text = env[ENV_CONFIG]
  if (!text) throw new Error(`${ENV_CONFIG} is not set: not started as a lock keeper`)
  return JSON.parse(text) as KeeperConfig
}

function openChannel(): Socket | undefined {
  try {
    const channel = new Socket({ fd: CHANNEL_FD, readable: true, writable: true })
    channel.on('error', () => undefined)
    return channel
  } catch {
    return undefined // started by hand, without the socket: nothing tells it its lock
  }
}

/**
 * Waits for the acquirer's line naming the lock. Undefined when the acquisition was given up
 * (end of stream), or the acquirer or the job anchor died first.
 */
function receiveLockPath(
  channel: Socket,
  config: KeeperConfig,
  context: LockContext
): Promise<string | undefined> {
  return new Promise(resolveLine => {
    let received = ''
    const done = (lockPath: string | undefined): void => {
      clearInterval(check)
      channel.removeAllListeners('data').removeAllListeners('end').removeAllListeners('close')
      resolveLine(lockPath)
    }
    const check = setInterval(
      () => {
        const gone = isGone(config.acquirer, context.probe)
        if (gone || (config.anchor && isGone(config.anchor, context.probe))) done(undefined)
      },
      Math.min(WAIT_FOR_LOCK_POLL_MS, context.heartbeatMs)
    )
    channel.setEncoding('utf8')
    channel.on('data', (chunk: string) => {
      received += chunk
      const newline = received.indexOf('\n')
      if (newline < 0) return
      try {
        const { lockPath } = JSON.parse(received.slice(0, newline)) as { lockPath?: unknown }
        done(typeof lockPath === 'string' ? lockPath : undefined)
      } catch {
        done(undefined)
      }
    })
    channel.on('end', () => done(undefined))
    channel.on('close', () => done(undefined))
  })
}

function tokenCheck(token: string): (content: string) => boolean {
  return content => parseRecord(content)?.token === token
}

/** The keeper's whole life. Resolves when it should exit. */
export async function runKeeper(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = readConfig(env)
  const context = createContext(config)
  const isOurs = tokenCheck(config.token)
  // SIGTERM (job end, or post after releasing) ends it without releasing; the cancellation
  // SIGINT is for the step, not for the job's lock.
  process.on('SIGTERM', () => process.exit(0))
  process.on('SIGINT', () => undefined)
  process.on('SIGHUP', () => undefined)

  const channel = openChannel()
  if (!channel) return
  const lockPath = await receiveLockPath(channel, config, context)
  // The lock must carry our token: it may already have been released (or lost) meanwhile.
  if (!lockPath || touchIfToken(lockPath, isOurs) !== 'touched') {
    channel.destroy()
    return
  }
  channel.end(`${HOLDING}\n`)
  const files = slotFilesFor(lockPath)

  const checkEveryMs = config.anchor
    ? Math.min(ANCHOR_CHECK_MS, context.heartbeatMs)
    : context.heartbeatMs
  let nextHeartbeatAt = performance.now() + context.heartbeatMs
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
