/**
 * Waking (§2.6) when a directory cannot be watched at all (inotify instances or watches used
 * up: EMFILE, ENOSPC): the waiter says so and looks again every BLIND_RECHECK_MS, so a release
 * is still noticed promptly even with a once-a-minute poll.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { watch } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import { BLIND_RECHECK_MS, Waker, watchOps } from '../../../src/lock/wake.js'
import { tempDir } from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  watchOps.watch = watch
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function exhaustedInotify(): void {
  watchOps.watch = (() => {
    throw Object.assign(new Error('EMFILE: too many open files, watch'), { code: 'EMFILE' })
  }) as unknown as typeof watch
}

describe('a directory that cannot be watched', () => {
  it('makes the waker blind, reports it, and wakes once at once', async () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    exhaustedInotify()
    const reports: string[] = []
    const waker = new Waker([{ directory: temp.dir }], (directory, code) =>
      reports.push(`${directory} ${code}`)
    )
    expect(waker.blind).toBe(true)
    expect(reports).toEqual([`${temp.dir} EMFILE`])
    expect(await waker.wait(60_000)).toBe('event')
    waker.close()
  })

  it('a waiter with a once-a-minute poll still takes a released lock within a few rechecks', async () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process' })
    exhaustedInotify()
    const lines: string[] = []
    let releasedAt = 0
    const lock = await acquireLock({
      lockPath,
      holdFor: 'process',
      pollMs: 60_000,
      timeoutSeconds: 20,
      log: line => {
        lines.push(line)
        if (!line.startsWith('Waiting')) return
        releasedAt = Date.now()
        void releaseLock(holder.lockPath, holder.token)
      }
    })
    expect(Date.now() - releasedAt).toBeLessThan(5_000)
    expect(lines).toContain(
      `Cannot watch ${temp.dir} for changes (EMFILE): looking again every ${BLIND_RECHECK_MS} ms instead.`
    )
    await releaseLock(lock.lockPath, lock.token)
  })
})
