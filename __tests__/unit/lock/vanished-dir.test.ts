/**
 * A waiter whose lock directory is removed or renamed away while it waits (an operator, or an
 * eviction taking the repository away, §6) makes the directory again and goes on queueing: it
 * never fails with ENOENT (§2.7).
 */
import { afterEach, expect, it } from '@jest/globals'
import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import { tempDir } from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

it('a waiter gets the lock after its directory was renamed away while it waited', async () => {
  const { dir: temp, cleanup } = tempDir()
  cleanups.push(cleanup)
  const dir = join(temp, 'repo', 'locks')
  const lockPath = join(dir, 'tree-1.lock')
  const holder = await acquireLock({ lockPath, holdFor: 'process' })
  let queued!: () => void
  const inQueue = new Promise<void>(resolve => (queued = resolve))
  const waiter = acquireLock({
    lockPath,
    holdFor: 'process',
    pollMs: 50,
    hooks: { onQueued: () => queued() }
  })
  await inQueue
  // The repository is taken away with the holder's lock and the waiter's queue entry in it.
  renameSync(join(temp, 'repo'), join(temp, 'evicted'))
  const taken = await waiter
  expect(taken.lockPath).toBe(lockPath)
  await releaseLock(taken.lockPath, taken.token)
  await releaseLock(join(temp, 'evicted', 'locks', 'tree-1.lock'), holder.token).catch(
    () => undefined
  )
}, 30_000)

it('a job arriving the instant its lock directory is taken away queues in a new one', async () => {
  const { dir: temp, cleanup } = tempDir()
  cleanups.push(cleanup)
  const lockPath = join(temp, 'repo', 'locks', 'tree-1.lock')
  let takenAway = false
  const taken = await acquireLock({
    lockPath,
    holdFor: 'process',
    pollMs: 50,
    hooks: {
      // Between making the directories and writing the queue entry: an eviction renames the
      // repository away (without the retry, the entry's write fails with ENOENT).
      beforeEnqueue: () => {
        if (takenAway) return
        takenAway = true
        renameSync(join(temp, 'repo'), join(temp, 'evicted'))
      }
    }
  })
  expect(takenAway).toBe(true)
  expect(taken.lockPath).toBe(lockPath)
  await releaseLock(taken.lockPath, taken.token)
}, 30_000)
