/**
 * What killed jobs, crashes and power losses leave in a store, and what the next job that takes
 * the store lock does about it (§3.1, §3.2): git's stale lock files are removed and logged (but
 * never a tree's pin lock), a store that is not a complete repository is set aside and rebuilt,
 * a creation killed halfway is never mistaken for a store, damaged refs and objects never make a
 * job fail or use bad data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawn } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { checkoutChildEnv } from '../../../testkit/checkout-child-env.js'
import {
  openCheckoutWorld,
  WORLD_TOKEN,
  type CheckoutWorld
} from '../../../testkit/checkout-world.js'
import {
  advance,
  bulkFiles,
  createRepo,
  createStandardRepo,
  revParse,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'
import { remoteGitEnv } from '../../../src/git/env.js'
import { findBrokenRefs } from '../../../src/git/repair.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(async () => {
  world.server.stallAfterBytes(undefined)
  await world.close()
})

describe('stale git lock files in the store (§3.2)', () => {
  it('are removed under the store lock and logged with their paths; a tree pin lock is left alone', async () => {
    const first = await world.job({ ref: 'main', path: 'locks' })
    const store = first.layout.store
    const stale = [
      'shallow.lock',
      'HEAD.lock',
      'config.lock',
      'packed-refs.lock',
      'refs/remotes/origin/main.lock',
      'refs/tags/v1.0.lock',
      'objects/maintenance.lock'
    ].map(lock => path.join(store, lock))
    // A tree's pin is its holder's to write (guarded by the tree lock), not the store's.
    const pinLock = path.join(store, 'refs', 'shared-checkout', 'trees', '1.lock')
    for (const file of [...stale, pinLock]) {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, '')
    }
    const tip = advance(repo, 1)
    // The hazard is real: plain git fetch fails on the stale ref lock.
    const fetch = promisify(execFile)(
      'git',
      ['fetch', '--quiet', 'origin', '+refs/heads/main:refs/remotes/origin/main'],
      {
        cwd: store,
        env: remoteGitEnv(
          world.env,
          { kind: 'token', serverUrl: world.server.url, token: WORLD_TOKEN },
          { limitBytes: 1, seconds: 30 }
        )
      }
    )
    await expect(fetch).rejects.toThrow(/main\.lock/)

    // Its objects arrived before the ref update failed; fetch-tags makes the job take the lock.
    const result = await world.job({ ref: 'main', path: 'locks', 'fetch-tags': 'true' })
    expect(result.store).toMatchObject({ sha: tip, created: false, usedStoreLock: true })
    expect([...result.repairs].sort()).toEqual([...stale].sort())
    for (const file of stale) {
      expect(existsSync(file)).toBe(false)
      expect(result.log.some(line => line.includes(file) && /stale git lock/.test(line))).toBe(true)
    }
    expect(existsSync(pinLock)).toBe(true)
  })
})

describe('a store that is not a complete repository (§3.2)', () => {
  it('is moved into aside/ with its content, with a warning, and built afresh', async () => {
    const first = await world.job({ ref: 'main', path: 'incomplete' })
    const store = first.layout.store
    rmSync(path.join(store, 'refs'), { recursive: true })
    writeFileSync(path.join(store, 'evidence.txt'), 'keep me\n')
    const result = await world.job({ ref: 'main', path: 'incomplete' })
    expect(result.store.created).toBe(true)
    expect(result.store.sha).toBe(revParse(repo, 'main'))
    expect(result.setAside).toHaveLength(1)
    const aside = result.setAside[0]
    expect(path.dirname(aside)).toBe(first.layout.aside)
    expect(path.basename(aside)).toMatch(/^store-\d{8}T\d{6}$/)
    expect(readFileSync(path.join(aside, 'evidence.txt'), 'utf8')).toBe('keep me\n')
    expect(result.log.some(l => l.startsWith('warning:') && l.includes(aside))).toBe(true)
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
    expect(world.git(result.layout.store, ['fsck', '--no-dangling', '--no-progress'])).toBe('')
  })
})

const HELD_AFTER_BYTES = 20_000

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

describe('a store creation killed halfway (§3.1)', () => {
  it('leaves a build in tmp/ that no job mistakes for a store; the next job removes it', async () => {
    const big = createRepo(world.upstream, 'acme', 'big', bulkFiles(100, 2000))
    const inputs = {
      repository: 'acme/big',
      'github-server-url': world.server.url,
      token: WORLD_TOKEN,
      root: world.root,
      cache: 'false',
      'show-progress': 'false',
      ref: 'main'
    }
    // The ref advertisements pass; the pack stops after its first bytes and is held there.
    world.server.resetCounters()
    world.server.stallAfterBytes(HELD_AFTER_BYTES)
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('testkit/checkout-child.ts')],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: checkoutChildEnv({
          inputs,
          env: world.env,
          home: world.env.HOME ?? world.dir,
          tempDir: world.dir
        })
      }
    )
    const gitPids: number[] = []
    let layoutDir = ''
    createInterface({ input: child.stdout! }).on('line', line => {
      const event = JSON.parse(line) as { event: string; pid?: number; lockFile?: string }
      if (event.event === 'tree-held') layoutDir = path.dirname(path.dirname(event.lockFile!))
      if (event.event === 'git') gitPids.push(event.pid!)
    })
    const exited = new Promise(resolve => child.on('exit', resolve))
    try {
      await until(() =>
        world.server.requests.some(r => r.method === 'POST' && r.bytesSent === HELD_AFTER_BYTES)
      )
      child.kill('SIGKILL')
      await exited
      // The runner's end-of-job cleanup: the job's processes (its git fetch included) go too.
      for (const pid of gitPids) {
        try {
          process.kill(-pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    } finally {
      child.kill('SIGKILL')
      world.server.stallAfterBytes(undefined)
    }
    const store = path.join(layoutDir, 'store')
    expect(existsSync(store)).toBe(false)
    const builds = readdirSync(path.join(layoutDir, 'tmp')).filter(n => n.startsWith('store-'))
    expect(builds).toHaveLength(1)

    const result = await world.job({ repository: 'acme/big', ref: 'main' })
    expect(result.store.created).toBe(true)
    expect(result.store.sha).toBe(revParse(big, 'main'))
    expect(result.log.join('\n')).toContain(
      `removed ${path.join(layoutDir, 'tmp', builds[0])}, left by a job that was interrupted`
    )
    expect(readdirSync(path.join(layoutDir, 'tmp')).filter(n => n.startsWith('store-'))).toEqual([])
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
  }, 60_000)
})

describe('damage from a crash or power loss', () => {
  it('a zero-length remote-tracking ref and a garbled tag ref: the next fetch still ends at the right commit, with sound refs', async () => {
    const first = await world.job({ ref: 'main', path: 'refs', 'fetch-tags': 'true' })
    const store = first.layout.store
    const broken = [
      path.join(store, 'refs', 'remotes', 'origin', 'main'),
      path.join(store, 'refs', 'tags', 'v1.0')
    ]
    writeFileSync(broken[0], '')
    writeFileSync(broken[1], 'garbage\n')
    expect(findBrokenRefs(store)).toEqual(broken)
    const tip = advance(repo, 1)
    const result = await world.job({ ref: 'main', path: 'refs', 'fetch-tags': 'true' })
    expect(result.store.sha).toBe(tip)
    expect(findBrokenRefs(result.layout.store)).toEqual([])
    expect(world.git(result.layout.store, ['rev-parse', 'refs/remotes/origin/main'])).toBe(tip)
    expect(world.git(result.treeDir, ['describe', '--tags', '--exact-match', repo.shas.v1])).toBe(
      'v1.0'
    )
  })

  // Refs are derived data: repaired in place, not a reason to download the store again.
  it('a broken ref file is removed in place: the store is kept and only the difference fetched', async () => {
    const first = await world.job({ ref: 'main', path: 'ref-in-place' })
    const file = path.join(first.layout.store, 'refs', 'remotes', 'origin', 'main')
    writeFileSync(file, '')
    advance(repo, 1)
    const result = await world.job({ ref: 'main', path: 'ref-in-place' })
    expect(result.store.created).toBe(false)
    expect(result.setAside).toEqual([])
    expect(result.repairs).toContain(file)
    expect(result.log.join('\n')).toMatch(/removed broken ref file/)
    expect(readdirSync(first.layout.aside)).toEqual([])
  })

  it('a truncated loose object: the store is set aside and rebuilt within the job, with a warning', async () => {
    const first = await world.job({ ref: 'main', path: 'loose' })
    const store = first.layout.store
    const blob = world.git(first.treeDir, ['rev-parse', 'HEAD:unix.txt'])
    const file = path.join(store, 'objects', blob.slice(0, 2), blob.slice(2))
    expect(existsSync(file)).toBe(true) // small fetches are unpacked into loose objects
    chmodSync(file, 0o644)
    truncateSync(file, Math.floor(statSync(file).size / 2))
    rmSync(first.treeDir, { recursive: true }) // the next checkout must read the blob
    const result = await world.job({ ref: 'main', path: 'loose' })
    expect(result.store.sha).toBe(revParse(repo, 'main'))
    expect(result.setAside).toHaveLength(1)
    expect(existsSync(path.join(result.setAside[0], 'objects'))).toBe(true) // kept, not deleted
    expect(result.log.join('\n')).toMatch(/warning: .*damaged objects/)
    expect(readFileSync(path.join(result.treeDir, 'unix.txt'), 'utf8')).toBe('line one\nline two\n')
    expect(world.git(result.layout.store, ['fsck', '--no-dangling', '--no-progress'])).toBe('')
  })
})
