import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import { killAllHolders, startHolder, tempDir, type Holder } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

/** Enough to show the order is kept, few enough for a fast test. */
const WAITERS = 6

describe('fairness (§2.7)', () => {
  it('six waiters that arrive in a known order acquire in that order', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const order = join(temp.dir, 'order.txt')
    const first = await acquireLock({ lockPath, holdFor: 'process' })
    const waiters: Holder[] = []
    for (let i = 0; i < WAITERS; i++) {
      const waiter = startHolder(['--path', lockPath, '--append', order, '--job', `w${i}`])
      // The next one starts only once this one has its queue entry: a known arrival order.
      const queued = await waiter.next('queued')
      expect(queued.position).toBe(i)
      waiters.push(waiter)
    }
    await releaseLock(first.lockPath, first.token)
    expect(await Promise.all(waiters.map(w => w.exited))).toEqual(Array(WAITERS).fill(0))
    expect(readFileSync(order, 'utf8').trim().split('\n')).toEqual(
      Array.from({ length: WAITERS }, (_, i) => `w${i}`)
    )
  })
})
