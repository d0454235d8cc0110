/**
 * Lock files where hard links are unsupported (§2.2: FAT, exFAT, some SMB shares). Here the
 * link call is made to fail the way such filesystems fail it, on the normal temp filesystem;
 * bench/linkless-suite.sh runs the whole lock suite on a real exFAT mount instead.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createExclusive, fileOps, reapIfUnchanged } from '../../../src/lock/atomic.js'
import { acquireLock, LockTimeoutError, releaseLock } from '../../../src/lock/index.js'
import { COARSE_MTIME_SLACK_MS, localAgeMs, mtimeStepMs } from '../../../src/lock/observation.js'
import { forceLinklessFromEnv, refusedLinks } from '../../../testkit/linkless.js'
import { killAllHolders, startHolder } from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  fileOps.link = linkSync
  killAllHolders()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/**
 * Always on the normal temp filesystem, even under bench/linkless-suite.sh (LOCK_TEST_DIR):
 * these tests inject the failure and also check modes, symlinks and fine mtimes.
 */
function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lock-test-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Makes every hard link fail with `code`, as a link-less filesystem does; counts attempts. */
function withoutLinks(code: string): { attempts: number } {
  const counter = { attempts: 0 }
  fileOps.link = () => {
    counter.attempts++
    throw Object.assign(new Error(`${code}: link not supported`), { code })
  }
  return counter
}

describe('creation without hard links: the O_CREAT|O_EXCL fallback (§2.2)', () => {
  it.each(['EPERM', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP'])(
    'link fails with %s: the file is still created exclusively, complete, owner-only write',
    code => {
      const dir = setup()
      const links = withoutLinks(code)
      const path = join(dir, 'repo.lock')
      expect(createExclusive(path, '{"first":true}')).toBe(true)
      expect(createExclusive(path, '{"second":true}')).toBe(false)
      expect(links.attempts).toBe(2)
      expect(readFileSync(path, 'utf8')).toBe('{"first":true}')
      expect(statSync(path).mode & 0o777).toBe(0o644)
      // No temp file is left behind.
      expect(readdirSync(dir)).toEqual(['repo.lock'])
    }
  )

  it('never writes through a dangling symlink planted at the path', () => {
    const dir = setup()
    withoutLinks('EPERM')
    const target = join(dir, 'would-be-created')
    symlinkSync(target, join(dir, 'repo.lock'))
    expect(createExclusive(join(dir, 'repo.lock'), 'x')).toBe(false)
    expect(existsSync(target)).toBe(false)
  })

  it('other link errors are not mistaken for "unsupported"', () => {
    const dir = setup()
    withoutLinks('EIO')
    expect(() => createExclusive(join(dir, 'repo.lock'), 'x')).toThrow(/EIO/)
    expect(existsSync(join(dir, 'repo.lock'))).toBe(false)
  })

  it('a newer file set aside by a breaker is put back as a copy (content and mtime kept)', () => {
    const dir = setup()
    withoutLinks('EPERM')
    const path = join(dir, 'repo.lock.guard')
    writeFileSync(path, 'newer guard')
    const mtime = new Date(Date.now() - 1234)
    utimesSync(path, mtime, mtime)
    expect(reapIfUnchanged(path, () => false)).toBe('restored')
    expect(readFileSync(path, 'utf8')).toBe('newer guard')
    expect(Math.abs(statSync(path).mtimeMs - mtime.getTime())).toBeLessThan(1)
    expect(readdirSync(dir)).toEqual(['repo.lock.guard'])
  })

  it('… but never over a file created at the path in between', () => {
    const dir = setup()
    withoutLinks('EPERM')
    const path = join(dir, 'repo.lock.guard')
    writeFileSync(path, 'set aside')
    const outcome = reapIfUnchanged(path, () => {
      writeFileSync(path, 'created in between')
      return false
    })
    expect(outcome).toBe('displaced')
    expect(readFileSync(path, 'utf8')).toBe('created in between')
  })

  it('the lock works end to end without links: exclusion, release, retake', async () => {
    const dir = setup()
    const links = withoutLinks('EPERM')
    const lockPath = join(dir, 'repo.lock')
    const first = await acquireLock({ lockPath, holdFor: 'process' })
    await expect(
      acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    ).rejects.toBeInstanceOf(LockTimeoutError)
    await releaseLock(first.lockPath, first.token)
    expect(existsSync(lockPath)).toBe(false)
    const second = await acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    await releaseLock(second.lockPath, second.token)
    // Lock, queue entries and guards all went through the fallback.
    expect(links.attempts).toBeGreaterThanOrEqual(6)
    expect(readdirSync(dir)).toEqual(['repo.lock.queue'])
  })
})

describe('coarse file timestamps (FAT 2 s, exFAT 1 s)', () => {
  const snapshot = (mtimeMs: number) => ({ content: '', mtimeMs, ino: 1, size: 0 })

  it('an mtime on a whole second may have been rounded down: it does not add age', () => {
    const now = 1_764_336_000_500
    expect(localAgeMs(snapshot(1_764_336_000_000), now)).toBe(0)
    expect(localAgeMs(snapshot(1_764_335_990_000), now)).toBe(10_500 - COARSE_MTIME_SLACK_MS)
  })

  it('a fine-grained mtime counts in full', () => {
    const now = 1_764_336_000_500
    expect(localAgeMs(snapshot(1_764_336_000_000.25), now)).toBe(499.75)
  })

  it('the lease rule waits one timestamp step longer for a whole-second mtime', () => {
    expect(mtimeStepMs(snapshot(1_764_336_000_000))).toBe(COARSE_MTIME_SLACK_MS)
    expect(mtimeStepMs(snapshot(1_764_336_000_000.25))).toBe(0)
  })
})

describe('LOCK_FORCE_LINKLESS=1 puts the whole lock suite on the fallback', () => {
  it('unset: the real link call stays; set: link is refused and files are still created', () => {
    fileOps.link = linkSync
    expect(forceLinklessFromEnv({})).toBe(false)
    expect(fileOps.link).toBe(linkSync)
    expect(forceLinklessFromEnv({ LOCK_FORCE_LINKLESS: '1' })).toBe(true)
    const dir = setup()
    const before = refusedLinks.count
    expect(createExclusive(join(dir, 'repo.lock'), 'x')).toBe(true)
    expect(refusedLinks.count).toBe(before + 1)
    expect(readFileSync(join(dir, 'repo.lock'), 'utf8')).toBe('x')
  })

  it('reaches holder processes through the environment (and so their keepers)', async () => {
    const dir = setup()
    // Through `env`: jest's process.env is a copy that spawned processes never see.
    const holder = startHolder(
      ['--path', join(dir, 'repo.lock'), '--hold-ms', '0'],
      ['env', 'LOCK_FORCE_LINKLESS=1']
    )
    const acquired = await holder.next('acquired')
    // At least the queue entry and the lock itself were created without a link.
    expect(acquired.refusedLinks).toBeGreaterThanOrEqual(2)
    await holder.next('released')
    expect(await holder.exited).toBe(0)
  })
})
