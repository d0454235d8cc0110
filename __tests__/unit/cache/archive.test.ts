/**
 * What travels through the Actions cache (§4), module by module against testkit/cache-server.ts
 * with @actions/cache for real: a staged store holds the bare repository only — no token, lock
 * files, hooks or logs, the live store untouched; an upload that would carry a secret is
 * refused; this period's entry is not uploaded twice; a restored archive is untrusted input;
 * a misbehaving or missing service never fails the job.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryLogger } from '../../../src/logger.js'
import { restoreStoreFromCache } from '../../../src/cache/restore.js'
import { stageStoreForCache, uploadStagedStore, type SaveResult } from '../../../src/cache/save.js'
import {
  envFor,
  readArchive,
  startCacheServer,
  type CacheServer
} from '../../../testkit/cache-server.js'
import { generateRepo } from '../../../testkit/generate-repo.js'
import { captureWorkflowCommands } from './workflow-commands.js'

const TOKEN = 'ghs_SecretTokenValue1234567890abcdef'
const ORIGIN = 'https://github.com/owner/repo'
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

let work: string
let upstream: string
let server: CacheServer
/** Fresh per test: every test gets its own machines. */
let machines: string
let commands: ReturnType<typeof captureWorkflowCommands>
const savedEnv = { ...process.env }
const savedCwd = process.cwd()

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cache-archive-'))
  upstream = join(work, 'upstream.git')
  await generateRepo(upstream, { commits: 60, files: 40 })
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

beforeEach(async () => {
  commands = captureWorkflowCommands()
  server = await startCacheServer()
  machines = await mkdtemp(join(work, 'test-'))
  await mkdir(join(machines, 'runner-temp'))
  Object.assign(process.env, envFor(server, join(machines, 'runner-temp')))
})
afterEach(async () => {
  commands.restore()
  await server.stop()
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
  Object.assign(process.env, savedEnv)
  expect(process.cwd()).toBe(savedCwd)
})

/** A machine's repository directory with a store, as src/store lays it out. */
async function storeOn(machine: string): Promise<{ dir: string; store: string; tmp: string }> {
  const dir = join(machines, machine, 'github.com', 'owner', 'repo')
  const store = join(dir, 'store')
  const tmp = join(dir, 'tmp')
  await mkdir(tmp, { recursive: true })
  git(work, 'clone', '--quiet', '--bare', `file://${upstream}`, store)
  git(store, 'config', 'remote.origin.url', ORIGIN)
  return { dir, store, tmp }
}

async function save(
  store: string,
  tmp: string,
  key: string,
  secrets: string[] = []
): Promise<SaveResult> {
  const logger = memoryLogger()
  const stage = join(tmp, `cache-upload-${key}`)
  const skip = await stageStoreForCache(store, stage, logger)
  if (skip) return skip
  return uploadStagedStore({ stageDir: stage, key, logger, secrets })
}

async function restore(
  machine: string,
  key: string,
  extra: Partial<Parameters<typeof restoreStoreFromCache>[0]> = {}
) {
  const dir = join(machines, machine, 'github.com', 'owner', 'repo')
  await mkdir(join(dir, 'tmp'), { recursive: true })
  const logger = memoryLogger()
  const result = await restoreStoreFromCache({
    storePath: join(dir, 'store'),
    workDir: join(dir, 'tmp'),
    key,
    restoreKeys: [],
    expectedRemote: ORIGIN,
    logger,
    ...extra
  })
  return { result, log: logger.lines, dir, store: join(dir, 'store'), tmp: join(dir, 'tmp') }
}

describe('what is archived', () => {
  it('the bare store only: no token, no lock files, hooks, logs or FETCH_HEAD; the live store untouched', async () => {
    const { dir, store, tmp } = await storeOn('machine-a')
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
    git(store, 'config', 'http.https://github.com/.extraheader', header)
    git(store, 'config', 'credential.helper', `store --file=/tmp/${TOKEN}`)
    git(
      store,
      'config',
      'remote.origin.pushurl',
      `https://x-access-token:${TOKEN}@github.com/owner/repo`
    )
    await writeFile(
      join(store, 'FETCH_HEAD'),
      `abc\t\tbranch 'main' of https://${TOKEN}@github.com/o/r\n`
    )
    await mkdir(join(store, 'logs'), { recursive: true })
    await writeFile(join(store, 'logs', 'HEAD'), `fetch: https://${TOKEN}@github.com/o/r\n`)
    await writeFile(join(store, 'shallow.lock'), '')
    await writeFile(join(store, 'refs', 'heads', 'main.lock'), '')
    await writeFile(join(store, 'hooks', 'reference-transaction'), '#!/bin/sh\necho pwned\n', {
      mode: 0o755
    })
    await mkdir(join(dir, 'trees', '1'), { recursive: true })
    await writeFile(join(dir, 'trees', '1', 'work.txt'), 'a working tree file\n')

    const logger = memoryLogger()
    const stage = join(tmp, 'cache-upload-clean')
    expect(await stageStoreForCache(store, stage, logger)).toBeUndefined()
    expect(logger.lines.join('\n')).toMatch(/warning: .*credential settings/)
    expect(
      await uploadStagedStore({ stageDir: stage, key: 'k-clean', logger, secrets: [TOKEN] })
    ).toMatchObject({
      saved: true
    })
    await expect(stat(stage)).rejects.toThrow(/ENOENT/) // the stage is removed

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
    expect(names.filter(name => !name.startsWith('.git'))).toEqual([])
    expect(
      names.filter(name => /\.lock$|\/hooks\/.|\/logs\/|FETCH_HEAD|work\.txt/.test(name))
    ).toEqual([])
    expect(names).toEqual(expect.arrayContaining(['.git/config', '.git/HEAD', '.git/packed-refs']))

    // The live store is untouched (the stage is hard-linked: its config is never written through).
    expect(git(store, 'config', '--get', 'credential.helper')).toBe(`store --file=/tmp/${TOKEN}`)
    expect((await stat(join(store, 'shallow.lock'))).isFile()).toBe(true)
  })

  it('refuses to upload when a secret is still in a staged file', async () => {
    const { store, tmp } = await storeOn('machine-a')
    await writeFile(join(store, 'description'), `token ${TOKEN}\n`)
    const saved = await save(store, tmp, 'k-leak', [TOKEN])
    expect(saved).toMatchObject({ saved: false, reason: 'credentials' })
    expect(saved.saved === false && saved.detail).toMatch(/\.git\/description/)
    expect(server.entries()).toEqual([])
    expect(server.requests.filter(r => r.operation === 'CreateCacheEntry')).toEqual([])
  })

  it('skips a store that borrows objects from another repository', async () => {
    const { store, tmp } = await storeOn('machine-a')
    await writeFile(join(store, 'objects', 'info', 'alternates'), `${upstream}/objects\n`)
    expect(await save(store, tmp, 'k-alt')).toMatchObject({
      saved: false,
      reason: 'uses-alternates'
    })
    expect(server.requests).toEqual([])
  })

  it('skips the upload when this period already has an entry', async () => {
    const { store, tmp } = await storeOn('machine-a')
    expect((await save(store, tmp, 'k-once')).saved).toBe(true)
    expect(await save(store, tmp, 'k-once')).toMatchObject({ saved: false, reason: 'exists' })
    expect(server.requests.filter(r => r.operation === 'CreateCacheEntry')).toHaveLength(1)
    expect(await readdir(tmp)).toEqual([])
  })
})

describe('a restored archive is untrusted', () => {
  it('hooks, alternates and code-running config are dropped before the store is used', async () => {
    const { store } = await storeOn('machine-a')
    git(store, 'config', 'core.fsmonitor', 'touch /tmp/pwned')
    git(store, 'config', 'core.hooksPath', '/tmp')
    await writeFile(join(store, 'hooks', 'reference-transaction'), '#!/bin/sh\nexit 1\n', {
      mode: 0o755
    })
    await writeFile(join(store, 'objects', 'info', 'alternates'), '/nonexistent/objects\n')
    // Packed by hand, as a hostile job could: @actions/cache's version for ['.git'] + zstd.
    const archive = execFileSync(
      'tar',
      [
        '--posix',
        '-c',
        '--use-compress-program',
        'zstd',
        '--transform',
        's,^store,.git,',
        '-C',
        join(store, '..'),
        'store'
      ],
      { maxBuffer: 1 << 30 }
    )
    const version = createHash('sha256')
      .update(['.git', 'zstd-without-long', '1.0'].join('|'))
      .digest('hex')
    await server.putArchive('k-hostile', version, archive)

    const { result, store: restored, tmp } = await restore('machine-b', 'k-hostile')
    expect(result).toEqual({ hit: true, matchedKey: 'k-hostile', exactMatch: true })
    expect(
      git(restored, 'config', '--local', '--get-regexp', '.')
        .split('\n')
        .map(line => line.split(' ')[0])
        .sort()
    ).toEqual(['core.bare', 'core.filemode', 'core.repositoryformatversion', 'remote.origin.url'])
    await expect(stat(join(restored, 'hooks'))).rejects.toThrow(/ENOENT/)
    await expect(stat(join(restored, 'objects', 'info', 'alternates'))).rejects.toThrow(/ENOENT/)
    expect(git(restored, 'rev-parse', 'main')).toBe(git(upstream, 'rev-parse', 'main'))
    expect(await readdir(tmp)).toEqual([])
  })

  it('a plugged-in verification replaces the default one', async () => {
    const { store, tmp } = await storeOn('machine-a')
    await save(store, tmp, 'k-plug')
    const seen: string[] = []
    const { result, dir } = await restore('machine-e', 'k-plug', {
      verifyRepository: async gitDir => {
        seen.push(gitDir)
        return { valid: false, reason: 'the git layer says no' }
      }
    })
    expect(result.hit).toBe(false)
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(/\/tmp\/cache-restore-[0-9a-f]+\/\.git$/)
    expect(await readdir(dir)).toEqual(['tmp'])
    expect(await readdir(join(dir, 'tmp'))).toEqual([])
  })
})

describe('when the service misbehaves or is absent', () => {
  it.each(['notfound-404', 'badrequest-400'] as const)(
    '%s on every call: no throw, no store, a notice; the upload fails fast',
    async mode => {
      const { store, tmp } = await storeOn('machine-a')
      await save(store, tmp, 'k-fail')
      server.failMode = mode
      const started = Date.now()
      const { result, log, dir } = await restore('machine-b', 'k-fail')
      expect(result.hit === false || result.hit === undefined).toBe(true)
      expect(log.join('\n')).toMatch(/Fetching from the network/)
      expect(await readdir(dir)).toEqual(['tmp'])
      expect(await save(store, tmp, 'k-fail-2')).toMatchObject({ saved: false, reason: 'failed' })
      // 4xx is not retried (5xx would be, with 3 s back-off): this stays fast.
      expect(Date.now() - started).toBeLessThan(5000)
      expect(server.requests.every(r => r.status < 500)).toBe(true)
    }
  )

  it('a service that is not configured is not consulted', async () => {
    delete process.env.ACTIONS_RESULTS_URL
    const { store, tmp } = await storeOn('machine-a')
    expect(await save(store, tmp, 'k-none')).toMatchObject({
      saved: false,
      reason: 'service-unavailable'
    })
    const { result, log } = await restore('machine-b', 'k-none')
    expect(result).toEqual({ hit: undefined })
    expect(log.join('\n')).toMatch(/ACTIONS_RESULTS_URL is not set/)
    expect(server.requests).toEqual([])
  })
})
