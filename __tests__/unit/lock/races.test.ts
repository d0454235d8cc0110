import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createExclusive, randomHex, readNoFollow } from '../../../src/lock/atomic.js'
import { buildRecord, createContext, ownerOf } from '../../../src/lock/context.js'
import { breakLockIfUnchanged } from '../../../src/lock/guard.js'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { lockFilesFor } from '../../../src/lock/paths.js'
import { encodeRecord, parseRecord, type LockOwner } from '../../../src/lock/record.js'
import { deadPid, killAllHolders, startSleeper, tempDir } from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  killAllHolders()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function setup(): string {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  return join(temp.dir, 'repo.lock')
}

function plantLock(lockPath: string, owners: LockOwner[]): string {
  const token = randomHex(16)
  const record = buildRecord(createContext(), 'lock', token, owners)
  expect(createExclusive(lockPath, encodeRecord(record))).toBe(true)
  return token
}

const tokenAt = (lockPath: string): string | undefined =>
  parseRecord(readFileSync(lockPath, 'utf8'))?.token

describe('no false breaking (§2.4)', () => {
  it('two breakers of the same stale lock: a fresh lock taken in between survives', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    plantLock(lockPath, [{ pid: await deadPid(), startTime: '1', role: 'process' }])
    const freshOwner = startSleeper()
    let freshToken = ''
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      timeoutSeconds: 2,
      pollMs: 100,
      log: line => lines.push(line),
      hooks: {
        // Breaker A has read the stale record and judged it dead. Breaker B now does the same
        // with the same snapshot, removes it, and a fresh lock is taken before A goes on.
        beforeBreak: async () => {
          if (freshToken) return
          const seen = readNoFollow(lockPath)
          if (seen.kind !== 'file') throw new Error('expected the stale lock')
          expect(await breakLockIfUnchanged(files, createContext(), seen.snapshot)).toBe('removed')
          freshToken = plantLock(lockPath, [ownerOf(freshOwner.pid!, 'process')])
        }
      }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError)
    expect(tokenAt(lockPath)).toBe(freshToken)
    expect(lines.some(line => line.startsWith('Broke the stale lock'))).toBe(false)
  })

  it('reused PID: owner PID alive with another start time is dead; same start time is alive', async () => {
    const lockPath = setup()
    const live = startSleeper()
    const alive = ownerOf(live.pid!, 'process')
    const aliveToken = plantLock(lockPath, [alive])
    await expect(
      acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    expect(tokenAt(lockPath)).toBe(aliveToken)

    // Same PID, another start time: the owner died and the PID went to another process.
    const other = setup()
    plantLock(other, [{ ...alive, startTime: String(Number(alive.startTime) - 1) }])
    const lock = await acquireLock({ lockPath: other, holdFor: 'process', timeoutSeconds: 0 })
    expect(tokenAt(other)).toBe(lock.token)
    await releaseLock(lock.lockPath, lock.token)
  })

  it.each([
    ['empty', ''],
    ['half-written', '{"version":1,"kind":"lock","tok']
  ])(
    '%s lock file: left alone while young, removed once older than abandonedAfterMs',
    async (_name, content) => {
      const lockPath = setup()
      writeFileSync(lockPath, content)
      const options = { lockPath, holdFor: 'process' as const, abandonedAfterMs: 1500, pollMs: 100 }
      await expect(acquireLock({ ...options, timeoutSeconds: 0 })).rejects.toBeInstanceOf(
        LockTimeoutError
      )
      expect(readFileSync(lockPath, 'utf8')).toBe(content)
      const started = Date.now()
      const lines: string[] = []
      const lock = await acquireLock({
        ...options,
        timeoutSeconds: 10,
        log: line => lines.push(line)
      })
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
      expect(lines.join('\n')).toMatch(/Broke the stale lock .*unreadable file/)
      await releaseLock(lock.lockPath, lock.token)

      // An old one (by its mtime) is abandoned at once.
      writeFileSync(lockPath, content)
      utimesSync(lockPath, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
      const again = await acquireLock({ ...options, timeoutSeconds: 0 })
      await releaseLock(again.lockPath, again.token)
    }
  )
})
