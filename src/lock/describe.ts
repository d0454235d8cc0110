/** Human-readable holder descriptions for waiting output and errors (§2.6). */
import { basename } from 'node:path'
import type { LockRecord } from './record.js'

export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`
  if (minutes > 0) return `${minutes}m${String(seconds).padStart(2, '0')}s`
  return `${seconds}s`
}

const ownerPids = (record: LockRecord): string =>
  record.owners.map(owner => `${owner.role} ${owner.pid}`).join(', ')

/** "run <url>, job <job>, runner <name>, held for 3m12s" — falls back to host and PIDs. */
export function describeHolder(record: LockRecord, nowMs: number): string {
  const { job } = record
  const parts: string[] = []
  if (job.workflowUrl) parts.push(`run ${job.workflowUrl}`)
  else if (job.runId) parts.push(`run ${job.runId}${job.runAttempt ? `/${job.runAttempt}` : ''}`)
  if (job.repository && !job.workflowUrl) parts.push(`repository ${job.repository}`)
  if (job.job) parts.push(`job ${job.job}`)
  if (job.runnerName) parts.push(`runner ${job.runnerName}`)
  const pids = ownerPids(record)
  parts.push(`host ${record.host}${pids ? ` (${pids})` : ''}`)
  const acquired = Date.parse(record.acquiredAt)
  if (Number.isFinite(acquired)) parts.push(`held for ${formatDuration(nowMs - acquired)}`)
  return parts.join(', ')
}

/**
 * One entry of a pool's line: "job build, runner r1, 3m12s, run <url>" (host and PIDs when the
 * job is not named); the run's URL comes last, so the holder can be found (§2.6).
 */
export function describeHolderBriefly(record: LockRecord, nowMs: number): string {
  const { job } = record
  const parts: string[] = []
  if (job.job) parts.push(`job ${job.job}`)
  else if (job.runId) parts.push(`run ${job.runId}`)
  if (job.runnerName) parts.push(`runner ${job.runnerName}`)
  if (parts.length === 0) parts.push(`host ${record.host} (${ownerPids(record)})`)
  const acquired = Date.parse(record.acquiredAt)
  if (Number.isFinite(acquired)) parts.push(formatDuration(nowMs - acquired))
  if (job.workflowUrl) parts.push(`run ${job.workflowUrl}`)
  return parts.join(', ')
}

/** A slot of a pool as last seen: free, or held (by a readable record or not). */
export interface SlotHolder {
  lockPath: string
  held: boolean
  holder?: LockRecord
}

/** "all 4 held: tree-1.lock by job build, runner r1, 3m12s; tree-2.lock by …" (§2.6 for pools). */
export function describeSlots(slots: readonly SlotHolder[], nowMs: number): string {
  const held = slots.filter(slot => slot.held)
  const who = held
    .map(slot => {
      const by = slot.holder ? describeHolderBriefly(slot.holder, nowMs) : 'an unreadable record'
      return `${basename(slot.lockPath)} by ${by}`
    })
    .join('; ')
  if (held.length === 0) return `all ${slots.length} free`
  if (held.length === slots.length) return `all ${slots.length} held: ${who}`
  return `${held.length} of ${slots.length} held (${who}), ${slots.length - held.length} free`
}
