/**
 * What one acquisition waits for: a pool of slot locks behind one FIFO queue (§2.7 across the
 * pool), or a single lock, which is a pool of one with the v1 file names (`${lock}.queue/`).
 * Pure decisions about a pool's slots live here too.
 */
import { resolve } from 'node:path'
import type { SlotHolder } from './describe.js'
import { LockOptionError } from './errors.js'
import type { LocalFacts } from './identity.js'
import { lockFilesFor } from './paths.js'
import type { LockOwner, LockRecord } from './record.js'

export interface LockPool {
  /** The FIFO queue shared by every slot (a directory). */
  queueDir: string
  /** The slots' lock files, most preferred first; called again at each try (it may change). */
  slots(): string[]
}

export interface Target {
  queueDir: string
  /** The slots now: absolute, most preferred first, checked. */
  slots(): string[]
  /** A single lock rather than a pool (messages keep their v1 wording). */
  single: boolean
  /** What messages and errors name: the lock, or the pool's queue directory. */
  name: string
}

const SLOTS_ACCEPTED = 'a non-empty list of distinct lock file paths, none of them the queue'

function checkedSlots(slots: unknown, queueDir: string): string[] {
  if (!Array.isArray(slots) || slots.length === 0) {
    throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED)
  }
  const resolved = slots.map(slot => {
    if (typeof slot !== 'string' || slot === '') {
      throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED)
    }
    return resolve(slot)
  })
  if (new Set(resolved).size !== resolved.length || resolved.includes(queueDir)) {
    throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED)
  }
  return resolved
}

export function targetOf(options: { lockPath?: string; pool?: LockPool }): Target {
  const { lockPath, pool } = options
  if ((lockPath === undefined) === (pool === undefined)) {
    throw new LockOptionError(
      'lockPath/pool',
      `${lockPath === undefined ? 'neither' : 'both'} given`,
      'exactly one of them'
    )
  }
  if (pool) {
    if (typeof pool.queueDir !== 'string' || pool.queueDir === '') {
      throw new LockOptionError('pool.queueDir', pool.queueDir, 'a directory path')
    }
    if (typeof pool.slots !== 'function') {
      throw new LockOptionError('pool.slots', pool.slots, 'a function returning the slot paths')
    }
    const queueDir = resolve(pool.queueDir)
    return {
      queueDir,
      slots: () => checkedSlots(pool.slots(), queueDir),
      single: false,
      name: queueDir
    }
  }
  if (typeof lockPath !== 'string' || lockPath === '') {
    throw new LockOptionError('lockPath', lockPath, 'a lock file path')
  }
  const files = lockFilesFor(resolve(lockPath))
  return {
    queueDir: files.queueDir,
    slots: () => [files.lockPath],
    single: true,
    name: files.lockPath
  }
}

/**
 * True when `record` was written on this machine, in this boot and PID namespace, by a job
 * whose anchor is `anchor` (same PID and start time): an earlier step of this very job.
 */
export function heldByOwnJob(
  record: LockRecord | undefined,
  anchor: LockOwner | undefined,
  local: LocalFacts
): boolean {
  if (!record || !anchor || anchor.startTime === '') return false
  const here =
    record.host === local.host &&
    record.machineId === local.machineId &&
    record.bootId === local.bootId &&
    record.pidNamespace === local.pidNamespace
  return (
    here &&
    record.owners.some(
      owner =>
        owner.role === 'job-anchor' &&
        owner.pid === anchor.pid &&
        owner.startTime === anchor.startTime
    )
  )
}

/**
 * Issue 13.7: every slot is held by this job itself, so it would wait for its own post step.
 * Never true without a job anchor (holdFor 'process', or an anchor PID ≤ 1).
 */
export function allHeldByOwnJob(
  slots: readonly SlotHolder[],
  anchor: LockOwner | undefined,
  local: LocalFacts
): boolean {
  return (
    anchor !== undefined &&
    slots.length > 0 &&
    slots.every(slot => slot.held && heldByOwnJob(slot.holder, anchor, local))
  )
}
