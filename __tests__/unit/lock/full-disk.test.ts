/**
 * Releasing on a full filesystem (issue 13.8, §7 "Releasing never needs new disk space"), on a
 * real one: a small tmpfs mounted for each test and filled until ENOSPC. Needs root (mount);
 * skipped with the reason where mounting is impossible.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  closeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileOps } from '../../../src/lock/atomic.js'
import {
  acquireLock,
  LockPathError,
  LockReleaseError,
  releaseLock
} from '../../../src/lock/index.js'
import { refuseLink } from '../../../testkit/linkless.js'
import { isRunning, keeperOptions, killAllHolders, startSleeper, waitUntil } from './helpers.js'

const SIZE = '256k'

function mount(dir: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0755`, 'tmpfs', dir], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' })
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
  }
}

/** Why a tmpfs cannot be mounted here, or undefined when it can (tried once, then undone). */
function cannotMount(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux tmpfs (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs'
  const probe = mkdtempSync(join(tmpdir(), 'lock-full-probe-'))
  try {
    mount(probe)
    unmount(probe)
    return undefined
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim()
    return `mounting a tmpfs failed: ${stderr || (error as Error).message}`
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

const skipReason = cannotMount()
const suite = skipReason ? describe.skip : describe

/** Fills the filesystem of `dir` to the last byte. */
function fill(dir: string): string {
  const filler = join(dir, 'filler')
  const fd = openSync(filler, 'w')
  try {
    for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 2)) {
      const bytes = Buffer.alloc(chunk)
      for (;;) {
        try {
          writeSync(fd, bytes)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break
          throw error
        }
      }
    }
  } finally {
    closeSync(fd)
  }
  // Really full: not even one byte of a new file fits.
  expect(() =>
    execFileSync('sh', ['-c', `printf x > '${dir}/probe'`], { stdio: 'ignore' })
  ).toThrow()
  rmSync(join(dir, 'probe'), { force: true })
  return filler
}

let root = ''
let dir = ''
beforeEach(() => {
  if (skipReason) return
  root = mkdtempSync(join(tmpdir(), 'lock-full-'))
  mount(root)
  dir = join(root, 'locks')
  mkdirSync(dir)
  // These tests are about this filesystem's own links (even in the forced link-less suite).
  fileOps.link = linkSync
})
afterEach(() => {
  killAllHolders()
  fileOps.link = linkSync
  if (!root) return
  unmount(root)
  rmSync(root, { recursive: true, force: true })
  root = ''
})

suite(`a full filesystem (issue 13.8)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('a process lock is released without new space, leaving nothing behind', async () => {
    const lockPath = join(dir, 'repo.lock')
    const lock = await acquireLock({ lockPath, holdFor: 'process' })
    fill(dir)
    await releaseLock(lock.lockPath, lock.token)
    expect(readdirSync(dir).sort()).toEqual(['filler', 'repo.lock.queue'])
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
  })

  it('a job lock is released without new space and its keeper stopped', async () => {
    const lockPath = join(dir, 'repo.lock')
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    await lock.keeperReady
    fill(dir)
    await releaseLock(lock.lockPath, lock.token)
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to stop')
    expect(readdirSync(dir).sort()).toEqual(['filler', 'repo.lock.queue'])
  })

  it('where releasing needs space (no hard links): ENOSPC says what happens next; the keeper is stopped; the lock is recovered when the job ends', async () => {
    const lockPath = join(dir, 'repo.lock')
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    await lock.keeperReady
    const filler = fill(dir)
    fileOps.link = refuseLink
    const release = releaseLock(lock.lockPath, lock.token)
    await expect(release).rejects.toBeInstanceOf(LockReleaseError)
    await expect(release).rejects.toThrow(
      new RegExp(
        `^Could not release the lock ${lockPath}: .*ENOSPC, no space left on the device.*\\. ` +
          'Its keeper was stopped, so the lock is recovered as soon as the processes of the job ' +
          'that holds it have exited .* Free space on that filesystem'
      )
    )
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to stop')
    // No temp file, no half-written guard.
    expect(readdirSync(dir).sort()).toEqual(['filler', 'repo.lock', 'repo.lock.queue'])

    fileOps.link = linkSync
    unlinkSync(filler)
    anchor.kill('SIGKILL')
    const lines: string[] = []
    const next = await acquireLock({
      lockPath,
      holdFor: 'process',
      pollMs: 50,
      timeoutSeconds: 5,
      log: line => lines.push(line)
    })
    expect(lines.join('\n')).toMatch(/Broke the stale lock .*every owner .* has exited/)
    await releaseLock(next.lockPath, next.token)
  })

  it('acquiring on a full disk fails clearly and leaves nothing behind', async () => {
    const lockPath = join(dir, 'repo.lock')
    fill(dir)
    const attempt = acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    await expect(attempt).rejects.toBeInstanceOf(LockPathError)
    await expect(attempt).rejects.toThrow(
      /cannot create files in it \(ENOSPC, no space left on the device\)\. Free space on that filesystem/
    )
    expect(readdirSync(dir).sort()).toEqual(['filler', 'repo.lock.queue'])
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
  })

  it('without hard links, room for one page: the O_EXCL create that fails leaves no empty file', async () => {
    const lockPath = join(dir, 'repo.lock')
    const filler = fill(dir)
    // The temp file gets the last free page; the direct create then runs out of space.
    truncateSync(filler, statSync(filler).size - 4096)
    fileOps.link = refuseLink
    const attempt = acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    await expect(attempt).rejects.toThrow(/ENOSPC, no space left on the device/)
    expect(readdirSync(dir).sort()).toEqual(['filler', 'repo.lock.queue'])
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
  })
})
