/**
 * A matrix of jobs on one machine (§1, §3): six refs of one repository, with one tree (jobs take
 * turns, bodies never overlap) and with three (bodies overlap, never more than three trees, one
 * store). Either way the objects the refs share cross the wire once, every output of §1 is set,
 * and the job summary reports the wait for a tree and the wait for the store separately. A later
 * job after upstream advanced fetches only the new commits into the same store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { acquireLock, releaseLock } from '../../src/lock/index.js'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'
import { createBlobRepo, expectConclusion, git, repoPathsOf } from './helpers.js'

/** Incompressible bytes in the commit every matrix ref shares: what the store must fetch once. */
const SHARED_BYTES = 16 * 16 * 1024

let world: E2EWorld
const repos: Record<string, StandardRepo> = {}
beforeAll(async () => {
  world = await createWorld()
  for (const name of ['app', 'pool']) {
    const shared: Record<string, Buffer> = {}
    for (let i = 0; i < 16; i++) shared[`shared/${i}.bin`] = randomBytes(SHARED_BYTES / 16)
    repos[name] = createStandardRepo(world.upstream, 'acme', name, shared)
  }
})
afterAll(() => world.close())

interface Body {
  start: number
  end: number
  head: string
  status: string
  tree: string
}

/** A job body: records its [start, end] in ms, its tree and what the tree looks like inside it. */
function recordingBody(dir: string, seconds: number): string {
  return [
    'set -e',
    `out="${dir}"`,
    'mkdir -p "$out"',
    'date +%s%3N > "$out/start"',
    'echo "$SHARED_CHECKOUT_PATH" > "$out/tree"',
    'git -C "$SHARED_CHECKOUT_PATH" rev-parse HEAD > "$out/head"',
    'git -C "$SHARED_CHECKOUT_PATH" status --porcelain > "$out/status"',
    `sleep ${seconds}`,
    'date +%s%3N > "$out/end"'
  ].join('\n')
}

function matrixCases(repo: StandardRepo) {
  return [
    { ref: 'main', sha: repo.shas.main, qualified: 'refs/heads/main' },
    { ref: 'feature', sha: repo.shas.feature, qualified: 'refs/heads/feature' },
    { ref: 'v1.0', sha: repo.shas.v1, qualified: 'refs/tags/v1.0' },
    { ref: repo.shas.first, sha: repo.shas.first, qualified: repo.shas.first },
    { ref: 'refs/pull/1/merge', sha: repo.shas.pullMerge, qualified: 'refs/pull/1/merge' },
    // A branch and a tag share the name: the branch wins (like actions/checkout).
    { ref: 'both', sha: repo.shas.bothBranch, qualified: 'refs/heads/both' }
  ]
}

interface MatrixRun {
  repo: StandardRepo
  results: JobResult[]
  bodies: Body[]
  bytes: number
}

/** Starts the six jobs at once and waits for all of them. */
async function runMatrix(name: string, trees: number, bodySeconds: number): Promise<MatrixRun> {
  const repo = repos[name]
  const bodiesDir = path.join(world.scratch, `bodies-${name}`)
  mkdirSync(bodiesDir, { recursive: true })
  const list = matrixCases(repo)
  const bytesBefore = world.server.totalBytesSent()
  const results = await Promise.all(
    list.map(
      (c, i) =>
        world.job({
          label: `${name}-${c.ref}`,
          repository: `acme/${name}`,
          with: { ref: c.ref, trees: String(trees) },
          steps: [{ run: recordingBody(path.join(bodiesDir, String(i)), bodySeconds) }]
        }).result
    )
  )
  const bytes = world.server.totalBytesSent() - bytesBefore
  results.forEach(r => expectConclusion(r, 'success'))
  const bodies = list.map((_, i) => {
    const read = (file: string): string =>
      readFileSync(path.join(bodiesDir, String(i), file), 'utf8').trim()
    return {
      start: Number(read('start')),
      end: Number(read('end')),
      head: read('head'),
      status: read('status'),
      tree: read('tree')
    }
  })
  return { repo, results, bodies, bytes }
}

/** The most bodies running at one moment. */
function maxConcurrent(bodies: Body[]): number {
  const events = bodies.flatMap(b => [
    { at: b.start, delta: 1 },
    { at: b.end, delta: -1 }
  ])
  // An end and a start at the same millisecond do not overlap.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta)
  let running = 0
  let most = 0
  for (const event of events) {
    running += event.delta
    most = Math.max(most, running)
  }
  return most
}

/** Milliseconds from the summary's duration format (`123 ms`, `1.5 s`, `1m02s`). */
function durationMs(text: string): number {
  const ms = /^(\d+) ms$/.exec(text)
  if (ms) return Number(ms[1])
  const s = /^(\d+(?:\.\d)?) s$/.exec(text)
  if (s) return Number(s[1]) * 1000
  const m = /^(\d+)m(\d\d)s$/.exec(text)
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 1000
  throw new Error(`not a duration: ${text}`)
}

function summaryCell(summary: string, row: string): string {
  const match = new RegExp(`^\\| ${row} \\| (.*) \\|$`, 'm').exec(summary)
  if (!match) throw new Error(`no "${row}" row in the summary:\n${summary}`)
  return match[1]
}

/** What every matrix must show, whatever the number of trees. */
function commonChecks(run: () => MatrixRun, trees: number): void {
  it('checks out each requested commit, clean, and reports it as `commit` and `ref`', () => {
    const { repo, results, bodies } = run()
    matrixCases(repo).forEach((c, i) => {
      expect({ ref: c.ref, head: bodies[i].head }).toEqual({ ref: c.ref, head: c.sha })
      expect(results[i].outputs.commit).toBe(c.sha)
      expect(results[i].outputs.ref).toBe(c.qualified)
      expect(bodies[i].status).toBe('')
    })
  })

  it('shares one store, which only the first job created', () => {
    const { repo, results } = run()
    const paths = repoPathsOf(world, `acme/${repo.name}`)
    expect(readdirSync(paths.dir).filter(e => /store/.test(e))).toEqual(['store'])
    expect(results.filter(r => r.outputs.cloned === 'true')).toHaveLength(1)
    expect(results.filter(r => r.outputs.cloned === 'false')).toHaveLength(5)
    for (const c of matrixCases(repo))
      expect(git(paths.store, ['cat-file', '-t', c.sha])).toBe('commit')
  })

  it('sends the objects the six refs share once: one fetch of shared objects, not six', () => {
    // Six independent checkouts would each download SHARED_BYTES (≥ 6×); the store pays it
    // once, later fetches bring only what their ref adds.
    const { bytes } = run()
    expect(bytes).toBeGreaterThan(SHARED_BYTES)
    expect(bytes).toBeLessThan(1.5 * SHARED_BYTES)
  })

  it('sets every output of §1 and exports SHARED_CHECKOUT_PATH', () => {
    const { repo, results, bodies } = run()
    const paths = repoPathsOf(world, `acme/${repo.name}`)
    results.forEach((r, i) => {
      const { outputs, env } = r
      const tree = Number(outputs.tree)
      expect(tree).toBeGreaterThanOrEqual(1)
      expect(tree).toBeLessThanOrEqual(trees)
      expect(outputs.path).toBe(paths.tree(tree))
      expect(bodies[i].tree).toBe(outputs.path)
      expect(env.SHARED_CHECKOUT_PATH).toBe(outputs.path)
      expect(outputs['lock-file']).toBe(paths.treeLock(tree))
      expect(Number(outputs['lock-wait-seconds'])).toBeGreaterThanOrEqual(0)
      // The cache is consulted only for a missing store (cache-warm.test.ts covers the creator).
      if (outputs.cloned === 'false') expect(outputs['cache-hit']).toBe('')
    })
  })

  it('the summary reports the wait for a tree and the wait for the store apart; lock-wait-seconds is their sum', () => {
    const { results } = run()
    for (const r of results) {
      const tree = durationMs(summaryCell(r.summary, 'Waited for a tree'))
      const storeCell = summaryCell(r.summary, 'Waited for the store')
      const store = /^not needed/.test(storeCell) ? 0 : durationMs(storeCell)
      // Each figure is rounded for display (at most 50 ms off at these magnitudes).
      expect(Math.abs(Number(r.outputs['lock-wait-seconds']) * 1000 - (tree + store))).toBeLessThan(
        120
      )
      expect(r.summary).toMatch(/\| Working tree \| tree \d: `.*` \(held until the post step\) \|/)
      for (const phase of ['wait for a tree', 'resolve ref', 'prepare tree', 'checkout'])
        expect(r.summary).toMatch(new RegExp(`\\| ${phase} \\| \\d+(\\.\\d)? (ms|s) \\|`))
    }
    const creator = results.find(r => r.outputs.cloned === 'true') as JobResult
    expect(creator.summary).toMatch(/\| Store \| created by this job \|/)
    expect(creator.summary).toMatch(/\| Fetched \| \d+(\.\d)? (KiB|MiB) \|/)
    expect(creator.summary).toMatch(/\| fetch \| \d+(\.\d)? (ms|s) \|/)
    // The creator waited for the store lock (if only for a moment) and says how long.
    expect(summaryCell(creator.summary, 'Waited for the store')).toMatch(/^\d+(\.\d)? (ms|s)$/)
  })
}

describe('six refs, trees: 1 — the jobs take turns in one tree', () => {
  let run: MatrixRun
  beforeAll(async () => {
    run = await runMatrix('app', 1, 0.3)
  }, 120_000)

  commonChecks(() => run, 1)

  it('never lets two job bodies overlap, all in tree 1', () => {
    const sorted = [...run.bodies].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end)
    expect(run.results.every(r => r.outputs.tree === '1')).toBe(true)
    expect(readdirSync(path.dirname(run.results[0].outputs.path))).toEqual(['1'])
    // The first body to run belongs to the job that created the store.
    const first = run.bodies.indexOf(sorted[0])
    expect(run.results[first].outputs.cloned).toBe('true')
  })

  it('a job whose commit the store already had took no store lock, and says so', () => {
    // `both` and `feature` name one commit: whichever ran second (one at a time here) found it
    // in the store — "not needed", not "0 ms".
    const stores = run.results.map(r => summaryCell(r.summary, 'Waited for the store'))
    expect(stores).toContain('not needed: the commit was in the store')
  })

  it('every job but the first waited for the tree, and its summary names the holder it saw', () => {
    const waits = run.results.map(r => Number(r.outputs['lock-wait-seconds'])).sort((a, b) => a - b)
    expect(waits[5]).toBeGreaterThan(1)
    expect(waits.filter(w => w > 0.2).length).toBeGreaterThanOrEqual(4)
    const longest = run.results.reduce((a, b) =>
      Number(a.outputs['lock-wait-seconds']) > Number(b.outputs['lock-wait-seconds']) ? a : b
    )
    expect(durationMs(summaryCell(longest.summary, 'Waited for a tree'))).toBeGreaterThan(1000)
    // The holder is described by its job: a run URL, the runner's name.
    expect(summaryCell(longest.summary, 'Holder seen on arrival')).toMatch(/emulated-runner-/)
  })
})

describe('six refs, trees: 3 — bodies overlap in up to three trees over one store', () => {
  let run: MatrixRun
  beforeAll(async () => {
    run = await runMatrix('pool', 3, 2.5)
  }, 120_000)

  commonChecks(() => run, 3)

  it('runs bodies at the same time, never more than three, never two in one tree', () => {
    const most = maxConcurrent(run.bodies)
    expect(most).toBeGreaterThanOrEqual(2)
    expect(most).toBeLessThanOrEqual(3)
    const byTree = new Map<string, Body[]>()
    for (const body of run.bodies) byTree.set(body.tree, [...(byTree.get(body.tree) ?? []), body])
    for (const bodies of byTree.values()) expect(maxConcurrent(bodies)).toBe(1)
    const paths = repoPathsOf(world, 'acme/pool')
    const made = readdirSync(path.join(paths.dir, 'trees')).sort()
    expect(made.length).toBeGreaterThanOrEqual(most)
    expect(['1', '2', '3']).toEqual(expect.arrayContaining(made))
    expect(new Set(run.results.map(r => r.outputs.tree)).size).toBe(made.length)
  })

  it('every tree borrows from the one store and pins its commit there', () => {
    const paths = repoPathsOf(world, 'acme/pool')
    for (const tree of readdirSync(path.join(paths.dir, 'trees'))) {
      const n = Number(tree)
      expect(
        readFileSync(
          path.join(paths.tree(n), '.git', 'objects', 'info', 'alternates'),
          'utf8'
        ).trim()
      ).toBe(path.join(paths.store, 'objects'))
      // The pin is the commit the tree's last job checked out.
      const last = run.results
        .map((r, i) => ({ r, b: run.bodies[i] }))
        .filter(x => x.r.outputs.tree === tree)
        .sort((a, b) => b.b.start - a.b.start)[0]
      expect(git(paths.store, ['rev-parse', `refs/shared-checkout/trees/${tree}`])).toBe(
        last.r.outputs.commit
      )
    }
  })
})

describe('waiting for the store, not for a tree', () => {
  it('is reported as the store wait, apart from the tree wait, and counted in lock-wait-seconds', async () => {
    const paths = repoPathsOf(world, 'acme/app')
    // Another holder of the store lock (a fetch of another job, say), held from this process.
    const store = await acquireLock({
      lockPath: paths.storeLock,
      holdFor: 'process',
      timeoutSeconds: 5
    })
    let released = false
    try {
      // A commit the store lacks: this job must take the store lock to fetch it.
      advance(repos.app, 1)
      const handle = world.job({ repository: 'acme/app', with: { ref: 'main' } })
      await handle.waitForLine(/Waiting for the lock .*store\.lock/, { kind: 'main' })
      await sleep(1500)
      await releaseLock(store.lockPath, store.token)
      released = true
      const result = await handle.result
      expectConclusion(result, 'success')
      const treeWait = durationMs(summaryCell(result.summary, 'Waited for a tree'))
      const storeWait = durationMs(summaryCell(result.summary, 'Waited for the store'))
      expect(treeWait).toBeLessThan(1000)
      expect(storeWait).toBeGreaterThanOrEqual(1400)
      expect(Number(result.outputs['lock-wait-seconds']) * 1000).toBeGreaterThanOrEqual(1400)
      expect(
        Math.abs(Number(result.outputs['lock-wait-seconds']) * 1000 - (treeWait + storeWait))
      ).toBeLessThan(120)
    } finally {
      if (!released) await releaseLock(store.lockPath, store.token)
    }
  }, 60_000)
})

describe('an existing store after upstream advanced', () => {
  it('fetches only the new commits into the same store, far fewer bytes than its creation', async () => {
    // Incompressible blobs make the first fetch's size dominate what is sent.
    const big = createBlobRepo(world.upstream, 'acme', 'big', 30, 16 * 1024)
    const bigJob = () => world.job({ repository: 'acme/big', with: { ref: 'main' } }).result
    const paths = repoPathsOf(world, 'acme/big')

    const before = world.server.totalBytesSent()
    const first = await bigJob()
    expectConclusion(first, 'success')
    const createBytes = world.server.totalBytesSent() - before
    expect(first.outputs.cloned).toBe('true')
    expect(createBytes).toBeGreaterThan(30 * 16 * 1024)
    const packs = readdirSync(path.join(paths.store, 'objects', 'pack')).filter(p =>
      p.endsWith('.pack')
    )
    const inode = statSync(paths.store).ino

    const tip = advance(big, 3)
    const middle = world.server.totalBytesSent()
    const second = await bigJob()
    expectConclusion(second, 'success')
    const fetchBytes = world.server.totalBytesSent() - middle

    expect(second.outputs.cloned).toBe('false')
    expect(second.outputs.commit).toBe(tip)
    expect(git(second.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
    // The same store, with what it had: not created again.
    expect(statSync(paths.store).ino).toBe(inode)
    for (const pack of packs)
      expect(existsSync(path.join(paths.store, 'objects', 'pack', pack))).toBe(true)
    expect(fetchBytes).toBeGreaterThan(0)
    expect(fetchBytes).toBeLessThan(createBytes / 3)
    // The summary reports what was fetched.
    expect(second.summary).toMatch(/\| Fetched \| \d+(\.\d)? (B|KiB) \|/)
    expect(second.summary).toMatch(/\| Store \| existing \|/)
  }, 60_000)
})
