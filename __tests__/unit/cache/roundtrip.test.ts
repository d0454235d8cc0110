/**
 * @actions/cache for real against testkit/cache-server.ts: machine A saves, machine B (another
 * root, another clone path) restores, then fetches only the difference.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { memoryLogger } from '../../../src/logger.js'
import { restoreCloneFromCache } from '../../../src/cache/restore.js'
import { saveCloneToCache } from '../../../src/cache/save.js'
import {
  envFor,
  readArchive,
  startCacheServer,
  type CacheServer
} from '../../../testkit/cache-server.js'
import { appendCommits, generateRepo } from '../../../testkit/generate-repo.js'

const TOKEN = 'ghs_SecretTokenValue1234567890abcdef'
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

let work: string
let server: CacheServer
/** Fresh per test: every test gets its own machines. */
let machines: string
let upstream: string
let upstreamUrl: string
let otherUpstreamUrl: string
const savedEnv = { ...process.env }
const savedCwd = process.cwd()

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cache-roundtrip-'))
  upstream = join(work, 'upstream.git')
  await generateRepo(upstream, { commits: 300, files: 200 })
  upstreamUrl = `file://${upstream}`
  const other = join(work, 'other.git')
  await generateRepo(other, { commits: 20, files: 10, seed: 2 })
  otherUpstreamUrl = `file://${other}`
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

beforeEach(async () => {
  server = await startCacheServer()
  machines = await mkdtemp(join(work, 'test-'))
  const runnerTemp = join(machines, 'runner-temp')
  await mkdir(runnerTemp)
  Object.assign(process.env, envFor(server, runnerTemp))
})

afterEach(async () => {
  await server.stop()
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
  Object.assign(process.env, savedEnv)
  expect(process.cwd()).toBe(savedCwd)
})

/** A machine's clone path under its own root, as paths.ts lays them out. */
function clonePathOn(machine: string): string {
  return join(machines, machine, 'root', 'github.com', 'owner', 'repo')
}

async function cloneOn(machine: string, url = upstreamUrl): Promise<string> {
  const clonePath = clonePathOn(machine)
  await mkdir(dirname(clonePath), { recursive: true })
  git(work, 'clone', '--quiet', url, clonePath)
  return clonePath
}

async function objectCount(repo: string): Promise<number> {
  const stats = Object.fromEntries(
    git(repo, 'count-objects', '-v')
      .split('\n')
      .map(line => line.split(': '))
  )
  return Number(stats.count) + Number(stats['in-pack'])
}

async function siblingsOf(clonePath: string): Promise<string[]> {
  return readdir(dirname(clonePath)).catch(() => [])
}

describe('save on machine A, restore on machine B', () => {
  it('restores a valid clone at another path and fetches only the difference', async () => {
    const a = await cloneOn('machine-a')
    const key = 'shared-checkout-v1-linux-github.com/owner/repo-2026-W48'
    const saved = await saveCloneToCache({ clonePath: a, key, logger: memoryLogger() })
    expect(saved).toEqual({ saved: true, cacheId: expect.any(Number) })

    const b = clonePathOn('machine-b')
    await mkdir(dirname(b), { recursive: true })
    const log = memoryLogger()
    const restored = await restoreCloneFromCache({
      clonePath: b,
      key: 'shared-checkout-v1-linux-github.com/owner/repo-2026-W49',
      restoreKeys: ['shared-checkout-v1-linux-github.com/owner/repo-'],
      expectedRemote: upstreamUrl,
      logger: log
    })
    expect(restored).toEqual({ hit: true, matchedKey: key, exactMatch: false })
    expect(await readdir(b)).toEqual(['.git'])
    expect(git(b, 'config', '--get', 'remote.origin.url')).toBe(upstreamUrl)
    expect(git(b, 'rev-parse', 'HEAD')).toBe(git(upstream, 'rev-parse', 'main'))
    expect(await siblingsOf(b)).toEqual(['repo'])
    git(b, 'checkout', '--quiet', '--force', 'HEAD')
    expect((await readdir(join(b, 'src'))).length).toBeGreaterThan(0)

    const before = await objectCount(b)
    const newHead = await appendCommits(upstream, 5)
    git(b, 'fetch', '--quiet', 'origin')
    expect(git(b, 'rev-parse', 'origin/main')).toBe(newHead)
    const fetched = (await objectCount(b)) - before
    // 5 commits touching ≤ 3 files each (src/module-M/part-P/file-N.txt): per commit 1 commit,
    // ≤ 8 trees (root, src, 3 modules, 3 parts) and ≤ 3 blobs — not the 1000s of a clone.
    expect(fetched).toBeGreaterThan(0)
    expect(fetched).toBeLessThanOrEqual(5 * 12)
    expect(before).toBeGreaterThan(1000)
  })

  it('discards a truncated archive with a warning and leaves nothing at the clone path', async () => {
    const a = await cloneOn('machine-a')
    const key = 'k-truncated'
    expect((await saveCloneToCache({ clonePath: a, key, logger: memoryLogger() })).saved).toBe(true)
    await server.corrupt(key)

    const c = clonePathOn('machine-c')
    await mkdir(dirname(c), { recursive: true })
    // What a job killed mid-restore or mid-save leaves behind; removed under the lock.
    await mkdir(`${c}.cache-restore-0123456789ab/.git`, { recursive: true })
    await mkdir(`${c}.cache-save-0123456789ab/.git`, { recursive: true })
    const log = memoryLogger()
    const restored = await restoreCloneFromCache({
      clonePath: c,
      key,
      restoreKeys: [],
      expectedRemote: upstreamUrl,
      logger: log
    })
    expect(restored.hit).toBe(false)
    expect(log.lines.filter(line => line.startsWith('warning:')).join('\n')).toMatch(
      /could not be downloaded or extracted/
    )
    expect(await siblingsOf(c)).toEqual([])
  })

  it('discards an archive of another repository with a warning', async () => {
    const foreign = await cloneOn('machine-x', otherUpstreamUrl)
    const key = 'k-foreign'
    expect(
      (await saveCloneToCache({ clonePath: foreign, key, logger: memoryLogger() })).saved
    ).toBe(true)

    const d = clonePathOn('machine-d')
    await mkdir(dirname(d), { recursive: true })
    const log = memoryLogger()
    const restored = await restoreCloneFromCache({
      clonePath: d,
      key,
      restoreKeys: [],
      expectedRemote: upstreamUrl,
      logger: log
    })
    expect(restored).toEqual({ hit: false, matchedKey: key })
    expect(log.lines.join('\n')).toMatch(
      /warning: Cache entry k-foreign does not hold a usable clone/
    )
    expect(await siblingsOf(d)).toEqual([])
  })

  it('uses a plugged-in verification instead of its own', async () => {
    const a = await cloneOn('machine-a')
    await saveCloneToCache({ clonePath: a, key: 'k-plug', logger: memoryLogger() })
    const e = clonePathOn('machine-e')
    await mkdir(dirname(e), { recursive: true })
    const seen: string[] = []
    const restored = await restoreCloneFromCache({
      clonePath: e,
      key: 'k-plug',
      restoreKeys: [],
      expectedRemote: upstreamUrl,
      verifyRepository: async dir => {
        seen.push(dir)
        return { valid: false, reason: 'the git layer says no' }
      },
      logger: memoryLogger()
    })
    expect(restored.hit).toBe(false)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(/repo\.cache-restore-/)
    expect(await siblingsOf(e)).toEqual([])
  })
})

describe('a restored archive is untrusted', () => {
  it('drops hooks, alternates and code-running config before the clone is used', async () => {
    const a = await cloneOn('machine-a')
    git(a, 'config', 'core.fsmonitor', 'touch /tmp/pwned')
    await writeFile(join(a, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nexit 1\n', {
      mode: 0o755
    })
    await writeFile(join(a, '.git', 'objects', 'info', 'alternates'), '/nonexistent/objects\n')
    // Packed by hand, as a hostile job could: @actions/cache's own version for ['.git'] + zstd.
    const archive = execFileSync(
      'tar',
      ['--posix', '-c', '--use-compress-program', 'zstd', '-C', a, '.git'],
      {
        maxBuffer: 1 << 30
      }
    )
    const version = createHash('sha256')
      .update(['.git', 'zstd-without-long', '1.0'].join('|'))
      .digest('hex')
    await server.putArchive('k-hostile', version, archive)

    const b = clonePathOn('machine-b')
    await mkdir(dirname(b), { recursive: true })
    const restored = await restoreCloneFromCache({
      clonePath: b,
      key: 'k-hostile',
      restoreKeys: [],
      expectedRemote: upstreamUrl,
      logger: memoryLogger()
    })
    expect(restored.hit).toBe(true)
    expect(
      git(b, 'config', '--local', '--get-regexp', '.')
        .split('\n')
        .map(line => line.split(' ')[0])
        .sort()
    ).toEqual([
      'branch.main.merge',
      'branch.main.remote',
      'core.bare',
      'core.filemode',
      'core.logallrefupdates',
      'core.repositoryformatversion',
      'remote.origin.fetch',
      'remote.origin.url'
    ])
    await expect(stat(join(b, '.git', 'hooks'))).rejects.toThrow(/ENOENT/)
    await expect(stat(join(b, '.git', 'objects', 'info', 'alternates'))).rejects.toThrow(/ENOENT/)
    git(b, 'checkout', '--quiet', '--force', 'HEAD')
  })
})

describe('what is archived', () => {
  it('holds .git only: no token, no lock files, no hooks, no logs, no working tree', async () => {
    const a = await cloneOn('machine-a')
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
    git(a, 'config', 'http.https://github.com/.extraheader', header)
    git(a, 'config', 'credential.helper', `store --file=/tmp/${TOKEN}`)
    git(
      a,
      'config',
      'remote.origin.pushurl',
      `https://x-access-token:${TOKEN}@github.com/owner/repo`
    )
    git(a, 'config', 'submodule.lib.url', `https://x-access-token:${TOKEN}@github.com/owner/lib`)
    await writeFile(
      join(a, '.git', 'FETCH_HEAD'),
      `abc\t\tbranch 'main' of https://${TOKEN}@github.com/o/r\n`
    )
    await appendFile(join(a, '.git', 'logs', 'HEAD'), `fetch: https://${TOKEN}@github.com/o/r\n`)
    await writeFile(join(a, '.git', 'index.lock'), '')
    await writeFile(join(a, '.git', 'refs', 'heads', 'main.lock'), '')
    await writeFile(join(a, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\necho pwned\n', {
      mode: 0o755
    })
    await writeFile(`${a}.lock`, '{"kind":"lock"}') // our lock, beside the clone

    const log = memoryLogger()
    const saved = await saveCloneToCache({
      clonePath: a,
      key: 'k-clean',
      logger: log,
      secrets: [TOKEN]
    })
    expect(saved.saved).toBe(true)
    expect(log.lines.join('\n')).toMatch(/warning: .*credential settings/)

    const tarball = execFileSync('zstd', ['-dc'], {
      input: await readArchive(server, 'k-clean'),
      maxBuffer: 1 << 30
    })
    expect(tarball.includes(TOKEN)).toBe(false)
    expect(tarball.includes(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'))).toBe(false)
    const names = execFileSync('tar', ['-t'], {
      input: tarball,
      encoding: 'utf8',
      maxBuffer: 1 << 30
    })
      .split('\n')
      .filter(Boolean)
    expect(names.length).toBeGreaterThan(5)
    expect(names.filter(name => !name.startsWith('.git'))).toEqual([])
    expect(
      names.filter(name => /\.lock$|\/hooks\/|\/logs\/|FETCH_HEAD|^\.git\/index$/.test(name))
    ).toEqual([])
    expect(names).toContain('.git/config')
    expect(names).toContain('.git/HEAD')

    // The live clone is untouched (the stage is hard-linked: config must not be written through).
    expect(git(a, 'config', '--get', 'credential.helper')).toBe(`store --file=/tmp/${TOKEN}`)
    expect((await stat(join(a, '.git', 'index.lock'))).isFile()).toBe(true)
    expect(await siblingsOf(a)).toEqual(['repo', 'repo.lock'])
  })

  it('refuses to upload when a secret is still in the staged .git', async () => {
    const a = await cloneOn('machine-a')
    await writeFile(join(a, '.git', 'description'), `token ${TOKEN}\n`)
    const log = memoryLogger()
    const saved = await saveCloneToCache({
      clonePath: a,
      key: 'k-leak',
      logger: log,
      secrets: [TOKEN]
    })
    expect(saved).toMatchObject({ saved: false, reason: 'credentials' })
    expect(saved.saved === false && saved.detail).toMatch(/\.git\/description/)
    expect(server.entries()).toEqual([])
    expect(server.requests.filter(r => r.operation === 'CreateCacheEntry')).toEqual([])
  })

  it('skips the upload when this period already has an entry', async () => {
    const a = await cloneOn('machine-a')
    expect(
      (await saveCloneToCache({ clonePath: a, key: 'k-once', logger: memoryLogger() })).saved
    ).toBe(true)
    const again = await saveCloneToCache({ clonePath: a, key: 'k-once', logger: memoryLogger() })
    expect(again).toMatchObject({ saved: false, reason: 'exists' })
    expect(server.requests.filter(r => r.operation === 'CreateCacheEntry')).toHaveLength(1)
  })
})

describe('when the service misbehaves or is absent', () => {
  it.each(['notfound-404', 'badrequest-400'] as const)(
    '%s on every call: no throw, no clone, a notice',
    async mode => {
      const a = await cloneOn('machine-a')
      await saveCloneToCache({ clonePath: a, key: 'k-fail', logger: memoryLogger() })
      server.failMode = mode
      const started = Date.now()
      const b = clonePathOn('machine-b')
      await mkdir(dirname(b), { recursive: true })
      const log = memoryLogger()
      const restored = await restoreCloneFromCache({
        clonePath: b,
        key: 'k-fail',
        restoreKeys: [],
        expectedRemote: upstreamUrl,
        logger: log
      })
      expect(restored.hit === false || restored.hit === undefined).toBe(true)
      expect(log.lines.join('\n')).toMatch(/Cloning from the network/)
      expect(await siblingsOf(b)).toEqual([])

      const saved = await saveCloneToCache({
        clonePath: a,
        key: 'k-fail-2',
        logger: memoryLogger()
      })
      expect(saved).toMatchObject({ saved: false, reason: 'failed' })
      // 4xx is not retried (5xx would be, with 3 s back-off): this stays fast.
      expect(Date.now() - started).toBeLessThan(5000)
      expect(server.requests.every(r => r.status < 500)).toBe(true)
    }
  )

  it('does not consult a service that is not configured', async () => {
    delete process.env.ACTIONS_RESULTS_URL
    const a = await cloneOn('machine-a')
    const log = memoryLogger()
    const saved = await saveCloneToCache({ clonePath: a, key: 'k-none', logger: log })
    expect(saved).toMatchObject({ saved: false, reason: 'service-unavailable' })
    const restored = await restoreCloneFromCache({
      clonePath: clonePathOn('machine-b'),
      key: 'k-none',
      restoreKeys: [],
      expectedRemote: upstreamUrl,
      logger: log
    })
    expect(restored).toEqual({ hit: undefined })
    expect(log.lines.join('\n')).toMatch(/ACTIONS_RESULTS_URL is not set/)
    expect(server.requests).toEqual([])
  })
})
