import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { localFacts } from '../../../src/lock/identity.js'
import { parseRecord } from '../../../src/lock/record.js'
import { killAllHolders, startHolder, tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

// A holder in its own PID and UTS namespace: another "host" whose PIDs cannot be checked from
// here, so only its heartbeat lease tells (§2.4). --kill-child ends it with unshare.
const OTHER_NAMESPACE = [
  'unshare',
  '--pid',
  '--uts',
  '--mount',
  '--fork',
  '--mount-proc',
  '--kill-child',
  '--',
  'sh',
  '-c',
  'hostname lock-test-ns && exec "$0" "$@"'
]
/** Short enough for a fast test, long enough for a loaded machine's heartbeat gaps. */
const LEASE_MS = 800

describe('holder in another PID + UTS namespace (lease rule)', () => {
  it('is never broken while it heartbeats, and is recovered after the lease once dead', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const lockPath = join(temp.dir, 'repo.lock')
    const holder = startHolder(
      ['--path', lockPath, '--hold-ms', '-1', '--lease', String(LEASE_MS)],
      OTHER_NAMESPACE
    )
    await holder.next('acquired')
    const record = parseRecord(readFileSync(lockPath, 'utf8'))!
    expect(record.host).toBe('lock-test-ns')
    expect(record.pidNamespace).not.toBe(localFacts().pidNamespace)

    // Three lease periods of waiting: the live, heartbeating holder keeps its lock.
    const options = { lockPath, holdFor: 'process' as const, leaseMs: LEASE_MS, pollMs: 50 }
    await expect(
      acquireLock({ ...options, timeoutSeconds: (3 * LEASE_MS) / 1000 })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    expect(parseRecord(readFileSync(lockPath, 'utf8'))?.token).toBe(record.token)

    holder.child.kill('SIGKILL')
    await holder.exited
    const killedAt = Date.now()
    const lines: string[] = []
    const lock = await acquireLock({ ...options, log: line => lines.push(line) })
    const recoveredMs = Date.now() - killedAt
    expect(recoveredMs).toBeGreaterThanOrEqual(LEASE_MS - 100)
    expect(recoveredMs).toBeLessThan(5_000)
    expect(lines.join('\n')).toMatch(/Broke the stale lock .*no heartbeat seen/)
    await releaseLock(lock.lockPath, lock.token)
  })
})
