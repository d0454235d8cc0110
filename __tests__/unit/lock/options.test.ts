/**
 * Issue 13.10: bad numbers are refused at once with a clear error, before anything on disk
 * changes (a NaN timeout used to never expire, and its waiter spun on a 1 ms timer).
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  acquireLock,
  LockOptionError,
  releaseLock,
  TIMEOUT_ACCEPTED,
  type AcquireOptions
} from '../../../src/lock/index.js'
import { Waker } from '../../../src/lock/wake.js'
import { sleep, tempDir } from './helpers.js'

const POSITIVE = 'a positive, finite number of milliseconds'

describe('acquireLock refuses bad numbers', () => {
  it.each<[Partial<AcquireOptions>, string]>([
    [{ timeoutSeconds: NaN }, `timeoutSeconds NaN is not valid: expected ${TIMEOUT_ACCEPTED}.`],
    [{ timeoutSeconds: Infinity }, 'timeoutSeconds Infinity is not valid'],
    [{ timeoutSeconds: -2 }, 'timeoutSeconds -2 is not valid'],
    [{ timeoutSeconds: -0.5 }, 'timeoutSeconds -0.5 is not valid'],
    [{ timeoutSeconds: '5' as unknown as number }, 'timeoutSeconds "5" is not valid'],
    [{ leaseMs: 0 }, `leaseMs 0 is not valid: expected ${POSITIVE}.`],
    [{ leaseMs: -1 }, 'leaseMs -1 is not valid'],
    [{ heartbeatMs: NaN }, 'heartbeatMs NaN is not valid'],
    [{ pollMs: 0 }, 'pollMs 0 is not valid'],
    [{ pollMs: Infinity }, 'pollMs Infinity is not valid'],
    [{ reportEveryMs: -5 }, 'reportEveryMs -5 is not valid'],
    [{ abandonedAfterMs: NaN }, 'abandonedAfterMs NaN is not valid'],
    [
      { leaseMs: 600, heartbeatMs: 600 },
      'heartbeatMs 600 is not valid: expected less than the lease (600 ms)'
    ],
    [
      { heartbeatMs: 30_000 },
      'heartbeatMs 30000 is not valid: expected less than the lease (30000 ms)'
    ],
    [{ jobAnchorPid: 1.5 }, 'jobAnchorPid 1.5 is not valid: expected a process id.'],
    [
      { holdFor: 'forever' as 'job' },
      `holdFor "forever" is not valid: expected 'job' or 'process'.`
    ]
  ])('%j', async (bad, message) => {
    const temp = tempDir()
    try {
      const lockPath = join(temp.dir, 'sub', 'repo.lock')
      const attempt = acquireLock({ lockPath, holdFor: 'process', ...bad } as AcquireOptions)
      await expect(attempt).rejects.toBeInstanceOf(LockOptionError)
      await expect(attempt).rejects.toThrow(message)
      // Nothing on disk changed: not even the lock's directory was created.
      expect(existsSync(join(temp.dir, 'sub'))).toBe(false)
    } finally {
      temp.cleanup()
    }
  })

  it('accepts -1, 0 and fractions of a second', async () => {
    const temp = tempDir()
    try {
      for (const timeoutSeconds of [-1, 0, 0.25]) {
        const lock = await acquireLock({
          lockPath: join(temp.dir, 'repo.lock'),
          holdFor: 'process',
          timeoutSeconds
        })
        await releaseLock(lock.lockPath, lock.token)
      }
    } finally {
      temp.cleanup()
    }
  })
})

describe('waiting never spins on an oversized timer', () => {
  it('a wait longer than setTimeout can count sleeps instead of firing at once', async () => {
    const waker = new Waker([])
    const abort = new AbortController()
    const waiting = waker.wait(2 ** 40, abort.signal)
    expect(await Promise.race([waiting, sleep(100).then(() => 'asleep')])).toBe('asleep')
    abort.abort()
    expect(await waiting).toBe('abort')
    waker.close()
  })
})
