import { afterEach, describe, expect, it } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, LockCancelledError, releaseLock } from '../../../src/lock/index.js'
import { killAllHolders, startHolder, tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

describe('cancellation while waiting (§2.8)', () => {
  it('SIGINT removes the queue entry, exits non-zero, and does not delay the next waiter', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const queueDir = `${lockPath}.queue`
    const holder = await acquireLock({ lockPath, holdFor: 'process' })
    // Both poll once a minute: only notifications and a clean queue make them fast.
    const slow = ['--poll', '60000']
    const cancelled = startHolder(['--path', lockPath, ...slow, '--job', 'cancelled'])
    const { ticket: cancelledTicket } = await cancelled.next('queued')
    const next = startHolder(['--path', lockPath, ...slow, '--job', 'next'])
    const { ticket: nextTicket } = await next.next('queued')
    expect(readdirSync(queueDir).sort()).toEqual([cancelledTicket, nextTicket])

    cancelled.child.kill('SIGINT')
    expect(await cancelled.exited).not.toBe(0)
    const error = cancelled.events.find(e => e.event === 'error')
    expect(error?.name).toBe('LockCancelledError')
    expect(String(error?.message)).toContain(lockPath)
    expect(readdirSync(queueDir)).toEqual([nextTicket])

    const released = Date.now()
    await releaseLock(holder.lockPath, holder.token)
    await next.next('acquired', 5_000)
    expect(Date.now() - released).toBeLessThan(5_000)
    expect(await next.exited).toBe(0)
  })

  it('an AbortSignal rejects with LockCancelledError and leaves no queue entry', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process' })
    const abort = new AbortController()
    const waiting = acquireLock({
      lockPath,
      holdFor: 'process',
      signal: abort.signal,
      hooks: { onQueued: () => void setTimeout(() => abort.abort(), 50) }
    })
    await expect(waiting).rejects.toBeInstanceOf(LockCancelledError)
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
    await releaseLock(holder.lockPath, holder.token)
  })
})
