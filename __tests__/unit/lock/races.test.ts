import { afterEach, describe, expect, it } from '@jest/globals'
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { readNoFollow, type FileSnapshot } from '../../../src/lock/atomic.js'
import { createContext, judgeFile, ownerOf, type LockContext } from '../../../src/lock/context.js'
import { breakLockIfUnchanged, removeLockIfToken } from '../../../src/lock/guard.js'
import { localFacts } from '../../../src/lock/identity.js'
import {
  acquireLock,
  LockLostError,
  LockTimeoutError,
  releaseLock
} from '../../../src/lock/index.js'
import { lockFilesFor } from '../../../src/lock/paths.js'
import {
  deadPid,
  hardLinksWork,
  killAllHolders,
  mtimeStepIn,
  plantLock,
  sleep,
  startSleeper,
  tempDir,
  tokenAt
} from './helpers.js'

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

/** Short leases keep these tests fast; the rules are the same at 30 s (issue 16.5). */
const LEASE_MS = 300

/** A waiter on another host: it cannot check this host's PIDs, only leases (§2.4). */
function otherHost(): LockContext {
  return createContext({
    leaseMs: LEASE_MS,
    local: { ...localFacts(), host: 'other-host', machineId: 'other-machine', bootId: 'other' }
  })
}

function snapshotOf(path: string): FileSnapshot {
  const outcome = readNoFollow(path)
  if (outcome.kind !== 'file') throw new Error(`expected a file at ${path}`)
  return outcome.snapshot
}

/** Observes `path` as `context` until it judges it stale (the lease rule needs time). */
async function judgedStale(context: LockContext, path: string): Promise<FileSnapshot> {
  for (;;) {
    const snapshot = snapshotOf(path)
    if (judgeFile(context, path, snapshot).verdict.stale) return snapshot
    await sleep(20)
  }
}

/** Moves the mtime of `path` every 50 ms (a live holder's heartbeat) until stopped. */
function heartbeat(path: string): () => void {
  const timer = setInterval(() => {
    try {
      const now = new Date()
      utimesSync(path, now, now)
    } catch {
      // gone: nothing to move
    }
  }, 50)
  return () => clearInterval(timer)
}

const deadOwner = async () => [{ pid: await deadPid(), startTime: '1', role: 'process' as const }]

describe('no false breaking (§2.4)', () => {
  it('two breakers of the same stale lock: a fresh lock taken in between survives', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    plantLock(lockPath, await deadOwner())
    const freshOwner = startSleeper()
    let freshToken = ''
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      timeoutSeconds: 0.5,
      pollMs: 100,
      log: line => lines.push(line),
      hooks: {
        // Breaker A has read the stale record and judged it dead. Breaker B now does the same
        // with the same snapshot, removes it, and a fresh lock is taken before A goes on.
        beforeBreak: async () => {
          if (freshToken) return
          const seen = snapshotOf(lockPath)
          expect(await breakLockIfUnchanged(files, createContext(), seen)).toBe('removed')
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
      const options = { lockPath, holdFor: 'process' as const, abandonedAfterMs: 400, pollMs: 50 }
      await expect(acquireLock({ ...options, timeoutSeconds: 0 })).rejects.toBeInstanceOf(
        LockTimeoutError
      )
      expect(readNoFollow(lockPath)).toMatchObject({ kind: 'file', snapshot: { content } })
      const started = Date.now()
      const lines: string[] = []
      const lock = await acquireLock({
        ...options,
        timeoutSeconds: 10,
        log: line => lines.push(line)
      })
      expect(Date.now() - started).toBeGreaterThanOrEqual(250)
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

/**
 * Issue 13.9: "a breaker that pauses longer than the lease between judging a lock stale and
 * removing it might remove a newer holder's lock, because the guard is not heartbeated". Each
 * test pauses the breaker (B) at one point through a hook, and meanwhile plays the rest of the
 * world: another breaker (C) on this or on another host, and a new holder of the lock.
 */
describe('a breaker or releaser that pauses longer than the lease (issue 13.9)', () => {
  it('pause before taking the guard, lock from another host: the newer lock survives', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    // Another host's lock that nobody heartbeats any more: only its lease can tell.
    const elsewhere = { host: 'other-host', machineId: 'other-machine', leaseMs: LEASE_MS }
    plantLock(lockPath, await deadOwner(), elsewhere)
    let freshToken = ''
    let stopBeat = (): void => undefined
    cleanups.push(() => stopBeat())
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      leaseMs: LEASE_MS,
      pollMs: 50,
      timeoutSeconds: (2 * LEASE_MS + mtimeStepIn(dirname(lockPath))) / 1000,
      log: line => lines.push(line),
      hooks: {
        beforeBreak: async () => {
          if (freshToken) return
          // B judged it stale and stalls for longer than the lease; C breaks it meanwhile and
          // a new holder on the other host takes the lock and heartbeats it.
          const seen = await judgedStale(createContext({ leaseMs: LEASE_MS }), lockPath)
          expect(await breakLockIfUnchanged(files, createContext(), seen)).toBe('removed')
          freshToken = plantLock(lockPath, await deadOwner(), elsewhere)
          stopBeat = heartbeat(lockPath)
          await sleep(2 * LEASE_MS)
        }
      }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError)
    expect(tokenAt(lockPath)).toBe(freshToken)
    expect(lines.some(line => line.startsWith('Broke the stale lock'))).toBe(false)
  })

  it('pause while holding the guard, breaker on another host: B gives up before removing anything', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    const stale = plantLock(lockPath, await deadOwner())
    const newOwner = startSleeper()
    let freshToken = ''
    let freshIno = 0
    const removals: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      leaseMs: LEASE_MS,
      pollMs: 50,
      timeoutSeconds: 1,
      hooks: {
        afterGuardCheck: async what => {
          if (freshToken || what !== 'break') return
          expect(tokenAt(lockPath)).toBe(stale)
          // C cannot check B's PID from its host: after seeing B's guard unchanged for the
          // lease it breaks it, then removes the stale lock; a new job takes the lock.
          const seen = snapshotOf(lockPath)
          expect(await breakLockIfUnchanged(files, otherHost(), seen)).toBe('removed')
          freshToken = plantLock(lockPath, [ownerOf(newOwner.pid!, 'process')])
          freshIno = statSync(lockPath).ino
        },
        beforeRemove: what => void removals.push(what)
      }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError)
    // Defence 1: B noticed its guard was too old to trust and never reached the removal.
    expect(removals).toEqual([])
    expect(tokenAt(lockPath)).toBe(freshToken)
    expect(statSync(lockPath).ino).toBe(freshIno)
  })

  it('pause right before the removal (the residual window): the newer lock is put back', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    plantLock(lockPath, await deadOwner())
    const newOwner = startSleeper()
    let freshToken = ''
    let freshIno = 0
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      leaseMs: LEASE_MS,
      pollMs: 50,
      timeoutSeconds: 1,
      log: line => lines.push(line),
      hooks: {
        beforeRemove: async what => {
          if (freshToken || what !== 'break') return
          // B passed its freshness check and freezes before its rename for longer than the
          // lease: C breaks B's guard and the stale lock, a new job takes the lock.
          const seen = snapshotOf(lockPath)
          expect(await breakLockIfUnchanged(files, otherHost(), seen)).toBe('removed')
          freshToken = plantLock(lockPath, [ownerOf(newOwner.pid!, 'process')])
          freshIno = statSync(lockPath).ino
        }
      }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError)
    // Defence 2: B renamed the newer lock aside, saw it was not what it judged, and linked it
    // back: same file, same inode (a copy where links are unsupported), nothing left aside.
    expect(tokenAt(lockPath)).toBe(freshToken)
    if (hardLinksWork(dirname(lockPath))) expect(statSync(lockPath).ino).toBe(freshIno)
    expect(lines.some(line => line.startsWith('Broke the stale lock'))).toBe(false)
    expect(readdirSync(dirname(lockPath)).filter(name => name.includes('.reap-'))).toEqual([])
  })

  it('pause while holding the guard, breaker on this host: the guard is never broken', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    const stale = plantLock(lockPath, await deadOwner())
    let other: Promise<string> | undefined
    let settledDuringPause = false
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      leaseMs: LEASE_MS,
      pollMs: 50,
      timeoutSeconds: 5,
      hooks: {
        afterGuardCheck: async () => {
          if (other) return
          // C on this host judges B's guard by B's PID, which is alive: it waits, however long.
          other = breakLockIfUnchanged(
            files,
            createContext({ leaseMs: LEASE_MS }),
            snapshotOf(lockPath)
          )
          void other.then(() => (settledDuringPause = true))
          await sleep(3 * LEASE_MS)
          expect(settledDuringPause).toBe(false)
          expect(tokenAt(lockPath)).toBe(stale)
        }
      }
    })
    const lock = await waiting
    // B gave up its too-old attempt; then C or B broke the stale lock, and B took it.
    expect(['removed', 'gone', 'changed']).toContain(await other)
    expect(tokenAt(lockPath)).toBe(lock.token)
    await releaseLock(lock.lockPath, lock.token)
  })

  it('release paused while holding its guard, broken from another host: reports the loss, removes nothing newer', async () => {
    const lockPath = setup()
    const files = lockFilesFor(lockPath)
    const ours = await acquireLock({ lockPath, holdFor: 'process', leaseMs: LEASE_MS })
    const newOwner = startSleeper()
    let freshToken = ''
    const removals: string[] = []
    const release = releaseLock(ours.lockPath, ours.token, {
      hooks: {
        afterGuardCheck: async () => {
          if (freshToken) return
          // The release's guard is a second name of the lock itself: no new file (issue 13.8).
          if (hardLinksWork(dirname(lockPath))) {
            expect(statSync(files.guardPath).ino).toBe(statSync(lockPath).ino)
          }
          // Our heartbeat stopped when the release began; another host sees the lock and its
          // guard unchanged for the lease, breaks both, and a new job takes the lock.
          const other = otherHost()
          const seen = await judgedStale(other, lockPath)
          expect(await breakLockIfUnchanged(files, other, seen)).toBe('removed')
          freshToken = plantLock(lockPath, [ownerOf(newOwner.pid!, 'process')])
        },
        beforeRemove: what => void removals.push(what)
      }
    })
    await expect(release).rejects.toBeInstanceOf(LockLostError)
    await expect(release).rejects.toThrow(/it is now held by .*process \d+/)
    expect(removals).toEqual([])
    expect(tokenAt(lockPath)).toBe(freshToken)
  })

  it('a release that is not paused removes exactly its own lock through the link guard', async () => {
    const lockPath = setup()
    if (!hardLinksWork(dirname(lockPath))) return // its own guard there: covered elsewhere
    const files = lockFilesFor(lockPath)
    const lock = await acquireLock({ lockPath, holdFor: 'process' })
    const context = createContext({
      hooks: { beforeRemove: () => void expect(statSync(files.guardPath).nlink).toBe(2) }
    })
    expect(await removeLockIfToken(files, context, lock.token)).toMatchObject({ status: 'removed' })
    expect(readdirSync(dirname(lockPath))).toEqual(['repo.lock.queue'])
  })
})
