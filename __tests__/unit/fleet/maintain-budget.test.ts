/**
 * The time budget of store maintenance (§6): a step still running when it is spent is
 * stopped, remembered, and left to a run with a larger budget; nothing is lost meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import {
  countStore,
  fleetGitRunner,
  maintainIfDue,
  maintainStore,
  maintenanceDue,
  readMaintenanceRecord
} from '../../../src/fleet/maintain.js'
import { memoryLogger } from '../../../src/logger.js'
import { buildRepository, git, tempDir } from '../../../testkit/fleet-world.js'

let temp: ReturnType<typeof tempDir>
let root: string
beforeEach(() => {
  temp = tempDir('fleet-budget-')
  root = path.join(temp.dir, 'root')
})
afterEach(() => temp.cleanup())

/** The objects of `objects` that `dir` lacks (one git process). */
const missing = (dir: string, objects: string[]): string[] =>
  git(dir, ['cat-file', '--batch-check=%(objectname)'], `${objects.join('\n')}\n`)
    .split('\n')
    .filter(line => line.endsWith(' missing'))

describe('the time budget', () => {
  it('stops a step still running at the budget, remembers it, and maintainIfDue leaves it for gc with a larger budget', async () => {
    const repo = buildRepository(root, { commits: 10, looseCommits: 260 })
    const loose = countStore(repo.layout.store).looseObjects
    expect(loose).toBeGreaterThanOrEqual(1000)

    const log = memoryLogger()
    const first = await maintainIfDue(repo.layout, { budgetMs: 5, log })
    expect(first.steps).toEqual([
      expect.objectContaining({ step: 'repack', outcome: 'stopped' }),
      expect.objectContaining({
        step: 'commit-graph',
        outcome: 'skipped',
        detail: 'the budget was spent'
      })
    ])
    expect(log.lines.join('\n')).toMatch(
      /repack did not finish within the budget of 0 s; run `shared-checkout gc --budget 600`/
    )
    // Stopped, not broken: nothing was lost and nothing left behind that blocks the next run.
    expect(countStore(repo.layout.store).looseObjects).toBe(loose)
    expect(missing(repo.layout.store, repo.shas)).toEqual([])
    expect(
      existsSync(path.join(repo.layout.store, 'objects', 'pack', 'multi-pack-index.lock'))
    ).toBe(false)

    // After the next job, with the same budget: the repack is not tried again; the rest is.
    const second = await maintainIfDue(repo.layout, { budgetMs: 5, log })
    expect(second.steps.map(s => s.step)).toEqual(['commit-graph'])
    expect(countStore(repo.layout.store).looseObjects).toBe(loose)
    const third = await maintainIfDue(repo.layout, { budgetMs: 5, log })
    expect(third.steps.map(s => s.step)).not.toContain('repack')

    // A larger budget (the next job's, or gc's) tries it again, and the store is no longer due.
    const fourth = await maintainIfDue(repo.layout, { budgetMs: 120_000, log })
    expect(fourth.steps.find(s => s.step === 'repack')?.outcome).toBe('done')
    expect(countStore(repo.layout.store).looseObjects).toBe(0)
    await maintainStore(repo.layout, { git: fleetGitRunner(repo.layout), budgetMs: 120_000, log })
    expect(readMaintenanceRecord(repo.layout.store)?.stopped).toEqual({})
    expect(maintenanceDue(repo.layout.store).due).toBe(false)
  })
})
