/**
 * Maintenance of a store (§6) on real stores and trees built with git: what it does, what it
 * never drops, the stale files it clears, a busy store, the time budget.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  countStore,
  fleetGitRunner,
  maintainIfDue,
  maintainStore,
  maintenanceDue,
  readMaintenanceRecord
} from '../../../src/fleet/maintain.js'
import { GitRunner } from '../../../src/git/git.js'
import { memoryLogger } from '../../../src/logger.js'
import { layoutOf } from '../../../src/repo/layout.js'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import { pinTree } from '../../../src/store/store.js'
import {
  appendCommits,
  buildRepository,
  git,
  holderBundle,
  killHolders,
  removeHolderBundle,
  tempDir,
  type BuiltRepository
} from '../../../testkit/fleet-world.js'

let temp: ReturnType<typeof tempDir>
let root: string
const children: ChildProcess[] = []
beforeEach(() => {
  temp = tempDir('fleet-maintain-')
  root = path.join(temp.dir, 'root')
})
afterEach(() => {
  killHolders()
  for (const child of children.splice(0)) child.kill('SIGKILL')
  temp.cleanup()
})
afterAll(() => removeHolderBundle())

/** The objects of `objects` that `dir` lacks (one git process). */
const missing = (dir: string, objects: string[]): string[] =>
  git(dir, ['cat-file', '--batch-check=%(objectname)'], `${objects.join('\n')}\n`)
    .split('\n')
    .filter(line => line.endsWith(' missing'))

function fsckTree(repo: BuiltRepository, tree: number): void {
  git(repo.layout.tree(tree), ['fsck', '--connectivity-only', '--no-dangling'])
}

async function maintain(repo: BuiltRepository, budgetMs = 60_000) {
  const log = memoryLogger()
  const result = await maintainStore(repo.layout, {
    git: fleetGitRunner(repo.layout),
    budgetMs,
    log
  })
  return { result, log }
}

describe('maintainStore', () => {
  it('packs loose objects and small packs, writes a multi-pack-index and a commit-graph, drops nothing', async () => {
    const repo = buildRepository(root, {
      commits: 40,
      smallFetches: 3,
      looseCommits: 120,
      trees: [1, 2]
    })
    // A commit only a pin keeps (§3.7): fetched, pinned by tree 2, its ref gone.
    const side = appendCommits(repo.upstream, 1, { label: 'side' })[0]
    git(repo.layout.dir, [
      `--git-dir=${repo.layout.store}`,
      'fetch',
      '--quiet',
      repo.upstream,
      `${side}:refs/tmp/side`
    ])
    git(repo.layout.dir, [`--git-dir=${repo.layout.store}`, 'update-ref', '-d', 'refs/tmp/side'])
    git(repo.layout.tree(2), ['checkout', '--quiet', '--detach', side])
    pinTree(repo.layout, 2, side)
    // An unreachable object fetched a minute ago and not pinned yet: it must survive too.
    const unreachable = git(
      repo.layout.store,
      ['hash-object', '-w', '--stdin'],
      'fetched, not pinned yet\n'
    )
    const before = countStore(repo.layout.store)
    expect(before.looseObjects).toBeGreaterThan(400)
    expect(before.packs).toBeGreaterThanOrEqual(1)
    expect(maintenanceDue(repo.layout.store)).toMatchObject({ due: true, steps: ['commit-graph'] })

    const { result, log } = await maintain(repo)

    expect(result.ran).toBe(true)
    expect(result.steps.map(s => [s.step, s.outcome])).toEqual([
      ['repack', 'done'],
      ['commit-graph', 'done']
    ])
    const after = countStore(repo.layout.store)
    expect(after).toMatchObject({ looseObjects: 0, hasMidx: true, packsOutsideMidx: 0 })
    expect(after.packs).toBeLessThanOrEqual(before.packs + 1)
    expect(after.commitGraph).toBeDefined()
    expect(
      existsSync(
        path.join(repo.layout.store, 'objects', 'info', 'commit-graphs', 'commit-graph-chain')
      )
    ).toBe(true)
    expect(maintenanceDue(repo.layout.store).due).toBe(false)
    expect(missing(repo.layout.store, [side, unreachable, ...repo.shas])).toEqual([])
    // The pins stay loose files, never packed (they are written without the store lock).
    expect(
      readFileSync(
        path.join(repo.layout.store, 'refs', 'shared-checkout', 'trees', '2'),
        'utf8'
      ).trim()
    ).toBe(side)
    expect(existsSync(path.join(repo.layout.store, 'packed-refs'))).toBe(false)
    fsckTree(repo, 1)
    fsckTree(repo, 2)
    git(repo.layout.dir, [
      `--git-dir=${repo.layout.store}`,
      'fsck',
      '--connectivity-only',
      '--no-dangling'
    ])
    expect(log.lines.join('\n')).toMatch(
      /maintained .*store in \d+\.\d s: repack \d+\.\d s, commit-graph \d+\.\d s; loose objects \d+ → 0/
    )
    const record = readMaintenanceRecord(repo.layout.store)
    expect(record?.steps.map(s => s.outcome)).toEqual(['done', 'done'])
    // The store lock was released.
    expect(existsSync(repo.layout.storeLock)).toBe(false)
  })

  it('removes what killed git processes left (gc.pid, maintenance.lock, graph and midx locks, temporary packs), logs each, then maintains', async () => {
    const repo = buildRepository(root, { commits: 30, smallFetches: 5 })
    const dead = spawn('true')
    await new Promise(resolve => dead.on('exit', resolve))
    const store = repo.layout.store
    writeFileSync(path.join(store, 'gc.pid'), `${dead.pid} ${os.hostname()}`)
    writeFileSync(path.join(store, 'objects', 'maintenance.lock'), '')
    mkdirSync(path.join(store, 'objects', 'info', 'commit-graphs'), { recursive: true })
    writeFileSync(
      path.join(store, 'objects', 'info', 'commit-graphs', 'commit-graph-chain.lock'),
      ''
    )
    writeFileSync(path.join(store, 'objects', 'pack', 'multi-pack-index.lock'), '')
    writeFileSync(path.join(store, 'objects', 'pack', 'tmp_pack_a1b2c3'), 'half a pack')
    // git's own maintenance says nothing and does nothing while its lock exists:
    expect(git(repo.dir, [`--git-dir=${store}`, 'maintenance', 'run', '--task=commit-graph'])).toBe(
      ''
    )
    expect(
      existsSync(path.join(store, 'objects', 'info', 'commit-graphs', 'commit-graph-chain'))
    ).toBe(false)

    const { result, log } = await maintain(repo)

    const text = log.lines.join('\n')
    expect(text).toMatch(new RegExp(`removed stale .*gc\\.pid \\(git gc ${dead.pid} .* is gone\\)`))
    expect(text).toMatch(/removed stale git lock file .*objects\/maintenance\.lock/)
    expect(text).toMatch(/removed stale git lock file .*commit-graph-chain\.lock/)
    expect(text).toMatch(/removed stale git lock file .*multi-pack-index\.lock/)
    expect(text).toMatch(/removed 1 temporary file\(s\) in .*objects\/pack/)
    expect(result.removed).toHaveLength(5)
    expect(result.steps.every(step => step.outcome === 'done')).toBe(true)
    expect(
      existsSync(path.join(store, 'objects', 'info', 'commit-graphs', 'commit-graph-chain'))
    ).toBe(true)
  })

  it('leaves the store alone while a git gc of someone runs in it (gc.pid of a live process)', async () => {
    const repo = buildRepository(root, { commits: 3 })
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' })
    children.push(sleeper)
    writeFileSync(path.join(repo.layout.store, 'gc.pid'), `${sleeper.pid} ${os.hostname()}`)
    const { result } = await maintain(repo)
    expect(result).toMatchObject({
      ran: false,
      skipped: `git gc (pid ${sleeper.pid}) is running in the store`
    })
    expect(existsSync(path.join(repo.layout.store, 'gc.pid'))).toBe(true)
    expect(existsSync(repo.layout.storeLock)).toBe(false)
  })

  it('a busy store is skipped at once with a log line naming the holder: never waits behind a fetch', async () => {
    const repo = buildRepository(root, { commits: 3 })
    const { file, dir } = holderBundle()
    const holder = spawn(
      process.execPath,
      [file, '--path', repo.layout.storeLock, '--hold-ms', '-1', '--job', 'fetching-job'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }
    )
    children.push(holder)
    await new Promise<void>(resolve =>
      holder.stdout!.on('data', (chunk: Buffer) => chunk.includes('"acquired"') && resolve())
    )
    const started = Date.now()
    const { result, log } = await maintain(repo)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(result).toMatchObject({
      ran: false,
      skipped: expect.stringMatching(/^the store lock is held by .*job fetching-job/)
    })
    expect(log.lines.join('\n')).toMatch(
      /maintenance of .* skipped: the store lock is held by .*job fetching-job.*; it runs another time/
    )
  })

  it('a failing step is reported and logged, the others still run, and maintainIfDue never throws', async () => {
    const repo = buildRepository(root, { commits: 30, looseCommits: 20 })
    // A file where git writes the commit-graph chain: that step cannot succeed.
    writeFileSync(path.join(repo.layout.store, 'objects', 'info', 'commit-graphs'), 'in the way')
    const log = memoryLogger()
    const forced = await maintainStore(repo.layout, {
      git: fleetGitRunner(repo.layout),
      budgetMs: 60_000,
      log
    })
    expect(forced.steps.map(s => [s.step, s.outcome])).toEqual([
      ['repack', 'done'],
      ['commit-graph', 'failed']
    ])
    expect(forced.steps[1].detail).toMatch(/^git commit-graph write .* failed in /)
    expect(log.lines.join('\n')).toMatch(
      /warning: maintenance step commit-graph failed in .*store: .*commit-graphs/
    )
    expect(existsSync(repo.layout.storeLock)).toBe(false)
    const fromPost = await maintainIfDue(repo.layout, { budgetMs: 60_000, log })
    expect(fromPost.steps).toEqual([
      expect.objectContaining({ step: 'commit-graph', outcome: 'failed' })
    ])
  })
})

describe('maintainIfDue', () => {
  it('does nothing, takes no lock and spawns no git when the store is not due', async () => {
    const repo = buildRepository(root, { commits: 3, trees: [1] })
    const log = memoryLogger()
    await maintainIfDue(repo.layout, { budgetMs: 60_000, log }) // writes the first commit-graph
    let spawned = 0
    const counting = new GitRunner({
      ...fleetGitRunner(repo.layout).options,
      onProcess: () => spawned++
    })
    const result = await maintainIfDue(repo.layout, { budgetMs: 60_000, log, git: counting })
    expect(result).toMatchObject({
      ran: false,
      skipped: expect.stringMatching(
        /^not due: nothing to do: \d+ loose objects, \d+ packs, commit-graph 0s ago$/
      )
    })
    expect(spawned).toBe(0)
    expect(existsSync(`${repo.layout.storeLock}.queue`)).toBe(true) // from the first run only
    expect(existsSync(repo.layout.storeLock)).toBe(false)
  })

  it('with no store yet (a job that failed before cloning) is a no-op', async () => {
    const layout = layoutOf(path.join(root, 'github.com', 'acme', 'none'))
    mkdirSync(layout.locksDir, { recursive: true })
    const result = await maintainIfDue(layout, { budgetMs: 1000, log: memoryLogger() })
    expect(result).toMatchObject({ ran: false, skipped: 'there is no store' })
  })

  it('a store lock taken by a job in this very process counts as busy (holder alive)', async () => {
    const repo = buildRepository(root, { commits: 5 })
    const lock = await acquireLock({
      lockPath: repo.layout.storeLock,
      holdFor: 'process',
      timeoutSeconds: 0
    })
    try {
      const result = await maintainIfDue(repo.layout, { budgetMs: 1000, log: memoryLogger() })
      expect(result.skipped).toMatch(/^the store lock is held by/)
    } finally {
      await releaseLock(lock.lockPath, lock.token)
    }
  })
})
