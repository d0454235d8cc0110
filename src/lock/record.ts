/**
 * The lock file's content (§2.3): one JSON object, immutable for the file's lifetime. The same
 * shape serves the lock, queue entries ("waiter") and the reaper guard.
 */
export type RecordKind = 'lock' | 'waiter' | 'guard'
export type OwnerRole = 'job-anchor' | 'keeper' | 'process'
export type RecordPlatform = 'linux' | 'darwin' | 'win32'

export interface LockOwner {
  pid: number
  /** Opaque per-OS start token ('' when it could not be read). */
  startTime: string
  role: OwnerRole
}

export interface JobIdentity {
  repository: string
  runId: string
  runAttempt: string
  jobId: string
  job: string
  runnerName: string
  workflowUrl: string
}

export interface LockRecord {
  version: 1
  kind: RecordKind
  token: string
  host: string
  machineId: string
  bootId: string
  pidNamespace: string
  platform: RecordPlatform
  owners: LockOwner[]
  leaseMs: number
  heartbeatMs: number
  job: JobIdentity
  acquiredAt: string
}

const KINDS: readonly string[] = ['lock', 'waiter', 'guard']
const ROLES: readonly string[] = ['job-anchor', 'keeper', 'process']
const PLATFORMS: readonly string[] = ['linux', 'darwin', 'win32']
const JOB_FIELDS = [
  'repository',
  'runId',
  'runAttempt',
  'jobId',
  'job',
  'runnerName',
  'workflowUrl'
] as const
const TOKEN = /^[0-9a-f]{32}$/

export function emptyJob(): JobIdentity {
  return {
    repository: '',
    runId: '',
    runAttempt: '',
    jobId: '',
    job: '',
    runnerName: '',
    workflowUrl: ''
  }
}

/** Fills missing job fields with '' so every record has the same shape. */
export function normalizeJob(job: Partial<JobIdentity> | undefined): JobIdentity {
  const result = emptyJob()
  for (const field of JOB_FIELDS) {
    const value = job?.[field]
    if (typeof value === 'string') result[field] = value
  }
  return result
}

export function encodeRecord(record: LockRecord): string {
  return `${JSON.stringify(record)}\n`
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isString = (value: unknown): value is string => typeof value === 'string'

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0

function parseOwner(value: unknown): LockOwner | undefined {
  if (!isObject(value)) return undefined
  const { pid, startTime, role } = value
  if (!isCount(pid) || !isString(startTime) || !isString(role) || !ROLES.includes(role)) {
    return undefined
  }
  return { pid, startTime, role: role as OwnerRole }
}

function parseJob(value: unknown): JobIdentity | undefined {
  if (!isObject(value)) return undefined
  const job = emptyJob()
  for (const field of JOB_FIELDS) {
    const fieldValue = value[field]
    if (!isString(fieldValue)) return undefined
    job[field] = fieldValue
  }
  return job
}

/**
 * Parses a record; anything malformed (empty, half-written, foreign) is `undefined`, which the
 * staleness rules treat as "abandoned once old enough" (§2.2).
 */
export function parseRecord(text: string): LockRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isObject(value) || value.version !== 1) return undefined
  const { kind, token, host, machineId, bootId, pidNamespace, platform } = value
  if (!isString(kind) || !KINDS.includes(kind)) return undefined
  if (!isString(token) || !TOKEN.test(token)) return undefined
  if (!isString(host) || !isString(machineId) || !isString(bootId)) return undefined
  if (!isString(pidNamespace) || !isString(platform) || !PLATFORMS.includes(platform)) {
    return undefined
  }
  if (!Array.isArray(value.owners)) return undefined
  const owners = value.owners.map(parseOwner)
  if (owners.some(owner => owner === undefined)) return undefined
  const { leaseMs, heartbeatMs, acquiredAt } = value
  if (!isCount(leaseMs) || !isCount(heartbeatMs) || !isString(acquiredAt)) return undefined
  const job = parseJob(value.job)
  if (!job) return undefined
  return {
    version: 1,
    kind: kind as RecordKind,
    token,
    host,
    machineId,
    bootId,
    pidNamespace,
    platform: platform as RecordPlatform,
    owners: owners as LockOwner[],
    leaseMs,
    heartbeatMs,
    job,
    acquiredAt
  }
}
