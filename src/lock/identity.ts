/**
 * Who this process is and whether another process still lives (§2.3, §2.4), on Linux, macOS
 * and Windows. Decisions and parsers are pure with the platform passed in (here and in
 * os-identity.ts); the few OS calls (signal, run a command) are injected as `OsCalls`.
 *
 * - Linux: /proc/PID/stat start time (ticks since boot) + /proc boot_id + PID namespace.
 * - macOS: `ps` start time (UTC, whole seconds) + kern.bootsessionuuid + IOPlatformUUID.
 * - Windows: process creation time (PowerShell, else wmic) + boot time + MachineGuid.
 * Where a start time cannot be read the answer is "unknown", never "dead": the owner is then
 * judged by its heartbeat lease (§2.4).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import { withoutSecrets } from './environment.js'
import {
  bootIdQueries,
  machineIdQueries,
  SINGLE_PID_SPACE,
  startTimeQueries,
  type OsCommand,
  type OsQuery,
  type StartAnswer
} from './os-identity.js'
import type { RecordPlatform } from './record.js'

export interface LocalFacts {
  host: string
  machineId: string
  bootId: string
  pidNamespace: string
  platform: RecordPlatform
}

/** What a probe learned about a PID: gone, running (with its start token), or unknowable. */
export type ProcessProbe =
  { state: 'dead' } | { state: 'running'; startTime: string } | { state: 'unknown' }

/** The OS calls identity needs, injected so every decision around them is testable. */
export interface OsCalls {
  /** stdout of the command; '' when it failed or timed out; undefined when it is not installed. */
  run(command: OsCommand): string | undefined
  /** The error code of `process.kill(pid, 0)`; undefined when the PID exists and is ours. */
  signal(pid: number): string | undefined
  /** A monotonic clock in ms (ages of cached start times). */
  now(): number
}

/** Commands answer in well under a second; a hung one must not hang the waiter. */
const RUN_TIMEOUT_MS = 15_000

/**
 * The environment of an identity command: ours without secrets (environment.ts), which ps or
 * PowerShell have no use for.
 */
export function commandEnv(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string> = {}
): NodeJS.ProcessEnv {
  return withoutSecrets(base, extra)
}

export const systemCalls: OsCalls = {
  run(command) {
    try {
      return execFileSync(command.file, command.args, {
        encoding: 'utf8',
        env: commandEnv(process.env, command.env),
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: RUN_TIMEOUT_MS,
        windowsHide: true
      })
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : ''
    }
  },
  signal(pid) {
    try {
      process.kill(pid, 0)
      return undefined
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? 'unknown'
    }
  },
  now: () => performance.now()
}

export function recordPlatform(platform: NodeJS.Platform): RecordPlatform {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux'
}

/**
 * Parses /proc/PID/stat: the command name (field 2) sits in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the LAST ')'. Returns the state (field 3)
 * and the start time in clock ticks since boot (field 22), or undefined when malformed.
 */
export function parseProcStat(content: string): { state: string; startTime: string } | undefined {
  const close = content.lastIndexOf(')')
  if (close < 0) return undefined
  const fields = content
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const state = fields[0]
  const startTime = fields[19]
  if (!state || !startTime || !/^\d+$/.test(startTime)) return undefined
  return { state, startTime }
}

/** What was read about a PID, by whichever means the platform has. */
export interface ProbeFacts {
  /** Linux: content of /proc/PID/stat. */
  statContent?: string
  /** Linux: /proc/PID does not exist. */
  statMissing?: boolean
  /** Error code of `kill(pid, 0)` (undefined: delivered). */
  signalError?: string
  /** macOS/Windows: the start-time query's answer (undefined: unreadable). */
  start?: StartAnswer
}

/** Pure: turns what was read about a PID into a probe answer, per platform. */
export function interpretProbe(platform: NodeJS.Platform, facts: ProbeFacts): ProcessProbe {
  if (platform === 'linux' && facts.statContent !== undefined) {
    const stat = parseProcStat(facts.statContent)
    if (!stat) return { state: 'unknown' }
    // A zombie (Z) or dying (X) process has already stopped running: it holds nothing.
    if (stat.state === 'Z' || stat.state === 'X') return { state: 'dead' }
    return { state: 'running', startTime: stat.startTime }
  }
  if (platform === 'linux' && facts.statMissing) return { state: 'dead' }
  // A PID that does not exist is dead on every OS. EPERM: it exists, owned by another user.
  if (facts.signalError === 'ESRCH') return { state: 'dead' }
  if (facts.signalError !== undefined && facts.signalError !== 'EPERM') return { state: 'unknown' }
  // Without a start time a PID that answers may be a reused one: "unknown", never "running".
  if (platform === 'linux' || !facts.start) return { state: 'unknown' }
  if (facts.start.zombie) return { state: 'dead' }
  return { state: 'running', startTime: facts.start.startTime }
}

/**
 * Start-time commands: the first one installed answers, so one machine always reads owners
 * the same way (two tools could format one instant differently in corner cases).
 */
export function askFirstInstalled<T>(queries: OsQuery<T>[], calls: OsCalls): T | undefined {
  for (const query of queries) {
    const stdout = calls.run(query.command)
    if (stdout !== undefined) return query.parse(stdout)
  }
  return undefined
}

/** Id commands: the first usable answer (an older OS lacks the preferred one). */
export function askFirstAnswer<T>(queries: OsQuery<T>[], calls: OsCalls): T | undefined {
  for (const query of queries) {
    const stdout = calls.run(query.command)
    const answer = stdout === undefined ? undefined : query.parse(stdout)
    if (answer !== undefined) return answer
  }
  return undefined
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
  }
}

/**
 * True when /proc shows this process's own PID namespace (a PID namespace without its own /proc
 * mount would otherwise make us read another process's start time).
 */
function procIsOurs(): boolean {
  try {
    return readlinkSync('/proc/self') === String(process.pid)
  } catch {
    return false
  }
}

function readNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return ''
  }
}

let cachedFacts: LocalFacts | undefined

/** Facts about this machine and boot; computed once per process for the real OS. */
export function localFacts(
  platform: NodeJS.Platform = process.platform,
  calls: OsCalls = systemCalls
): LocalFacts {
  const cacheable = calls === systemCalls
  if (cacheable && cachedFacts && cachedFacts.platform === recordPlatform(platform))
    return cachedFacts
  const facts: LocalFacts =
    platform === 'linux'
      ? {
          host: hostname(),
          machineId: readTrimmed('/etc/machine-id') || readTrimmed('/var/lib/dbus/machine-id'),
          bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
          pidNamespace: procIsOurs() ? readNamespace() : '',
          platform: 'linux'
        }
      : {
          host: hostname(),
          machineId: askFirstAnswer(machineIdQueries(platform), calls) ?? '',
          bootId: askFirstAnswer(bootIdQueries(platform), calls) ?? '',
          pidNamespace: platform === 'darwin' || platform === 'win32' ? SINGLE_PID_SPACE : '',
          platform: recordPlatform(platform)
        }
  if (cacheable) cachedFacts = facts
  return facts
}

function probeLinuxProc(pid: number): ProcessProbe {
  try {
    return interpretProbe('linux', { statContent: readFileSync(`/proc/${pid}/stat`, 'utf8') })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return interpretProbe('linux', { statMissing: true })
    return { state: 'unknown' }
  }
}

function probeWith(
  pid: number,
  platform: NodeJS.Platform,
  calls: OsCalls,
  readStart: (pid: number) => StartAnswer | undefined
): ProcessProbe {
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'unknown' }
  if (platform === 'linux' && calls === systemCalls && procIsOurs()) return probeLinuxProc(pid)
  const signalError = calls.signal(pid)
  // Existence first (cheap); the start-time command runs only for a PID that exists.
  if (platform === 'linux' || (signalError !== undefined && signalError !== 'EPERM')) {
    return interpretProbe(platform, { signalError })
  }
  return interpretProbe(platform, { signalError, start: readStart(pid) })
}

/** Probes a PID on this machine, reading its start time afresh. Never throws. */
export function probeProcess(
  pid: number,
  platform: NodeJS.Platform = process.platform,
  calls: OsCalls = systemCalls
): ProcessProbe {
  return probeWith(pid, platform, calls, id =>
    askFirstInstalled(startTimeQueries(platform, id), calls)
  )
}

/**
 * How long a start time read by a command is reused. Safe in both directions: a start time
 * that differed proves the owner gone forever, and one that matched can only turn stale by the
 * owner dying, which ESRCH (checked on every probe) catches at once; only a PID reused within
 * this window is noticed late. Keeps waiters from running PowerShell every poll.
 */
export const START_TIME_REUSE_MS = 15_000

/**
 * A probe for waiters and keepers, which ask about the same PIDs every poll: on macOS and
 * Windows it re-reads a start time only when the cached one is older than `reuseMs`.
 */
export function createProber(
  platform: NodeJS.Platform = process.platform,
  calls: OsCalls = systemCalls,
  reuseMs = START_TIME_REUSE_MS
): (pid: number) => ProcessProbe {
  const cache = new Map<number, { start: StartAnswer; readAt: number }>()
  const readStart = (pid: number): StartAnswer | undefined => {
    const cached = cache.get(pid)
    if (cached && calls.now() - cached.readAt < reuseMs) return cached.start
    const start = askFirstInstalled(startTimeQueries(platform, pid), calls)
    if (start) cache.set(pid, { start, readAt: calls.now() })
    else cache.delete(pid)
    return start
  }
  return pid => {
    const probe = probeWith(pid, platform, calls, readStart)
    if (probe.state === 'dead') cache.delete(pid)
    return probe
  }
}

let ownStartTime: string | undefined

/** The start token of a PID ('' when it cannot be read here). */
export function startTimeOf(
  pid: number,
  platform: NodeJS.Platform = process.platform,
  calls: OsCalls = systemCalls
): string {
  // Our own PID cannot be reused while we run: read it once (guards are taken often).
  const own = pid === process.pid && platform === process.platform && calls === systemCalls
  if (own && ownStartTime) return ownStartTime
  const probe = probeProcess(pid, platform, calls)
  const startTime = probe.state === 'running' ? probe.startTime : ''
  if (own && startTime) ownStartTime = startTime
  return startTime
}

/**
 * True only when `pid` is running with the given start token. Used before signalling a
 * process we started earlier, so a reused PID is never signalled.
 */
export function isSameProcess(pid: number, startTime: string): boolean {
  if (!startTime) return false
  const probe = probeProcess(pid)
  return probe.state === 'running' && probe.startTime === startTime
}
