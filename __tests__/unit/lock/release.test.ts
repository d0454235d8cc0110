import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, LockLostError, releaseLock } from '../../../src/lock/index.js'
import { parseRecord } from '../../../src/lock/record.js'
import { tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => cleanup())

describe('release by owner only (§2.5)', () => {
  it('a token no longer in the lock: LockLostError naming the holder, other lock left in place', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const first = await acquireLock({ lockPath, holdFor: 'process', job: { job: 'first' } })
    // The first job's lock was broken while it ran, and another job took the lock.
    unlinkSync(lockPath)
    const second = await acquireLock({
      lockPath,
      holdFor: 'process',
      job: { job: 'second', runnerName: 'r2' }
    })

    const release = releaseLock(first.lockPath, first.token)
    await expect(release).rejects.toBeInstanceOf(LockLostError)
    await expect(release).rejects.toThrow(
      /no longer held by this job: it is now held by .*job second, runner r2/
    )
    expect(parseRecord(readFileSync(lockPath, 'utf8'))?.token).toBe(second.token)

    await releaseLock(second.lockPath, second.token)
    await expect(releaseLock(second.lockPath, second.token)).rejects.toThrow(
      /the lock file is gone/
    )
  })
})
