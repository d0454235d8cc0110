import { describe, expect, it } from '@jest/globals'
import { encodeRecord, parseRecord, type LockRecord } from '../../../src/lock/record.js'
import { describeHolder } from '../../../src/lock/describe.js'
import { lockPathFor } from '../../../src/lock/paths.js'

const record: LockRecord = {
  version: 1,
  kind: 'lock',
  token: '0123456789abcdef0123456789abcdef',
  host: 'runner-7',
  machineId: 'm',
  bootId: 'b',
  pidNamespace: 'pid:[4026531836]',
  platform: 'linux',
  owners: [
    { pid: 100, startTime: '555', role: 'job-anchor' },
    { pid: 101, startTime: '556', role: 'keeper' }
  ],
  leaseMs: 30000,
  heartbeatMs: 5000,
  job: {
    repository: 'o/r',
    runId: '9',
    runAttempt: '1',
    jobId: '3',
    job: 'build',
    runnerName: 'r1',
    workflowUrl: 'https://github.com/o/r/actions/runs/9'
  },
  acquiredAt: '2026-01-01T00:00:00.000Z'
}

describe('lock record', () => {
  it('round-trips through encode and parse', () => {
    expect(parseRecord(encodeRecord(record))).toEqual(record)
  })

  it.each([
    ['empty', ''],
    ['half-written', encodeRecord(record).slice(0, 40)],
    ['not an object', '[1,2]'],
    ['other version', JSON.stringify({ ...record, version: 2 })],
    ['bad token', JSON.stringify({ ...record, token: 'abc' })],
    ['bad kind', JSON.stringify({ ...record, kind: 'other' })],
    [
      'negative pid',
      JSON.stringify({ ...record, owners: [{ pid: -1, startTime: '', role: 'keeper' }] })
    ],
    ['bad role', JSON.stringify({ ...record, owners: [{ pid: 1, startTime: '', role: 'x' }] })],
    ['job field missing', JSON.stringify({ ...record, job: { runId: '1' } })],
    ['lease not a number', JSON.stringify({ ...record, leaseMs: '30' })]
  ])('is undefined when malformed: %s', (_name, text) => {
    expect(parseRecord(text)).toBeUndefined()
  })

  it('describes the holder by run, job, runner and how long it has held the lock', () => {
    const now = Date.parse(record.acquiredAt) + 192_000
    expect(describeHolder(record, now)).toBe(
      'run https://github.com/o/r/actions/runs/9, job build, runner r1, ' +
        'host runner-7 (job-anchor 100, keeper 101), held for 3m12s'
    )
  })

  it('puts the lock beside the clone, appending .lock (never replacing a suffix)', () => {
    expect(lockPathFor('/cache/github.com/o/repo.v2')).toBe('/cache/github.com/o/repo.v2.lock')
    expect(lockPathFor('/cache/o/repo/')).toBe('/cache/o/repo.lock')
  })
})
