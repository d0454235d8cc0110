/**
 * The Actions cache warm start of the store (§4) through the emulator, against
 * testkit/cache-server.ts (service v2): machine A saves its freshly created store (the archive's
 * `.git` is the bare store: no working tree, no token, no lock file), machine B restores it and
 * fetches only the difference; an older period's entry is found through the restore key and
 * this period's is saved; a foreign or truncated archive is discarded; `cache: false` makes no
 * cache call; an unusable service never fails the job.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  envFor,
  readArchive,
  startCacheServer,
  type CacheServer
} from '../../testkit/cache-server.js'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createRepo, revParse, type FixtureRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, git, repoPathsOfTree, warnings } from './helpers.js'

let world: E2EWorld
let cache: CacheServer
let repo: FixtureRepo
let victim: FixtureRepo
beforeAll(async () => {
  world = await createWorld()
  cache = await startCacheServer()
  const files: Record<string, Buffer> = {}
  for (let i = 0; i < 12; i++) files[`blobs/${i}.bin`] = randomBytes(64 * 1024)
  repo = createRepo(world.upstream, 'acme', 'big', files)
  victim = createRepo(world.upstream, 'acme', 'victim')
})
afterAll(async () => {
  await cache.stop()
  await world.close()
})

/** A job on a fresh machine (its own root) that talks to `server` (default: the good cache). */
async function machine(
  name: string,
  extra: { with?: Record<string, string>; server?: CacheServer | null; repository?: string } = {}
): Promise<{ result: JobResult; bytes: number; cacheCalls: number }> {
  const bytesBefore = world.server.totalBytesSent()
  const server = extra.server === undefined ? cache : extra.server
  const callsBefore = server?.requests.length ?? 0
  const result = await world.job({
    repository: extra.repository ?? 'acme/big',
    with: { ref: 'main', ...(extra.with ?? {}) },
    env: {
      ...(server ? envFor(server) : {}),
      SHARED_CHECKOUT_ROOT: path.join(world.scratch, name)
    }
  }).result
  expectConclusion(result, 'success')
  return {
    result,
    bytes: world.server.totalBytesSent() - bytesBefore,
    cacheCalls: (server?.requests.length ?? 0) - callsBefore
  }
}

/** The entries of a stored archive (zstd-compressed tar), and the tar itself. */
async function archiveOf(key: string): Promise<{ archive: Buffer; tar: Buffer; names: string[] }> {
  const archive = await readArchive(cache, key)
  const tar = execFileSync('zstd', ['-d', '-c'], { input: archive, maxBuffer: 1 << 28 })
  const names = execFileSync('tar', ['-t'], { input: tar, maxBuffer: 1 << 28, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
  return { archive, tar, names }
}

/** Extracts a stored archive into a fresh directory; returns the directory. */
async function extract(key: string, into: string): Promise<string> {
  const { tar } = await archiveOf(key)
  mkdirSync(into, { recursive: true })
  execFileSync('tar', ['-x', '-C', into], { input: tar, maxBuffer: 1 << 28 })
  return into
}

it('machine A saves its store, machine B restores it and fetches only the new commits', async () => {
  const a = await machine('machine-a')
  expect(a.result.outputs['cache-hit']).toBe('false')
  expect(a.result.outputs.cloned).toBe('true')
  expect(a.result.summary).toMatch(/\| cache save \| \d+(\.\d)? (ms|s) \|/)
  const entries = cache.entries()
  expect(entries).toHaveLength(1)
  const key = entries[0].key
  expect(key).toMatch(/^shared-checkout-v2-linux-.*acme\/big-\d{4}-W\d{2}$/)

  // §4: the archive's .git is the bare store — no working tree, no index, no lock file, and
  // no token (plain or in basic-auth form).
  const { archive, tar, names } = await archiveOf(key)
  expect(names.length).toBeGreaterThan(5)
  for (const entry of names) {
    expect(entry).toMatch(/^\.git(\/|$)/)
    expect(entry).not.toMatch(/\.lock$/)
  }
  expect(names).toEqual(expect.arrayContaining(['.git/HEAD', '.git/config']))
  expect(names).not.toContain('.git/index')
  expect(names.some(n => n.startsWith('.git/blobs'))).toBe(false)
  const basic = Buffer.from(`x-access-token:${world.token}`).toString('base64')
  for (const bytes of [archive, tar]) {
    expect(bytes.includes(world.token)).toBe(false)
    expect(bytes.includes(basic)).toBe(false)
  }
  const saved = path.join(await extract(key, path.join(world.scratch, 'saved-a')), '.git')
  expect(git(saved, ['rev-parse', '--is-bare-repository'])).toBe('true')
  expect(git(saved, ['cat-file', '-t', revParse(repo, 'main')])).toBe('commit')

  const tip = advance(repo, 2)
  const b = await machine('machine-b')
  expect(b.result.outputs['cache-hit']).toBe('true')
  expect(b.result.outputs.cloned).toBe('true')
  expect(b.result.outputs.commit).toBe(tip)
  expect(b.result.summary).toMatch(/\| Cache \| store restored from the Actions cache \|/)
  expect(git(b.result.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
  expect(
    git(repoPathsOfTree(b.result.outputs.path).store, ['rev-parse', '--is-bare-repository'])
  ).toBe('true')
  // B did talk to the git server (the difference), but got none of the restored history again.
  expect(b.bytes).toBeGreaterThan(0)
  expect(b.bytes * 10).toBeLessThan(a.bytes)
  // Same period: B found the exact key and saved nothing new.
  expect(cache.entries()).toHaveLength(1)
}, 60_000)

/** The entry machine A saved for acme/big under the default prefix. */
function bigEntry() {
  const entry = cache
    .entries()
    .find(e => e.key.startsWith('shared-checkout-v2-') && e.key.includes('acme/big'))
  if (!entry) throw new Error(`no acme/big entry in ${cache.entries().map(e => e.key)}`)
  return entry
}

it('an entry of an older period is restored through the restore key, and this period is saved', async () => {
  const big = bigEntry()
  // `cache-key: older` gives this test its own key space: older-<os>-<repo>-<week>.
  const current = big.key.replace(/^shared-checkout-v2-/, 'older-')
  const seeded = current.replace(/\d{4}-W\d{2}$/, '2000-W01')
  expect(seeded).not.toBe(current)
  await cache.putArchive(seeded, big.version, await readArchive(cache, big.key))
  const tip = advance(repo, 1)
  const f = await machine('machine-f', { with: { 'cache-key': 'older' } })
  expect(f.result.outputs['cache-hit']).toBe('true')
  expect(f.result.outputs.commit).toBe(tip)
  // 12 × 64 KiB of incompressible history came from the archive; the network sent one commit.
  expect(f.bytes).toBeGreaterThan(0)
  expect(f.bytes).toBeLessThan(64 * 1024)
  // No entry for the current period existed: the synced store was saved under it.
  expect(cache.entries().map(e => e.key)).toContain(current)
  // The new entry holds the fetched tip, not just the old period's history.
  const saved = path.join(await extract(current, path.join(world.scratch, 'saved-f')), '.git')
  expect(git(saved, ['cat-file', '-t', tip])).toBe('commit')
}, 60_000)

it('cache: false makes no cache call and leaves cache-hit empty', async () => {
  const c = await machine('machine-c', { with: { cache: 'false' } })
  expect(c.cacheCalls).toBe(0)
  expect(c.result.outputs['cache-hit']).toBe('')
  expect(c.result.outputs.cloned).toBe('true')
  expect(c.result.outputs.commit).toBe(revParse(repo, 'main'))
}, 60_000)

it('without a cache service: cache-hit is empty and the summary says the cache was not consulted', async () => {
  const n = await machine('machine-n', { server: null })
  expect(n.result.outputs.cloned).toBe('true')
  expect(
    n.result.annotations.some(a => a.level === 'notice' && /Cache restore skipped/.test(a.message))
  ).toBe(true)
  expect(n.result.outputs['cache-hit']).toBe('')
  expect(n.result.summary).toMatch(/\| Cache \| not consulted \|/)
}, 60_000)

it('an archive of another repository is discarded with a warning; the good store is saved', async () => {
  const big = bigEntry()
  const victimKey = big.key.replace('acme/big', 'acme/victim')
  expect(victimKey).not.toBe(big.key)
  // Older period, same prefix: found through the restore key.
  const seeded = victimKey.replace(/\d{4}-W\d{2}$/, '2000-W01')
  await cache.putArchive(seeded, big.version, await readArchive(cache, big.key))
  const v = await machine('machine-v', { repository: 'acme/victim' })
  expect(v.result.outputs['cache-hit']).toBe('false')
  expect(v.result.outputs.commit).toBe(revParse(victim, 'main'))
  expect(warnings(v.result)).toMatch(
    new RegExp(
      `Cache entry ${seeded.replace(/[.]/g, '\\.')} does not hold a usable store of .*acme/victim`
    )
  )
  // Nothing of acme/big reached acme/victim's store.
  const store = repoPathsOfTree(v.result.outputs.path).store
  expect(() => git(store, ['cat-file', '-e', revParse(repo, 'main')])).toThrow()
  expect(cache.entries().map(e => e.key)).toContain(victimKey)
}, 60_000)

it('a truncated archive is discarded with a warning and the store comes from the network', async () => {
  const key = bigEntry().key
  await cache.corrupt(key)
  const d = await machine('machine-d')
  expect(d.result.outputs['cache-hit']).toBe('false')
  expect(d.result.outputs.cloned).toBe('true')
  expect(d.result.outputs.commit).toBe(revParse(repo, 'main'))
  expect(warnings(d.result)).toMatch(/could not be downloaded or extracted/)
  git(repoPathsOfTree(d.result.outputs.path).store, [
    'fsck',
    '--no-progress',
    '--connectivity-only'
  ])
}, 60_000)

it('a cache service answering 404 or 400 to everything never fails the job', async () => {
  const modes = ['notfound-404', 'badrequest-400'] as const
  const servers = await Promise.all(modes.map(() => startCacheServer()))
  try {
    const runs = await Promise.all(
      modes.map((mode, i) => {
        servers[i].failMode = mode
        return machine(`machine-${mode}`, { server: servers[i] })
      })
    )
    runs.forEach((e, i) => {
      expect(e.result.outputs['cache-hit']).toBe('false')
      expect(e.result.outputs.cloned).toBe('true')
      expect(e.result.outputs.commit).toBe(revParse(repo, 'main'))
      expect(e.cacheCalls).toBeGreaterThan(0)
      // A correct checkout *with a warning* that names the failed cache call.
      expect(warnings(e.result)).toMatch(/restore|cache/i)
      expect(servers[i].entries()).toEqual([])
    })
  } finally {
    await Promise.all(servers.map(s => s.stop()))
  }
}, 60_000)
