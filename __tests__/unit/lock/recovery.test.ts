import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { parseRecord } from '../../../src/lock/record.js'
import {
  isRunning,
  keeperOptions,
  killAllHolders,
  startHolder,
  startSleeper,
  tempDir,
  waitUntil
} from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

function setup(): string {
  const temp = tempDir()
  cleanup = temp.cleanup
  return join(temp.dir, 'repo.lock')
}

describe('stale recovery (§2.4)', () => {
  it('a SIGKILLed holder (holdFor process) is recovered by the next waiter within seconds', async () => {
    const lockPath = setup()
    const holder = startHolder(['--path', lockPath, '--hold-ms', '-1'])
    await holder.next('acquired')
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      pollMs: 100,
      log: line => lines.push(line)
    })
    holder.child.kill('SIGKILL')
    const killedAt = Date.now()
    const lock = await waiting
    expect(Date.now() - killedAt).toBeLessThan(5_000)
    expect(lines.join('\n')).toMatch(/Broke the stale lock .*every owner \(pid \d+\) has exited/)
    await releaseLock(lock.lockPath, lock.token)
  })

  it('job mode: the keeper releases the lock when the job anchor dies', async () => {
    const lockPath = setup()
    const anchor = startSleeper()
    const main = startHolder([
      '--path',
      lockPath,
      '--hold',
      'job',
      '--anchor-pid',
      String(anchor.pid),
      '--lease',
      '3000',
      '--keep'
    ])
    const { keeperPid } = await main.next('acquired')
    // The main step has exited; the job (anchor) and keeper still hold the lock.
    expect(await main.exited).toBe(0)
    const record = parseRecord(readFileSync(lockPath, 'utf8'))!
    expect(record.owners.map(o => [o.pid, o.role])).toEqual([
      [anchor.pid, 'job-anchor'],
      [keeperPid, 'keeper']
    ])
    await expect(
      acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    anchor.kill('SIGKILL')
    await waitUntil(() => !existsSync(lockPath), 10_000, 'the keeper to release the lock')
    await waitUntil(() => !isRunning(keeperPid as number), 5_000, 'the keeper to exit')
  })

  it('job mode: anchor and keeper both killed → a waiter breaks the lock', async () => {
    const lockPath = setup()
    const anchor = startSleeper()
    const main = startHolder([
      '--path',
      lockPath,
      '--hold',
      'job',
      '--anchor-pid',
      String(anchor.pid),
      '--lease',
      '3000',
      '--keep'
    ])
    const { keeperPid } = await main.next('acquired')
    await main.exited
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      pollMs: 200,
      log: line => lines.push(line)
    })
    // The keeper first, so it cannot release: only the staleness rule can recover this.
    process.kill(keeperPid as number, 'SIGKILL')
    anchor.kill('SIGKILL')
    const killedAt = Date.now()
    const lock = await waiting
    expect(Date.now() - killedAt).toBeLessThan(5_000)
    expect(lines.some(line => line.startsWith('Broke the stale lock'))).toBe(true)
    await releaseLock(lock.lockPath, lock.token)
  })

  it('job mode in-process: owners are the anchor and a keeper that heartbeats; release stops the keeper', async () => {
    const lockPath = setup()
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      leaseMs: 600,
      ...keeperOptions()
    })
    expect(lock.keeperPid).toBeDefined()
    const before = statSync(lockPath).mtimeMs
    await waitUntil(() => statSync(lockPath).mtimeMs > before, 5_000, 'a heartbeat from the keeper')
    await releaseLock(lock.lockPath, lock.token)
    expect(existsSync(lockPath)).toBe(false)
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to stop')
  })

  it('job mode: the keeper exits when its lock is gone (it never heartbeats a lock it lost)', async () => {
    const lockPath = setup()
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      leaseMs: 600,
      ...keeperOptions()
    })
    expect(isRunning(lock.keeperPid!)).toBe(true)
    unlinkSync(lockPath)
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to exit')
    expect(existsSync(lockPath)).toBe(false)
  })
})
