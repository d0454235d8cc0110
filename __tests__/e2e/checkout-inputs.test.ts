/**
 * Bad inputs and unwilling servers (§1, §7): every input is validated before anything on disk
 * changes — dangerous paths, hostile server URLs (encoded separators, dots, NUL), `hold-lock:
 * sync` (refused, pointing at `trees`) — proven with real jobs against a fresh root; failures
 * at the server (wrong token, unknown ref, unreachable server, nonexistent repository) name the
 * problem, release the tree, and leave the existing store and tree usable.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, fakeToken, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { startGitServer } from '../../testkit/git-server.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import {
  entriesUnder,
  errors,
  expectConclusion,
  filesUnder,
  git,
  repoPathsOf,
  repoPathsOfTree
} from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

describe('a failing job leaves the existing store and tree usable', () => {
  let treeDir: string
  let storeRefs: string
  beforeAll(async () => {
    const first = await world.job({ with: { ref: 'feature' } }).result
    expectConclusion(first, 'success')
    treeDir = first.outputs.path
    writeFileSync(path.join(treeDir, 'marker.txt'), 'untracked, would be removed by clean\n')
    storeRefs = git(repoPathsOfTree(treeDir).store, ['for-each-ref'])
  }, 60_000)

  /** The job fails naming `named`; the tree and the store are as they were, the tree is free. */
  async function expectFailureKeeps(
    spec: Parameters<E2EWorld['job']>[0],
    named: RegExp,
    tree = treeDir
  ): Promise<JobResult> {
    const paths = repoPathsOfTree(tree)
    const headBefore = git(tree, ['rev-parse', 'HEAD'])
    const refsBefore = git(paths.store, ['for-each-ref'])
    const result = await world.job(spec).result
    expectConclusion(result, 'failure')
    expect(errors(result)).toMatch(named)
    expect(git(tree, ['rev-parse', 'HEAD'])).toBe(headBefore)
    expect(readFileSync(path.join(tree, 'marker.txt'), 'utf8')).toContain('untracked')
    expect(git(paths.store, ['for-each-ref'])).toBe(refsBefore)
    // A failed main releases its tree at once.
    expect(existsSync(paths.treeLock(1))).toBe(false)
    expect(result.outputs.commit).toBeUndefined()
    return result
  }

  it('nonexistent repository: fails naming it; no store, tree or lock is left for it', async () => {
    await expectFailureKeeps(
      { repository: 'acme/nope', with: { ref: 'main' } },
      /acme\/nope[^]*no such repository/
    )
    const nope = repoPathsOf(world, 'acme/nope')
    expect(existsSync(nope.store)).toBe(false)
    expect(existsSync(nope.tree(1))).toBe(false)
    expect(filesUnder(nope.dir)).toEqual([])
  }, 30_000)

  it('wrong token: fails with the authentication error', async () => {
    await expectFailureKeeps(
      { with: { ref: 'main' }, github: { token: fakeToken() } },
      /refused the credentials: check that the token/
    )
  }, 30_000)

  it('unknown ref: fails naming the ref', async () => {
    await expectFailureKeeps(
      { with: { ref: 'no-such-branch' } },
      /ref 'no-such-branch' was not found/
    )
  }, 30_000)

  it('unreachable server: fails naming the connection problem', async () => {
    // A store made through a second server, which then goes away: same host:port, now closed.
    const other = await startGitServer({ root: world.upstream, token: world.token })
    const made = await world.job({ with: { ref: 'main', 'github-server-url': other.url } }).result
    expectConclusion(made, 'success')
    writeFileSync(path.join(made.outputs.path, 'marker.txt'), 'untracked\n')
    await other.stop()
    await expectFailureKeeps(
      {
        with: { ref: 'feature', 'github-server-url': other.url },
        // Connection failures are retried with back-off (§7): short delays here.
        env: { SHARED_CHECKOUT_RETRY_DELAYS_MS: '50,50' }
      },
      /could not be reached: check the server URL/,
      made.outputs.path
    )
  }, 30_000)

  it('after all that, the next job uses the same store and tree', async () => {
    const next = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(next, 'success')
    expect(next.outputs.cloned).toBe('false')
    expect(next.outputs.path).toBe(treeDir)
    expect(git(treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(existsSync(path.join(treeDir, 'marker.txt'))).toBe(false)
    expect(git(repoPathsOfTree(treeDir).store, ['for-each-ref'])).not.toBe('')
    expect(storeRefs).not.toBe('')
  }, 30_000)
})

describe('bad inputs are refused before anything on disk changes', () => {
  interface Case {
    name: string
    input: string
    value: (w: E2EWorld) => string
    /** What the error says beyond naming the input and the value. */
    says: RegExp
  }
  const url = (suffix: string) => (w: E2EWorld) => `${w.server.url}${suffix}`
  const cases: Case[] = [
    { name: 'path: /', input: 'path', value: () => '/', says: /./ },
    { name: 'path: the home directory', input: 'path', value: w => w.scratch, says: /./ },
    { name: 'path: ../../x (escapes the root)', input: 'path', value: () => '../../x', says: /./ },
    {
      name: 'github-server-url: %2F.. (an encoded separator and dots)',
      input: 'github-server-url',
      value: url('/%2F..'),
      says: /no percent-encoding/
    },
    {
      name: 'github-server-url: %2e%2e (encoded dots)',
      input: 'github-server-url',
      value: url('/%2e%2e/%2e%2e'),
      says: /no percent-encoding/
    },
    {
      name: 'github-server-url: %5c (an encoded backslash)',
      input: 'github-server-url',
      value: url('/x%5c..%5c..'),
      says: /no percent-encoding/
    },
    {
      name: 'github-server-url: %00 (an encoded NUL)',
      input: 'github-server-url',
      value: url('/x%00'),
      says: /no percent-encoding/
    },
    {
      name: 'github-server-url: dot segments',
      input: 'github-server-url',
      value: url('/a/../../..'),
      says: /'\.' and '\.\.' path segments are not allowed/
    },
    {
      name: 'github-server-url: a single dot segment',
      input: 'github-server-url',
      value: url('/./x'),
      says: /'\.' and '\.\.' path segments are not allowed/
    },
    {
      name: 'github-server-url: file:// (http(s) only)',
      input: 'github-server-url',
      value: w => `file://${w.upstream}`,
      says: /expected an http\(s\) URL/
    },
    {
      name: 'hold-lock: sync (says to use trees instead)',
      input: 'hold-lock',
      value: () => 'sync',
      says: /'sync' is not accepted with working trees[^]*Use trees: N/
    },
    { name: 'trees: 0', input: 'trees', value: () => '0', says: /./ }
  ]

  interface Outcome {
    result: JobResult
    /** A fresh directory, five levels above the job's (absent) root. */
    fence: string
    root: string
    value: string
  }
  const outcomes = new Map<string, Outcome>()
  let scratchBefore: string[]

  beforeAll(async () => {
    scratchBefore = readdirSync(world.scratch).sort()
    // All at once: each job gets its own fresh root, deep inside a fence of its own.
    await Promise.all(
      cases.map(async (c, i) => {
        const fence = path.join(world.scratch, `fence-${i}`)
        const root = path.join(fence, 'a', 'b', 'c', 'd', 'root')
        mkdirSync(path.dirname(root), { recursive: true })
        const value = c.value(world)
        const result = await world.job({
          label: c.name,
          with: { ref: 'main', [c.input]: value },
          env: { SHARED_CHECKOUT_ROOT: root }
        }).result
        outcomes.set(c.name, { result, fence, root, value })
      })
    )
  }, 120_000)

  it.each(cases.map(c => [c.name, c] as const))('%s', (_, c) => {
    const { result, fence, root, value } = outcomes.get(c.name) as Outcome
    expectConclusion(result, 'failure')
    const message = errors(result)
    expect(message).toMatch(
      new RegExp(`Input '${c.input}' is ${escapeRegExp(JSON.stringify(value))}`)
    )
    expect(message).toMatch(c.says)
    // Nothing under the root (it was never created) nor anywhere near it.
    expect(existsSync(root)).toBe(false)
    expect(entriesUnder(fence)).toEqual(['a', 'a/b', 'a/b/c', 'a/b/c/d'])
    expect(existsSync('/.lock')).toBe(false)
    expect(existsSync('/store')).toBe(false)
    expect(result.outputs).toEqual({})
    expect(result.post?.stdout.join('\n')).toMatch(/main took no tree; nothing to release/)
  })

  it('created nothing beside the fences in the home directory', () => {
    const now = readdirSync(world.scratch)
      .filter(n => !n.startsWith('fence-'))
      .sort()
    expect(now).toEqual(scratchBefore.filter(n => !n.startsWith('fence-')))
  })
})

describe('hold-lock: job', () => {
  it('the tree lock is held during the body and released by post', async () => {
    const seen = path.join(world.scratch, 'hold-job')
    const lock = repoPathsOf(world, 'acme/app').treeLock(1)
    const result = await world.job({
      with: { ref: 'main', 'hold-lock': 'job' },
      steps: [{ run: `if [ -e "${lock}" ]; then echo present; else echo absent; fi > "${seen}"` }]
    }).result
    expectConclusion(result, 'success')
    expect(result.outputs['lock-file']).toBe(lock)
    expect(readFileSync(seen, 'utf8').trim()).toBe('present')
    expect(existsSync(lock)).toBe(false)
    expect(result.post?.stdout.join('\n')).toContain(`Released tree 1 (${lock})`)
    expect(git(result.outputs.path, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
  }, 30_000)
})
