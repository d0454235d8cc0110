/** Human-readable holder descriptions for waiting output and errors (§2.6). */
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

/** "run <url>, job <job>, runner <name>, held for 3m12s" — falls back to host and PIDs. */
export function describeHolder(record: LockRecord, nowMs: number): string {
  const { job } = record
  const parts: string[] = []
  if (job.workflowUrl) parts.push(`run ${job.workflowUrl}`)
  else if (job.runId) parts.push(`run ${job.runId}${job.runAttempt ? `/${job.runAttempt}` : ''}`)
  if (job.repository && !job.workflowUrl) parts.push(`repository ${job.repository}`)
  if (job.job) parts.push(`job ${job.job}`)
  if (job.runnerName) parts.push(`runner ${job.runnerName}`)
  const pids = record.owners.map(owner => `${owner.role} ${owner.pid}`).join(', ')
  parts.push(`host ${record.host}${pids ? ` (${pids})` : ''}`)
  const acquired = Date.parse(record.acquiredAt)
  if (Number.isFinite(acquired)) parts.push(`held for ${formatDuration(nowMs - acquired)}`)
  return parts.join(', ')
}
