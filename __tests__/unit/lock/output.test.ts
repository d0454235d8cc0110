import { afterEach, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => cleanup())

const job = {
  repository: 'o/r',
  runId: '7',
  job: 'build',
  runnerName: 'runner-3',
  workflowUrl: 'https://github.com/o/r/actions/runs/7'
}

describe('waiting output (§2.6)', () => {
  it('prints the holder and queue position at start and periodically; the timeout names the holder', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process', job })
    const lines: string[] = []
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      timeoutSeconds: 0.7,
      reportEveryMs: 200,
      log: line => lines.push(line)
    })
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError)
    await expect(waiting).rejects.toThrow(
      `Timed out after 1s waiting for the lock ${lockPath}: it is held by ` +
        'run https://github.com/o/r/actions/runs/7, job build, runner runner-3'
    )
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const line of lines) {
      expect(line).toMatch(
        /^Waiting for the lock .*: held by run https:\/\/github.com\/o\/r\/actions\/runs\/7, job build, runner runner-3, .*held for \d+s; 0 waiters ahead of this job\.$/
      )
    }
    await releaseLock(holder.lockPath, holder.token)
  })

  it('by default reports once a minute; the position counts the waiters ahead', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process', job })
    const abort = new AbortController()
    let queued = (): void => undefined
    const isQueued = new Promise<void>(resolve => (queued = resolve))
    const ahead = acquireLock({
      lockPath,
      holdFor: 'process',
      signal: abort.signal,
      hooks: { onQueued: () => queued() }
    })
    await isQueued
    const lines: string[] = []
    const second = acquireLock({
      lockPath,
      holdFor: 'process',
      timeoutSeconds: 0.6,
      pollMs: 100,
      log: line => lines.push(line)
    })
    await expect(second).rejects.toBeInstanceOf(LockTimeoutError)
    // The start line only: the next one is due after 60 s (§2.6), not at every poll.
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/held by run .*runs\/7, .*; 1 waiter ahead of this job\.$/)
    abort.abort()
    await expect(ahead).rejects.toThrow(/Cancelled/)
    await releaseLock(holder.lockPath, holder.token)
  })

  it('reports the first holder seen and the queue position at arrival', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process', job })
    const waiting = acquireLock({ lockPath, holdFor: 'process' })
    setTimeout(() => void releaseLock(holder.lockPath, holder.token), 200)
    const lock = await waiting
    expect(lock.holderSeen?.token).toBe(holder.token)
    expect(lock.queuePosition).toBe(0)
    expect(lock.waitedMs).toBeGreaterThan(100)
    await releaseLock(lock.lockPath, lock.token)
  })
})
