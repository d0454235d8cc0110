/** The fleet tools' pure decisions: maintenance due?, which steps, what to evict in what order. */
import { describe, expect, it } from '@jest/globals'
import { parseBudgetSeconds } from '../../../src/fleet/commands.js'
import { planEviction, type PlanRepository } from '../../../src/fleet/evict.js'
import { DAY_MS, formatBytes, formatSpan, renderTable } from '../../../src/fleet/format.js'
import {
  decideMaintenance,
  isGitTemporary,
  nextRecord,
  stepArgs,
  stepsFor,
  stepsToSkip,
  type MaintenanceRecord,
  type StoreCounts
} from '../../../src/fleet/maintain.js'
import { evictionDue } from '../../../src/fleet/schedule.js'
import { latest, repositoryLastUse } from '../../../src/fleet/usage.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const GiB = 1024 ** 3

function counts(changes: Partial<StoreCounts> = {}): StoreCounts {
  return {
    looseObjects: 0,
    packs: 1,
    packsOutsideMidx: 1,
    packBytes: [1000],
    hasMidx: false,
    commitGraph: NOW - 3600_000,
    newestObjects: NOW - 2 * 3600_000,
    shallow: false,
    partial: false,
    ...changes
  }
}

describe('decideMaintenance', () => {
  it('a freshly maintained store is not due, and says what it counted', () => {
    const due = decideMaintenance(counts(), NOW)
    expect(due).toEqual({
      due: false,
      why: expect.stringMatching(/^nothing to do: 0 loose objects, 1 packs, commit-graph 1h ago$/),
      steps: []
    })
  })

  it('an empty store never is', () => {
    expect(
      decideMaintenance(counts({ packs: 0, packBytes: [], commitGraph: undefined }), NOW).due
    ).toBe(false)
  })

  it('1,000 loose objects make the repack due', () => {
    expect(decideMaintenance(counts({ looseObjects: 999 }), NOW).due).toBe(false)
    expect(decideMaintenance(counts({ looseObjects: 1000 }), NOW)).toEqual({
      due: true,
      why: '1000 loose objects (maintained from 1000)',
      steps: ['repack']
    })
  })

  it('10 packs outside the multi-pack-index make the repack due', () => {
    expect(decideMaintenance(counts({ packs: 12, packsOutsideMidx: 9 }), NOW).due).toBe(false)
    expect(decideMaintenance(counts({ packs: 12, packsOutsideMidx: 10 }), NOW).steps).toEqual([
      'repack'
    ])
  })

  it('a missing commit-graph is due; a day-old one only when objects arrived after it', () => {
    expect(decideMaintenance(counts({ commitGraph: undefined }), NOW)).toMatchObject({
      due: true,
      why: 'no commit-graph',
      steps: ['commit-graph']
    })
    const old = NOW - 2 * DAY_MS
    expect(decideMaintenance(counts({ commitGraph: old, newestObjects: old - 1 }), NOW).due).toBe(
      false
    )
    expect(
      decideMaintenance(counts({ commitGraph: old, newestObjects: old + 1 }), NOW)
    ).toMatchObject({
      due: true,
      why: 'commit-graph written 2d ago, objects fetched since',
      steps: ['commit-graph']
    })
    expect(
      decideMaintenance(counts({ commitGraph: NOW - 3600_000, newestObjects: NOW }), NOW).due
    ).toBe(false)
  })

  it('all reasons together, in step order', () => {
    const due = decideMaintenance(
      counts({ looseObjects: 5000, packsOutsideMidx: 30, commitGraph: undefined }),
      NOW
    )
    expect(due.steps).toEqual(['repack', 'commit-graph'])
    expect(due.why).toBe(
      '5000 loose objects (maintained from 1000); 30 packs outside the multi-pack-index (maintained from 10); no commit-graph'
    )
  })

  it('a shallow store never wants a commit-graph (git keeps none); a partial one is never repacked', () => {
    expect(decideMaintenance(counts({ shallow: true, commitGraph: undefined }), NOW).due).toBe(
      false
    )
    const partial = decideMaintenance(
      counts({ partial: true, looseObjects: 9000, packsOutsideMidx: 40 }),
      NOW
    )
    expect(partial.due).toBe(false)
  })
})

describe('steps', () => {
  it('only steps with something to do run', () => {
    expect(stepsFor(counts({ looseObjects: 0, packs: 1 }))).toEqual(['commit-graph'])
    expect(stepsFor(counts({ looseObjects: 3 }))).toEqual(['repack', 'commit-graph'])
    expect(stepsFor(counts({ packs: 2 }))).toEqual(['repack', 'commit-graph'])
    expect(stepsFor(counts({ packs: 5, partial: true }))).toEqual(['commit-graph'])
    expect(stepsFor(counts({ packs: 5, shallow: true }))).toEqual(['repack'])
    expect(stepsFor(counts({ packs: 0, looseObjects: 0 }))).toEqual([])
  })

  it('never prune, never pack refs, never drop unreachable objects', () => {
    const all = [...stepArgs('repack'), ...stepArgs('commit-graph')]
    for (const forbidden of [
      '-a',
      '-A',
      '--cruft',
      '--prune',
      'prune',
      'pack-refs',
      'gc',
      '--keep-unreachable',
      '--expire-to'
    ])
      expect(all).not.toContain(forbidden)
    expect(stepArgs('repack')).toEqual(
      expect.arrayContaining(['repack', '-d', '--geometric=2', '--write-midx'])
    )
    expect(stepArgs('commit-graph')).toEqual(expect.arrayContaining(['--reachable', '--split']))
  })

  it("git's temporaries: tmp_pack_*, tmp_idx_*, tmp_graph_*, .tmp-*-pack; not packs", () => {
    expect(
      ['tmp_pack_Ab12', 'tmp_idx_x', 'tmp_graph_q', '.tmp-123-pack-abc.pack'].every(isGitTemporary)
    ).toBe(true)
    expect(['pack-1a.pack', 'multi-pack-index', 'loose-1.idx'].some(isGitTemporary)).toBe(false)
  })
})

describe('a step stopped at the budget', () => {
  const at = new Date(NOW - 3600_000).toISOString()
  const stoppedRecord: MaintenanceRecord = {
    version: 1,
    at,
    budgetMs: 20_000,
    ms: 20_000,
    steps: [
      { step: 'repack', outcome: 'done', ms: 300 },
      { step: 'commit-graph', outcome: 'stopped', ms: 19_700 }
    ],
    stopped: { 'commit-graph': { at, budgetMs: 20_000 } }
  }

  it('is skipped for a day with the same or a smaller budget, tried with a larger one', () => {
    expect(stepsToSkip(stoppedRecord, 20_000, NOW)).toEqual(['commit-graph'])
    expect(stepsToSkip(stoppedRecord, 5_000, NOW)).toEqual(['commit-graph'])
    expect(stepsToSkip(stoppedRecord, 600_000, NOW)).toEqual([])
    expect(stepsToSkip(stoppedRecord, 20_000, NOW + DAY_MS)).toEqual([])
    expect(stepsToSkip(undefined, 20_000, NOW)).toEqual([])
  })

  it('is remembered across runs that did not try it, forgotten once it is done', () => {
    const later = nextRecord(
      stoppedRecord,
      {
        at: new Date(NOW).toISOString(),
        budgetMs: 20_000,
        ms: 100,
        steps: [{ step: 'repack', outcome: 'done', ms: 100 }]
      },
      NOW
    )
    expect(later.stopped).toEqual({ 'commit-graph': { at, budgetMs: 20_000 } })
    const done = nextRecord(
      later,
      {
        at: new Date(NOW).toISOString(),
        budgetMs: 600_000,
        ms: 100,
        steps: [{ step: 'commit-graph', outcome: 'done', ms: 90_000 }]
      },
      NOW
    )
    expect(done.stopped).toEqual({})
    const stoppedNow = nextRecord(
      undefined,
      { at: 'now', budgetMs: 1, ms: 1, steps: [{ step: 'repack', outcome: 'stopped', ms: 1 }] },
      NOW
    )
    expect(stoppedNow.stopped).toEqual({ repack: { at: 'now', budgetMs: 1 } })
  })
})

describe('last use', () => {
  it('a repository is as recent as its newest part, never older than its marker', () => {
    expect(repositoryLastUse({ marker: 5, store: 9, trees: [3, undefined, 12] })).toBe(12)
    expect(repositoryLastUse({ marker: 50, store: 9, trees: [3] })).toBe(50)
    expect(repositoryLastUse({ trees: [] })).toBe(0)
    expect(latest([undefined, undefined])).toBeUndefined()
  })
})

describe('planEviction', () => {
  const days = (n: number): number => NOW - n * DAY_MS
  const repo = (
    name: string,
    lastUseDays: number,
    trees: [number, number][],
    aside: number[] = []
  ): PlanRepository => ({
    dir: `/root/github.com/acme/${name}`,
    key: `github.com/acme/${name}`,
    lastUse: days(lastUseDays),
    trees: trees.map(([tree, used]) => ({ tree, exists: true, lastUse: days(used) })),
    aside: aside.map((age, i) => ({
      path: `/root/github.com/acme/${name}/aside/store-${i}`,
      mtime: days(age)
    }))
  })
  const limits = { treeDays: 7, repoDays: 30, minFreeBytes: 10 * GiB }
  const plenty = { availableBytes: 100 * GiB, totalBytes: 200 * GiB }
  const short = { availableBytes: 1 * GiB, totalBytes: 200 * GiB }
  const ids = (plan: ReturnType<typeof planEviction>): string[] =>
    plan.map(
      ({ target, reason }) =>
        `${reason} ${target.kind} ${target.key.split('/').pop()}${target.kind === 'tree' ? `#${target.tree}` : ''}`
    )

  it('by age: repositories unused > 30 days, then trees unused > 7 days of the others, oldest first', () => {
    const plan = planEviction(
      [
        repo('active', 0, [
          [1, 0],
          [2, 9],
          [3, 20]
        ]),
        repo('old', 31, [[1, 31]]),
        repo('older', 45, [
          [1, 45],
          [2, 60]
        ]),
        repo('fresh', 1, [[1, 6.9]])
      ],
      limits,
      NOW,
      plenty
    )
    expect(ids(plan)).toEqual([
      'age repository older',
      'age repository old',
      'age tree active#3',
      'age tree active#2'
    ])
    expect(plan[0].why).toBe('unused for 45d (repositories go after 30 days)')
    expect(plan[2].why).toBe('unused for 20d (trees go after 7 days)')
  })

  it('off periods remove nothing for age', () => {
    const plan = planEviction(
      [repo('old', 400, [[1, 400]])],
      { ...limits, treeDays: null, repoDays: null },
      NOW,
      plenty
    )
    expect(plan).toEqual([])
  })

  it('short of space: set-aside leftovers, then repositories least recently used first, then trees', () => {
    const plan = planEviction(
      [
        repo('a', 2, [
          [1, 2],
          [2, 3]
        ]),
        repo(
          'b',
          0.5,
          [
            [1, 0.5],
            [2, 5]
          ],
          [3]
        ),
        repo('c', 4, [[1, 4]])
      ],
      limits,
      NOW,
      short
    )
    expect(ids(plan)).toEqual([
      'space aside b',
      'space repository c',
      'space repository a',
      'space repository b',
      'space tree b#2',
      'space tree c#1',
      'space tree a#2',
      'space tree a#1',
      'space tree b#1'
    ])
    expect(plan[1].why).toBe(
      '1.0 GiB free, below 10.0 GiB: least recently used repository, unused for 4d'
    )
  })

  it('age first, then space, without planning anything twice or a tree of a repository going for age', () => {
    const plan = planEviction(
      [
        repo('old', 40, [[1, 40]]),
        repo(
          'busy',
          0,
          [
            [1, 0],
            [2, 8]
          ],
          [45]
        )
      ],
      limits,
      NOW,
      short
    )
    expect(ids(plan)).toEqual([
      'age repository old',
      'age tree busy#2',
      'age aside busy',
      'space repository busy',
      'space tree busy#1'
    ])
  })

  it('nothing for space while there is enough, nor when the threshold is off', () => {
    expect(planEviction([repo('a', 1, [[1, 1]])], limits, NOW, plenty)).toEqual([])
    expect(
      planEviction([repo('a', 1, [[1, 1]])], { ...limits, minFreeBytes: 0 }, NOW, short)
    ).toEqual([])
  })

  it('trees that do not exist (a lock file only) are not planned', () => {
    const only: PlanRepository = { ...repo('a', 0, []), trees: [{ tree: 4, exists: false }] }
    expect(planEviction([only], limits, NOW, short).map(p => p.target.kind)).toEqual(['repository'])
  })
})

describe('scheduling and formats', () => {
  it('eviction from post steps: at most once an hour (a stamp from the future is ignored)', () => {
    expect(evictionDue(undefined, NOW)).toBe(true)
    expect(evictionDue(NOW - 59 * 60_000, NOW)).toBe(false)
    expect(evictionDue(NOW - 3600_000, NOW)).toBe(true)
    expect(evictionDue(NOW + DAY_MS, NOW)).toBe(true)
  })

  it('budget seconds', () => {
    expect(parseBudgetSeconds('600')).toBe(600)
    expect(parseBudgetSeconds('2.5')).toBe(2.5)
    for (const bad of ['0', '-1', 'ten', '', '1e3']) expect(parseBudgetSeconds(bad)).toBeUndefined()
  })

  it('sizes, spans and tables', () => {
    expect(formatBytes(0)).toBe('0 bytes')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(12.34 * GiB)).toBe('12.3 GiB')
    expect([
      formatSpan(45_000),
      formatSpan(12 * 60_000),
      formatSpan(5 * 3600_000),
      formatSpan(3 * DAY_MS)
    ]).toEqual(['45s', '12m', '5h', '3d'])
    expect(
      renderTable([
        ['A', 'BB', 'C'],
        ['aaaa', 'b', 'last column not padded']
      ])
    ).toEqual(['A     BB  C', 'aaaa  b   last column not padded'])
  })
})
