/**
 * The one decision that may break a lock (§2.4), kept pure: it is handed what the waiter read
 * and observed, and the process probe, and answers stale or not with a reason for the log.
 * A lock is broken only on proof: never because something "cannot be checked".
 */
import type { LocalFacts, ProcessProbe } from './identity.js'
import { isTimeDerivedBootId } from './os-identity.js'
import type { LockOwner, LockRecord } from './record.js'

export interface Observation {
  /** How long this waiter has seen the file unchanged (content and mtime), on its monotonic clock. */
  unchangedForMs: number
  /** Now minus the file's mtime on the local clock (meaningless across hosts, hence the max). */
  localAgeMs: number
}

export interface StalenessInput {
  /** The parsed file, or undefined when it was empty, half-written or not a record. */
  record: LockRecord | undefined
  local: LocalFacts
  probe: (pid: number) => ProcessProbe
  observation: Observation
  /** The waiter's own lease; the longer of it and the record's applies. */
  ownLeaseMs: number
  abandonedAfterMs: number
}

export type StaleRule = 'abandoned' | 'rebooted' | 'owners' | 'lease'

export interface Verdict {
  stale: boolean
  rule: StaleRule
  reason: string
}

type OwnerState = 'alive' | 'dead' | 'unknown'

function ownerState(owner: LockOwner, probe: ProcessProbe): OwnerState {
  if (probe.state === 'dead') return 'dead'
  if (probe.state === 'unknown' || !owner.startTime) return 'unknown'
  // Same PID, other start time: the owner died and its PID was reused (§2.3).
  return probe.startTime === owner.startTime ? 'alive' : 'dead'
}

const known = (a: string, b: string): boolean => a !== '' && a === b

const provesBoot = (bootId: string): boolean => bootId !== '' && !isTimeDerivedBootId(bootId)

/** True when the record was written on this machine, in this boot and PID namespace. */
function ownersCheckable(record: LockRecord, local: LocalFacts): boolean {
  return (
    record.host === local.host &&
    record.platform === local.platform &&
    known(record.machineId, local.machineId) &&
    known(record.bootId, local.bootId) &&
    known(record.pidNamespace, local.pidNamespace)
  )
}

export function judgeStaleness(input: StalenessInput): Verdict {
  const { record, local, observation } = input
  if (!record) {
    const ageMs = Math.max(observation.localAgeMs, observation.unchangedForMs)
    const stale = ageMs >= input.abandonedAfterMs
    return {
      stale,
      rule: 'abandoned',
      reason: stale
        ? `empty or unreadable for ${Math.round(ageMs)} ms: abandoned`
        : `empty or unreadable, only ${Math.round(ageMs)} ms old: may still be being written`
    }
  }
  const sameMachine = record.host === local.host && known(record.machineId, local.machineId)
  // Only real boot ids (Linux boot_id, macOS boot session uuid) prove a reboot: a boot time
  // moves when the clock is stepped, so a differing one only disables the owner check below.
  if (
    sameMachine &&
    provesBoot(record.bootId) &&
    provesBoot(local.bootId) &&
    record.bootId !== local.bootId
  ) {
    return { stale: true, rule: 'rebooted', reason: 'this host rebooted since it was taken' }
  }
  if (ownersCheckable(record, local) && record.owners.length > 0) {
    const states = record.owners.map(owner => ownerState(owner, input.probe(owner.pid)))
    const pids = record.owners.map(owner => owner.pid).join(', ')
    if (states.includes('alive')) {
      return { stale: false, rule: 'owners', reason: `an owner (pid ${pids}) is alive` }
    }
    if (states.every(state => state === 'dead')) {
      return { stale: true, rule: 'owners', reason: `every owner (pid ${pids}) has exited` }
    }
  }
  // Another host, another container, or an owner we cannot check: only the heartbeat tells.
  const leaseMs = Math.max(input.ownLeaseMs, record.leaseMs)
  const stale = observation.unchangedForMs >= leaseMs
  return {
    stale,
    rule: 'lease',
    reason: stale
      ? `no heartbeat seen for ${Math.round(observation.unchangedForMs)} ms (lease ${leaseMs} ms)`
      : `owner not checkable from here; heartbeat lease ${leaseMs} ms not expired`
  }
}
