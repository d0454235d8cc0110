/**
 * Eviction (§6) on real roots: repositories and trees built with git, jobs that hold trees in
 * other processes, races forced with hooks. Nothing held is ever removed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { diskUsage, type Space } from '../../../src/fleet/disk.js'
import { evict, type EvictOptions } from '../../../src/fleet/evict.js'
import { DAY_MS } from '../../../src/fleet/format.js'
import { evictIfDue, evictionStampOf } from '../../../src/fleet/schedule.js'
import { resolveSettings, type FleetSettings } from '../../../src/fleet/settings.js'
import { memoryLogger } from '../../../src/logger.js'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import {
  ageRepository,
  ageTree,
  buildRepository,
  holdTree,
  killHolders,
  removeHolderBundle,
  tempDir,
  type BuiltRepository
} from '../../../testkit/fleet-world.js'

let temp: ReturnType<typeof tempDir>
let root: string
beforeEach(() => {
  temp = tempDir('fleet-evict-')
  root = path.join(temp.dir, 'root')
})
afterEach(() => {
  killHolders()
  temp.cleanup()
})
afterAll(() => removeHolderBundle())

const defaults = (changes: Partial<FleetSettings> = {}): FleetSettings => ({
  ...resolveSettings({ env: {}, file: 'none' }),
  minFree: { kind: 'off' },
  ...changes
})

async function run(options: Partial<EvictOptions> = {}) {
  const log = memoryLogger()
  const report = await evict(root, { settings: defaults(), log, ...options })
  return { report, log, text: log.lines.join('\n') }
}

const pin = (repo: BuiltRepository, tree: number): string =>
  path.join(repo.layout.store, 'refs', 'shared-checkout', 'trees', String(tree))

const leftovers = (): string[] => readdirSync(root).filter(name => name.startsWith('_evicting-'))

describe('by age', () => {
  it('removes trees unused for 7 days and repositories unused for 30, with their pins, logging what each freed', async () => {
    const active = buildRepository(root, { name: 'active', trees: [1, 2, 3] })
    const old = buildRepository(root, { name: 'old', trees: [1] })
    ageTree(active.layout, 2, 9 * DAY_MS)
    ageTree(active.layout, 3, 6 * DAY_MS)
    ageRepository(old, 40 * DAY_MS)
    const treeBytes = diskUsage(active.layout.tree(2))

    const { report, text } = await run()

    expect(existsSync(old.dir)).toBe(false)
    expect(existsSync(active.layout.tree(2))).toBe(false)
    expect(existsSync(pin(active, 2))).toBe(false)
    for (const tree of [1, 3]) {
      expect(existsSync(active.layout.tree(tree))).toBe(true)
      expect(existsSync(pin(active, tree))).toBe(true)
    }
    expect(report.removed.map(r => [r.kind, r.repository, r.tree, r.reason])).toEqual([
      ['repository', 'github.com/acme/old', undefined, 'age'],
      ['tree', 'github.com/acme/active', 2, 'age']
    ])
    expect(report.removed[1].bytes).toBe(treeBytes)
    expect(report.freedBytes).toBe(report.removed[0].bytes + treeBytes)
    expect(text).toMatch(
      /removed github\.com\/acme\/old \(.*old\): unused for 40d \(repositories go after 30 days\); freed \d+\.\d KiB/
    )
    expect(text).toMatch(
      /removed tree 2 of github\.com\/acme\/active \(.*trees\/2\): unused for 9d \(trees go after 7 days\); freed /
    )
    expect(leftovers()).toEqual([])
    // The tree's lock was released: a job takes the tree number again and builds it afresh.
    expect(existsSync(active.layout.treeLock(2))).toBe(false)
    expect(readdirSync(active.layout.tmp)).toEqual([])
  })

  it('never removes a held tree, nor a repository with a held tree: kept, naming the job', async () => {
    const repo = buildRepository(root, { name: 'app', trees: [1, 2] })
    const other = buildRepository(root, { name: 'lib', trees: [1] })
    ageTree(repo.layout, 1, 20 * DAY_MS)
    ageRepository(other, 60 * DAY_MS)
    const job = await holdTree(repo.layout, [1], { job: 'long-build' })
    const libJob = await holdTree(other.layout, [1], { job: 'lib-release' })

    const { report, text } = await run()

    expect(report.removed).toEqual([])
    expect(existsSync(repo.layout.tree(1))).toBe(true)
    expect(existsSync(other.dir)).toBe(true)
    expect(text).toMatch(
      /kept tree 1 of github\.com\/acme\/app \(.*trees\/1\): it is held by .*job long-build/
    )
    expect(text).toMatch(/kept github\.com\/acme\/lib .*: tree 1 is held by .*job lib-release/)
    // The jobs still hold their trees: their locks carry their tokens.
    await job.stop()
    await libJob.stop()
    expect(await job.exited).toBe(0)
    expect(await libJob.exited).toBe(0)
  })

  it('keeps a repository while a job waits in its queue', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageRepository(repo, 60 * DAY_MS)
    const holder = await holdTree(repo.layout, [1], { job: 'first' })
    const waiter = await holdTree(repo.layout, [1], { job: 'second', waitFor: 'queued' })
    const { report } = await run()
    expect(report.kept).toEqual([
      expect.objectContaining({
        kind: 'repository',
        why: expect.stringMatching(/^tree 1 is held by/)
      })
    ])
    await holder.stop()
    await waiter.stop()
    expect(existsSync(repo.dir)).toBe(true)
  })

  it('a tree used again since the decision is kept (looked at again under its lock)', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageTree(repo.layout, 1, 9 * DAY_MS)
    const { report } = await run({
      hooks: {
        afterPlan: plan => {
          expect(plan).toHaveLength(1)
          ageTree(repo.layout, 1, 0) // a job checked it out and released it
        }
      }
    })
    expect(report.kept).toEqual([
      expect.objectContaining({ tree: 1, why: 'it was used again since the decision' })
    ])
    expect(existsSync(repo.layout.tree(1))).toBe(true)
  })

  it('removes set-aside leftovers older than the repository period', async () => {
    const repo = buildRepository(root, { trees: [1] })
    const old = path.join(repo.layout.aside, 'store-20260101T000000')
    const recent = path.join(repo.layout.aside, 'tree-1-20260501T000000')
    for (const dir of [old, recent]) {
      mkdirSync(dir, { recursive: true })
      writeFileSync(path.join(dir, 'data'), 'x'.repeat(10_000))
    }
    const then = new Date(Date.now() - 31 * DAY_MS)
    utimesSync(old, then, then)
    const { report } = await run()
    expect(report.removed.map(r => [r.kind, r.path])).toEqual([['aside', old]])
    expect(existsSync(recent)).toBe(true)
  })
})

describe('short of space', () => {
  /** A file system of `capacity` bytes whose only content is the root (du, real files). */
  const virtualDisk =
    (capacity: number) =>
    (dir: string): Space => ({
      availableBytes: capacity - diskUsage(dir),
      totalBytes: capacity
    })

  it('removes least recently used repositories until back above the threshold, then stops', async () => {
    const repos = ['a', 'b', 'c'].map(name =>
      buildRepository(root, { name, commits: 20, trees: [1] })
    )
    ageRepository(repos[0], 3 * DAY_MS)
    ageRepository(repos[1], 1 * DAY_MS)
    ageRepository(repos[2], 2 * DAY_MS)
    const used = diskUsage(root)
    const sizeA = diskUsage(repos[0].dir)
    // Just short by less than the least recently used repository frees.
    const capacity = used + 1_000_000
    const minFree = 1_000_000 + Math.floor(sizeA / 2)
    const { report, text } = await run({
      settings: defaults({ minFree: { kind: 'bytes', bytes: minFree } }),
      space: virtualDisk(capacity)
    })
    expect(report.removed.map(r => [r.repository, r.reason])).toEqual([
      ['github.com/acme/a', 'space']
    ])
    expect(existsSync(repos[0].dir)).toBe(false)
    expect(existsSync(repos[1].dir) && existsSync(repos[2].dir)).toBe(true)
    expect(report.spaceAfter.availableBytes).toBeGreaterThanOrEqual(minFree)
    expect(text).toMatch(
      /removed github\.com\/acme\/a .*: .* free, below .*: least recently used repository, unused for 3d; freed/
    )
  })

  it('then trees of repositories in use, least recently used first, never a held one', async () => {
    const busy = buildRepository(root, { name: 'busy', trees: [1, 2, 3] })
    const idle = buildRepository(root, { name: 'idle', trees: [1] })
    ageRepository(idle, 5 * DAY_MS)
    ageTree(busy.layout, 2, 2 * DAY_MS)
    ageTree(busy.layout, 3, 1 * DAY_MS)
    const job = await holdTree(busy.layout, [1], { job: 'holding' })
    const { report, text } = await run({
      settings: defaults({ minFree: { kind: 'bytes', bytes: 1e15 } }), // never enough
      space: virtualDisk(1e12)
    })
    expect(report.removed.map(r => [r.kind, r.repository.split('/').pop(), r.tree])).toEqual([
      ['repository', 'idle', undefined],
      ['tree', 'busy', 2],
      ['tree', 'busy', 3]
    ])
    expect(report.kept.map(k => [k.kind, k.tree])).toEqual([
      ['repository', undefined],
      ['tree', 1]
    ])
    expect(existsSync(busy.layout.tree(1))).toBe(true)
    expect(existsSync(busy.layout.store)).toBe(true)
    expect(text).toMatch(/warning: .* still below .*; what is left is in use/)
    await job.stop()
    expect(await job.exited).toBe(0)
  })
})

describe('dry run, leftovers, evictIfDue', () => {
  it('--dry-run reports what would go and changes nothing, takes no lock', async () => {
    const repo = buildRepository(root, { name: 'old', trees: [1] })
    const held = buildRepository(root, { name: 'held', trees: [1, 2] })
    ageRepository(repo, 40 * DAY_MS)
    ageRepository(held, 40 * DAY_MS)
    const job = await holdTree(held.layout, [2], { job: 'busy' })
    const before = diskUsage(root)
    const { report, text } = await run({ dryRun: true })
    expect(report.dryRun).toBe(true)
    expect(report.removed.map(r => r.repository)).toEqual(['github.com/acme/old'])
    expect(report.kept).toEqual([
      expect.objectContaining({
        repository: 'github.com/acme/held',
        why: 'tree 2 is held by job busy'
      })
    ])
    expect(text).toMatch(/would remove github\.com\/acme\/old .*; frees /)
    expect(existsSync(repo.dir)).toBe(true)
    expect(existsSync(repo.layout.storeLock + '.queue')).toBe(false)
    expect(diskUsage(root)).toBe(before)
    await job.stop()
  })

  it('removes what an interrupted eviction left, unless a job holds a lock in it', async () => {
    const repo = buildRepository(root, { name: 'a', trees: [1] })
    const other = buildRepository(root, { name: 'b', trees: [1] })
    // An eviction killed mid-way: its store lock (dead holder) moved with the directory.
    const killed = await holdTree(repo.layout, [1], { job: 'killed-evictor' })
    killed.child.kill('SIGKILL')
    await killed.exited
    const { renameSync } = await import('node:fs')
    renameSync(repo.dir, path.join(root, '_evicting-dead'))
    // A job squeezed into another one and holds its tree there.
    const live = await holdTree(other.layout, [1], { job: 'alive' })
    renameSync(other.dir, path.join(root, '_evicting-live'))
    const { report, text } = await run()
    expect(report.removed.map(r => [r.reason, r.path])).toEqual([
      ['leftover', path.join(root, '_evicting-dead')]
    ])
    expect(leftovers()).toEqual(['_evicting-live'])
    expect(text).toMatch(/left .*_evicting-live in place: a job still holds a lock in it/)
    await live.stop()
  })

  it('evictIfDue: at most once an hour per machine, cheap when not due, never throws on bad settings', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageTree(repo.layout, 1, 9 * DAY_MS)
    const log = memoryLogger()
    const first = await evictIfDue(root, { log, env: {} })
    expect(first.ran).toBe(true)
    expect(first.report?.removed.map(r => r.tree)).toEqual([1])
    expect(existsSync(evictionStampOf(root))).toBe(true)

    const second = await evictIfDue(root, { log, env: {} })
    expect(second).toEqual({ ran: false, why: 'the last eviction ran 0s ago' })

    const anHourLater = Date.now() + 3600_000
    writeFileSync(path.join(root, '_settings.json'), '{"evictTreeDays": "soon"}')
    const third = await evictIfDue(root, { log, env: {}, now: () => anHourLater })
    expect(third.ran).toBe(false)
    expect(log.lines.join('\n')).toMatch(
      /warning: eviction in .* did not run to the end: evictTreeDays in .*_settings\.json is "soon"/
    )
    expect(readFileSync(evictionStampOf(root), 'utf8')).toContain(
      new Date(anHourLater).toISOString().slice(0, 13)
    )
  })

  it('evictIfDue while another eviction holds the machine lock does nothing', async () => {
    buildRepository(root, { trees: [1] })
    mkdirSync(path.join(root, '_fleet'), { recursive: true })
    const lock = await acquireLock({
      lockPath: path.join(root, '_fleet', 'evict.lock'),
      holdFor: 'process',
      timeoutSeconds: 0
    })
    try {
      const result = await evictIfDue(root, { log: memoryLogger(), env: {} })
      expect(result.ran).toBe(false)
      expect(result.why).toMatch(/^another eviction runs: held by/)
    } finally {
      await releaseLock(lock.lockPath, lock.token)
    }
  })
})
