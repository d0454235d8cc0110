/**
 * Who this process is and whether another process still lives (§2.3, §2.4). The per-OS parts
 * are pure parsers with the platform passed in, so darwin and win32 can be added without
 * touching the callers; until then they answer "cannot check" and the lease rule applies.
 */
import { readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'
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

/** Pure: turns what was read about a PID into a probe answer, per platform. */
export function interpretProbe(
  platform: NodeJS.Platform,
  facts: { statContent?: string; statMissing?: boolean; signalError?: string }
): ProcessProbe {
  if (platform === 'linux' && facts.statContent !== undefined) {
    const stat = parseProcStat(facts.statContent)
    if (!stat) return { state: 'unknown' }
    // A zombie (Z) or dying (X) process has already stopped running: it holds nothing.
    if (stat.state === 'Z' || stat.state === 'X') return { state: 'dead' }
    return { state: 'running', startTime: stat.startTime }
  }
  if (platform === 'linux' && facts.statMissing) return { state: 'dead' }
  // No start time here: a PID that answers a signal may be a reused one, so "unknown", never
  // "running"; a PID that does not exist is dead on every OS.
  if (facts.signalError === 'ESRCH') return { state: 'dead' }
  return { state: 'unknown' }
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

let cachedFacts: LocalFacts | undefined

export function localFacts(platform: NodeJS.Platform = process.platform): LocalFacts {
  if (cachedFacts && cachedFacts.platform === recordPlatform(platform)) return cachedFacts
  const linux = platform === 'linux'
  const facts: LocalFacts = {
    host: hostname(),
    machineId: linux
      ? readTrimmed('/etc/machine-id') || readTrimmed('/var/lib/dbus/machine-id')
      : '',
    bootId: linux ? readTrimmed('/proc/sys/kernel/random/boot_id') : '',
    pidNamespace: linux && procIsOurs() ? readNamespace() : '',
    platform: recordPlatform(platform)
  }
  cachedFacts = facts
  return facts
}

function readNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return ''
  }
}

function signalError(pid: number): string | undefined {
  try {
    process.kill(pid, 0)
    return undefined
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unknown'
  }
}

/** Probes a PID on this machine. Never throws. */
export function probeProcess(
  pid: number,
  platform: NodeJS.Platform = process.platform
): ProcessProbe {
  if (!Number.isInteger(pid) || pid <= 0) return { state: 'unknown' }
  if (platform === 'linux' && procIsOurs()) {
    try {
      return interpretProbe(platform, { statContent: readFileSync(`/proc/${pid}/stat`, 'utf8') })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ESRCH')
        return interpretProbe(platform, { statMissing: true })
      return { state: 'unknown' }
    }
  }
  return interpretProbe(platform, { signalError: signalError(pid) })
}

/** The start token of a PID ('' when it cannot be read here). */
export function startTimeOf(pid: number, platform: NodeJS.Platform = process.platform): string {
  const probe = probeProcess(pid, platform)
  return probe.state === 'running' ? probe.startTime : ''
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
