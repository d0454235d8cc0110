/**
 * Issue 13.3: cloned VMs (or containers sharing a network root) have the same host name and
 * machine id but each its own boot id. A lock written by a clone is live as long as its
 * heartbeat moves: a different boot id must never break it by itself (§7).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { ownerOf } from '../../../src/lock/context.js'
import { localFacts } from '../../../src/lock/identity.js'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { killAllHolders, plantLock, startSleeper, tempDir, tokenAt } from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  killAllHolders()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

const LEASE_MS = 400

/** A lock as a clone of this machine writes it: same host and machine id, another boot id. */
function plantCloneLock(): { lockPath: string; token: string } {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  const lockPath = join(temp.dir, 'repo.lock')
  const local = localFacts()
  expect(local.bootId).not.toBe('')
  // Its owner PID means nothing here; a live local process makes the old "rebooted" rule the
  // only thing that could break it at once.
  const owner = ownerOf(startSleeper().pid!, 'process')
  const token = plantLock(lockPath, [owner], {
    host: local.host,
    machineId: local.machineId,
    bootId: 'b00710ad-0000-4000-8000-000000000000',
    leaseMs: LEASE_MS
  })
  return { lockPath, token }
}

describe('a lock from a clone of this machine (same host name and machine id, another boot id)', () => {
  it('is never broken while its heartbeat moves', async () => {
    const { lockPath, token } = plantCloneLock()
    const beat = setInterval(() => {
      const now = new Date()
      utimesSync(lockPath, now, now)
    }, 50)
    cleanups.push(() => clearInterval(beat))
    const lines: string[] = []
    await expect(
      acquireLock({
        lockPath,
        holdFor: 'process',
        leaseMs: LEASE_MS,
        pollMs: 50,
        timeoutSeconds: 3 * (LEASE_MS / 1000),
        log: line => lines.push(line)
      })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    expect(tokenAt(lockPath)).toBe(token)
    expect(lines.some(line => line.startsWith('Broke'))).toBe(false)
  })

  it('is broken once its heartbeat has stood still for the lease, not before', async () => {
    const { lockPath } = plantCloneLock()
    const started = Date.now()
    const lines: string[] = []
    const lock = await acquireLock({
      lockPath,
      holdFor: 'process',
      leaseMs: LEASE_MS,
      pollMs: 50,
      timeoutSeconds: 10,
      log: line => lines.push(line)
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 50)
    expect(lines.join('\n')).toMatch(
      /Broke the stale lock .*: no heartbeat seen for \d+ ms \(lease \d+ ms\) \(same host name and machine id, another boot id\)\./
    )
    await releaseLock(lock.lockPath, lock.token)
  })
})
