/**
 * Eviction (§6) under forced races: a job arrives between eviction's decision and the removal
 * (hooks at each point, like the lock's beforeBreak). Nothing held is ever removed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { evict, type EvictOptions } from '../../../src/fleet/evict.js'
import { DAY_MS } from '../../../src/fleet/format.js'
import { resolveSettings, type FleetSettings } from '../../../src/fleet/settings.js'
import { memoryLogger } from '../../../src/logger.js'
import { readLockHolder } from '../../../src/lock/index.js'
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

describe('forced races: a job arrives between the decision and the removal', () => {
  it('a job that takes the tree after the plan keeps it: 0 trees removed while held', async () => {
    const repo = buildRepository(root, { trees: [1, 2] })
    ageTree(repo.layout, 1, 9 * DAY_MS)
    ageTree(repo.layout, 2, 9 * DAY_MS)
    let job: Awaited<ReturnType<typeof holdTree>> | undefined
    const { report, text } = await run({
      hooks: {
        afterPlan: async plan => {
          expect(plan.map(p => p.target.kind === 'tree' && p.target.tree)).toEqual([1, 2])
          job = await holdTree(repo.layout, [1], { job: 'late-arrival' })
        }
      }
    })
    expect(report.kept).toEqual([
      expect.objectContaining({ tree: 1, why: expect.stringMatching(/job late-arrival/) })
    ])
    expect(report.removed.map(r => r.tree)).toEqual([2])
    expect(existsSync(repo.layout.tree(1))).toBe(true)
    expect(existsSync(pin(repo, 1))).toBe(true)
    expect(text).not.toMatch(/removed tree 1/)
    await job!.stop()
    expect(await job!.exited).toBe(0) // its lock was never touched
  })

  it('a job that takes a tree of the repository after the plan keeps the whole repository', async () => {
    const repo = buildRepository(root, { trees: [1, 2] })
    ageRepository(repo, 40 * DAY_MS)
    let job: Awaited<ReturnType<typeof holdTree>> | undefined
    const { report } = await run({
      hooks: {
        afterPlan: async () => {
          job = await holdTree(repo.layout, [2], { job: 'late-arrival' })
        }
      }
    })
    expect(report.removed).toEqual([])
    expect(report.kept[0].why).toMatch(/^tree 2 is held by .*job late-arrival/)
    expect(existsSync(repo.dir)).toBe(true)
    await job!.stop()
    expect(await job!.exited).toBe(0)
  })

  it('a job that takes a new tree after the last look, right before the rename, is found and the directory put back', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageRepository(repo, 40 * DAY_MS)
    let job: Awaited<ReturnType<typeof holdTree>> | undefined
    const { report } = await run({
      hooks: {
        // Eviction holds the store lock and tree 1's: a job with `trees: 3` takes tree 2.
        beforeRemove: async () => {
          job = await holdTree(repo.layout, [1, 2, 3], { job: 'squeezed-in' })
          expect(path.basename(job.lockPath)).toBe('tree-2.lock')
        }
      }
    })
    expect(report.removed).toEqual([])
    expect(report.kept).toEqual([
      expect.objectContaining({
        kind: 'repository',
        why: expect.stringMatching(
          /^a job arrived while it was being removed \(tree-2\.lock was taken\); put it back$/
        )
      })
    ])
    expect(existsSync(repo.layout.tree(1))).toBe(true)
    expect(leftovers()).toEqual([])
    expect((await readLockHolder(repo.layout.treeLock(2)))?.job.job).toBe('squeezed-in')
    // Eviction's own locks were released where they are; the job releases its own.
    expect(existsSync(repo.layout.treeLock(1))).toBe(false)
    expect(existsSync(repo.layout.storeLock)).toBe(false)
    await job!.stop()
    expect(await job!.exited).toBe(0)
  })

  it('a job that joins the queue right before the rename is found, the directory put back, and the job gets its tree', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageRepository(repo, 40 * DAY_MS)
    let waiter: Awaited<ReturnType<typeof holdTree>> | undefined
    const { report } = await run({
      hooks: {
        beforeRemove: async () => {
          waiter = await holdTree(repo.layout, [1], { job: 'queued-late', waitFor: 'queued' })
        }
      }
    })
    expect(report.kept).toEqual([
      expect.objectContaining({
        why: 'a job arrived while it was being removed (a job joined the queue); put it back'
      })
    ])
    const acquired = await waiter!.next('acquired')
    expect(acquired.lockPath).toBe(repo.layout.treeLock(1))
    expect(existsSync(repo.layout.tree(1))).toBe(true)
    await waiter!.stop()
    expect(await waiter!.exited).toBe(0)
  })

  it('a job arriving while a repository is being deleted builds a fresh directory, which eviction leaves alone', async () => {
    const repo = buildRepository(root, { trees: [1] })
    ageRepository(repo, 40 * DAY_MS)
    let job: Awaited<ReturnType<typeof holdTree>> | undefined
    const { report } = await run({
      hooks: {
        afterMove: async (_item, movedTo) => {
          expect(existsSync(repo.dir)).toBe(false)
          expect(existsSync(path.join(movedTo, 'store'))).toBe(true)
          job = await holdTree(repo.layout, [1], { job: 'fresh' })
          mkdirSync(repo.layout.tree(1), { recursive: true })
          writeFileSync(path.join(repo.layout.tree(1), 'built-by-fresh'), '')
        }
      }
    })
    expect(report.removed.map(r => r.kind)).toEqual(['repository'])
    expect(leftovers()).toEqual([])
    expect(existsSync(path.join(repo.layout.tree(1), 'built-by-fresh'))).toBe(true)
    expect((await readLockHolder(repo.layout.treeLock(1)))?.job.job).toBe('fresh')
    await job!.stop()
    expect(await job!.exited).toBe(0)
  })
})
