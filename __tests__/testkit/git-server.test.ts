import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  commitFiles,
  createRepo,
  createUpstreamRoot,
  fixtureGit,
  removeUpstreamRoot
} from '../../testkit/git-fixtures.js'
import { startGitServer, type GitServer } from '../../testkit/git-server.js'
import { randomLoopbackHost } from '../../testkit/ssh-server.js'
import { git, run } from './run.js'

// Real processes on a shared 2-core machine: bounds that mean "hung", not "slow".
jest.setTimeout(60_000)

/** git's low-speed abort as the stall tests configure it: under 1000 B/s for 2 s. */
const LOW_SPEED = ['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=2']
const PACK_CUT = 4096

describe('git server: address, partial clones, stalls', () => {
  let upstream: string
  let scratch: string
  let server: GitServer
  let counter = 0
  const target = () => path.join(scratch, `clone-${++counter}`)

  beforeAll(async () => {
    upstream = createUpstreamRoot()
    const repo = createRepo(upstream, 'acme', 'lazy', { 'a.txt': 'first a\n' })
    commitFiles(repo, { 'a.txt': 'second a\n', 'b.txt': 'b\n' }, 'second')
    // Only the server may allow filters here: what this repository says must not matter.
    fixtureGit(repo.bare, ['config', '--unset-all', 'uploadpack.allowFilter'])
    fixtureGit(repo.bare, ['config', '--unset-all', 'uploadpack.allowReachableSHA1InWant'])
    // Incompressible, so the pack is far larger than PACK_CUT.
    createRepo(upstream, 'acme', 'big', { 'big.bin': randomBytes(256 * 1024) })
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-git-server-test-'))
    server = await startGitServer({ root: upstream, host: randomLoopbackHost() })
  })

  afterAll(async () => {
    await server?.stop()
    removeUpstreamRoot(upstream)
    rmSync(scratch, { recursive: true, force: true })
  })

  it('listens on the loopback address it is given, and only there', async () => {
    const url = new URL(server.url)
    expect(url.hostname).not.toBe('127.0.0.1')
    expect(url.hostname).toMatch(/^127\.0\.0\.\d+$/)
    expect(await git(['ls-remote', server.repoUrl('acme', 'lazy'), 'refs/heads/main'])).toMatch(
      /refs\/heads\/main$/
    )
    const elsewhere = await run('git', ['ls-remote', `http://127.0.0.1:${url.port}/acme/lazy`])
    expect(elsewhere.code).not.toBe(0)
  })

  // Protocol v0 asks for the blobs by id, which only uploadpack.allowAnySHA1InWant permits.
  it.each(['2', '0'])(
    '(d) serves a --filter=blob:none clone whose checkout fetches blobs lazily (protocol v%s)',
    async version => {
      const dir = target()
      const protocol = {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'protocol.version',
        GIT_CONFIG_VALUE_0: version
      }
      await git(
        [
          'clone',
          '--quiet',
          '--no-checkout',
          '--filter=blob:none',
          server.repoUrl('acme', 'lazy'),
          dir
        ],
        { env: protocol }
      )
      const missingBlobs = () =>
        git(['rev-list', '--objects', '--all', '--missing=print'], { cwd: dir }).then(
          out => out.split('\n').filter(line => line.startsWith('?')).length
        )
      // a.txt twice and b.txt: no blob came with the clone.
      expect(await missingBlobs()).toBe(3)

      server.resetCounters()
      await git(['checkout', '--quiet', 'main'], { cwd: dir, env: protocol })
      expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('second a\n')
      expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('b\n')
      // The checkout itself went back to the server for the blobs.
      expect(
        server.requests.some(
          r => r.service === 'git-upload-pack' && r.method === 'POST' && r.status === 200
        )
      ).toBe(true)
      // The old a.txt is still only promised.
      expect(await missingBlobs()).toBe(1)
    }
  )

  it('(e) stall(): a server that never answers trips http.lowSpeedTime within seconds', async () => {
    server.resetCounters()
    server.stall(true)
    try {
      const result = await run('git', [
        ...LOW_SPEED,
        'clone',
        '--quiet',
        server.repoUrl('acme', 'big'),
        target()
      ])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Operation too slow/)
      expect(result.ms).toBeLessThan(10_000)
      // Nothing was answered: no status line, not one byte.
      expect(server.requests.length).toBeGreaterThan(0)
      expect(server.requests.every(r => r.status === 0 && r.bytesSent === 0)).toBe(true)
    } finally {
      server.stall(false)
    }
  })

  it('(e) stallAfterBytes(): a server that stops mid-pack trips http.lowSpeedTime within seconds', async () => {
    server.resetCounters()
    server.stallAfterBytes(PACK_CUT)
    try {
      const result = await run('git', [
        ...LOW_SPEED,
        'clone',
        '--quiet',
        server.repoUrl('acme', 'big'),
        target()
      ])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Operation too slow/)
      expect(result.ms).toBeLessThan(10_000)
      // The ref advertisement passed whole; the pack stopped after PACK_CUT bytes of a 200.
      const pack = server.requests.filter(r => r.service === 'git-upload-pack').at(-1)
      expect(pack).toMatchObject({ method: 'POST', status: 200, bytesSent: PACK_CUT })
      expect(
        server.requests
          .filter(r => r !== pack)
          .every(r => r.status === 200 && r.bytesSent < PACK_CUT)
      ).toBe(true)
    } finally {
      server.stallAfterBytes(undefined)
    }
    // Off again: the same clone goes through whole.
    const dir = target()
    await git([...LOW_SPEED, 'clone', '--quiet', server.repoUrl('acme', 'big'), dir])
    expect(readFileSync(path.join(dir, 'big.bin')).length).toBe(256 * 1024)
  })

  it('stallAfterBytes(undefined) sends the rest of a held response', async () => {
    server.resetCounters()
    server.stallAfterBytes(PACK_CUT)
    const dir = target()
    const clone = run('git', ['clone', '--quiet', server.repoUrl('acme', 'big'), dir])
    // Wait until the pack response is held, then release it.
    const held = () => server.requests.some(r => r.method === 'POST' && r.bytesSent === PACK_CUT)
    for (let i = 0; i < 400 && !held(); i++) await new Promise(resolve => setTimeout(resolve, 25))
    expect(held()).toBe(true)
    server.stallAfterBytes(undefined)
    const result = await clone
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(dir, 'big.bin')).length).toBe(256 * 1024)
  })
})
