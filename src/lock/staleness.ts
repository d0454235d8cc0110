/**
 * The one decision that may break a lock (§2.4), kept pure: it is handed what the waiter read
 * and observed, and the process probe, and answers stale or not with a reason for the log.
 * A lock is broken only on proof: never because something "cannot be checked".
 */
import type { LocalFacts, ProcessProbe } from './identity.js'
import type { LockOwner, LockRecord } from './record.js'

export interface Observation {
  /** How long this waiter has seen the file unchanged (content and mtime), on its monotonic clock. */
  unchangedForMs: number
  /** Now minus the file's mtime on the local clock (meaningless across hosts, hence the max). */
  localAgeMs: number
  /**
   * How coarse the file's mtime may be (observation.ts): on FAT/exFAT a heartbeat moves it only
   * once a second or two, so the lease is lengthened by this much. 0 for fine timestamps.
   */
  mtimeStepMs?: number
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

export type StaleRule = 'abandoned' | 'owners' | 'lease'

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
  // A different boot id never breaks a lock by itself (issue 13.3): cloned VMs and containers
  // that share a network root have the same host name and machine id but each its own boot
  // id, so "this host rebooted" cannot be told from "another machine with the same name". It
  // only makes the owners uncheckable from here, and the lease decides below: after a real
  // reboot the lock is recovered once nobody has moved its heartbeat for the lease.
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
  // Another host, another boot or container, or an owner we cannot check: only the heartbeat
  // tells, seen unchanged on this waiter's own monotonic clock.
  const leaseMs = Math.max(input.ownLeaseMs, record.leaseMs) + (observation.mtimeStepMs ?? 0)
  const stale = observation.unchangedForMs >= leaseMs
  const otherBoot =
    record.host === local.host &&
    known(record.machineId, local.machineId) &&
    record.bootId !== local.bootId
  const why = otherBoot ? ' (same host name and machine id, another boot id)' : ''
  return {
    stale,
    rule: 'lease',
    reason: stale
      ? `no heartbeat seen for ${Math.round(observation.unchangedForMs)} ms (lease ${leaseMs} ms)${why}`
      : `owner not checkable from here${why}; heartbeat lease ${leaseMs} ms not expired`
  }
}
