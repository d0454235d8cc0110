import { afterEach, describe, expect, it } from '@jest/globals'
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  lstatSync
} from 'node:fs'
import { join } from 'node:path'
import { acquireLock, LockPathError, releaseLock } from '../../../src/lock/index.js'
import { killAllHolders, startHolder, tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

function setup(): { dir: string; lockPath: string; target: string } {
  const temp = tempDir()
  cleanup = temp.cleanup
  const target = join(temp.dir, 'precious.txt')
  writeFileSync(target, 'precious\n')
  return { dir: temp.dir, lockPath: join(temp.dir, 'repo.lock'), target }
}

describe('safety of the lock files (§2.9)', () => {
  it('a symlink planted at the lock path is refused, never followed', async () => {
    const { lockPath, target } = setup()
    symlinkSync(target, lockPath)
    const attempt = acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    await expect(attempt).rejects.toBeInstanceOf(LockPathError)
    await expect(attempt).rejects.toThrow(/is a symbolic link, not a lock file/)
    expect(readFileSync(target, 'utf8')).toBe('precious\n')
    expect(lstatSync(lockPath).isSymbolicLink()).toBe(true)
  })

  it('a dangling symlink at the lock path is not written through', async () => {
    const { dir, lockPath } = setup()
    const nowhere = join(dir, 'would-be-created')
    symlinkSync(nowhere, lockPath)
    await expect(
      acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    ).rejects.toBeInstanceOf(LockPathError)
    expect(readdirSync(dir)).not.toContain('would-be-created')
  })

  it('a symlink planted as a queue entry is neither followed nor waited for', async () => {
    const { lockPath, target } = setup()
    mkdirSync(`${lockPath}.queue`)
    symlinkSync(target, join(`${lockPath}.queue`, '000000000001'))
    const lock = await acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })
    expect(lock.queuePosition).toBe(0)
    await releaseLock(lock.lockPath, lock.token)
    expect(readFileSync(target, 'utf8')).toBe('precious\n')
    expect(lstatSync(join(`${lockPath}.queue`, '000000000001')).isSymbolicLink()).toBe(true)
  })

  it('symlinks at the queue directory and the guard are refused', async () => {
    const { dir, lockPath, target } = setup()
    const elsewhere = join(dir, 'elsewhere')
    mkdirSync(elsewhere)
    symlinkSync(elsewhere, `${lockPath}.queue`)
    await expect(acquireLock({ lockPath, holdFor: 'process', timeoutSeconds: 0 })).rejects.toThrow(
      /repo\.lock\.queue: is a symbolic link/
    )
    expect(readdirSync(elsewhere)).toEqual([])

    const other = join(dir, 'other.lock')
    const lock = await acquireLock({ lockPath: other, holdFor: 'process' })
    symlinkSync(target, `${other}.guard`)
    await expect(releaseLock(lock.lockPath, lock.token)).rejects.toThrow(
      /other\.lock\.guard: is a symbolic link/
    )
    expect(readFileSync(target, 'utf8')).toBe('precious\n')
  })

  it('creates the parent directory and files with owner-only write (0644)', async () => {
    const { dir } = setup()
    const lockPath = join(dir, 'a', 'b', 'repo.lock')
    process.umask(0o077)
    try {
      const lock = await acquireLock({ lockPath, holdFor: 'process' })
      expect(statSync(lockPath).mode & 0o777).toBe(0o644)
      await releaseLock(lock.lockPath, lock.token)
    } finally {
      process.umask(0o022)
    }
  })

  it('a lock directory that is not writable → LockPathError naming it and what to do', async () => {
    const { dir } = setup()
    const readOnly = join(dir, 'read-only')
    mkdirSync(readOnly)
    chmodSync(dir, 0o755)
    chmodSync(readOnly, 0o555)
    const lockPath = join(readOnly, 'repo.lock')
    // Root may write anywhere: take the lock as an unprivileged user when running as root.
    const asNobody =
      process.getuid?.() === 0
        ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
        : []
    const holder = startHolder(['--path', lockPath, '--timeout', '0'], asNobody)
    expect(await holder.exited).toBe(2)
    const error = holder.events.find(e => e.event === 'error')
    expect(error?.name).toBe('LockPathError')
    expect(String(error?.message)).toContain(
      `Lock path ${readOnly}: cannot create or write lock files in it (EACCES)`
    )
    expect(String(error?.message)).toMatch(/Make this directory writable by the runner user/)
  })
})

describe('leftovers of killed processes', () => {
  it('old temp and set-aside files are swept at the next acquisition; young ones are kept', async () => {
    const { dir, lockPath } = setup()
    const queue = `${lockPath}.queue`
    mkdirSync(queue)
    const old = new Date(Date.now() - 3_600_000)
    const leftovers = [
      join(dir, '.repo.lock.0123abcd.tmp'),
      join(dir, '.repo.lock.guard.0123abcd.tmp'),
      join(dir, '.repo.lock.reap-0123abcd'),
      join(queue, '.000000000004.0123abcd.tmp')
    ]
    for (const path of leftovers) {
      writeFileSync(path, '')
      utimesSync(path, old, old)
    }
    const young = join(dir, '.repo.lock.fedc0000.tmp')
    const unrelated = join(dir, '.other.lock.0123abcd.tmp')
    writeFileSync(young, '')
    writeFileSync(unrelated, '')
    utimesSync(unrelated, old, old)
    const lock = await acquireLock({ lockPath, holdFor: 'process' })
    await releaseLock(lock.lockPath, lock.token)
    expect(readdirSync(dir).sort()).toEqual(
      [
        '.other.lock.0123abcd.tmp',
        '.repo.lock.fedc0000.tmp',
        'precious.txt',
        'repo.lock.queue'
      ].sort()
    )
    expect(readdirSync(queue)).toEqual([])
  })
})
