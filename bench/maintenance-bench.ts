/**
 * What store maintenance buys (§6): a store after 2,000 small fetches (each leaves a few loose
 * objects, as a fetch of fewer than 100 objects does), copied twice; one copy is maintained.
 * Then, in the same run and alternating, each copy gets the next upstream commit the way a job
 * does: a warm fetch into the store, a checkout in a tree that borrows from it, and a history
 * walk in the tree. Medians over repetitions; maintenance's own time is measured once.
 *
 *   node --import tsx bench/maintenance-bench.ts [--base 3000] [--fetches 2000] [--reps 9]
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { countStore, fleetGitRunner, maintainStore } from '../src/fleet/maintain.js'
import type { Logger } from '../src/logger.js'
import { layoutOf, type RepoLayout } from '../src/repo/layout.js'
import { appendCommits, buildRepository, fetchInto, git, tempDir } from '../testkit/fleet-world.js'

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const BASE = option('base', 3000)
const FETCHES = option('fetches', 2000)
const REPS = option('reps', 9)

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`)
}
const quiet: Logger = {
  info: () => undefined,
  warning: progress,
  notice: progress,
  debug: () => undefined
}

function timed(work: () => void): number {
  const start = performance.now()
  work()
  return performance.now() - start
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

interface Sample {
  fetch: number
  checkout: number
  walk: number
}

/** One job's worth of work on a store: fetch the new commit, check it out, walk the history. */
function jobOn(layout: RepoLayout, upstream: string, sha: string): Sample {
  const fetch = timed(() => fetchInto(layout, upstream, sha))
  const checkout = timed(() => git(layout.tree(1), ['checkout', '--quiet', '--detach', sha]))
  const walk = timed(() => git(layout.tree(1), ['rev-list', '--count', 'HEAD']))
  return { fetch, checkout, walk }
}

async function main(): Promise<void> {
  const temp = tempDir('maintenance-bench-')
  try {
    const root = path.join(temp.dir, 'root')
    progress(
      `building a store: ${BASE} commits in one fetch, then ${FETCHES} small fetches one commit each…`
    )
    const buildStart = performance.now()
    const built = buildRepository(root, {
      name: 'plain',
      commits: BASE + FETCHES,
      smallFetches: FETCHES,
      trees: [1]
    })
    progress(`  built in ${((performance.now() - buildStart) / 1000).toFixed(0)} s`)
    // Two copies made alike (a copied tree's index has new inode numbers: both get them).
    const copyOf = (name: string): RepoLayout => {
      const dir = path.join(root, 'github.com', 'acme', name)
      execFileSync('cp', ['-a', built.dir, dir])
      const layout = layoutOf(dir)
      writeFileSync(
        path.join(layout.tree(1), '.git', 'objects', 'info', 'alternates'),
        `${path.join(layout.store, 'objects')}\n`
      )
      return layout
    }
    const plain = copyOf('without')
    const maintained = copyOf('with')
    const before = countStore(plain.store)

    progress('maintaining one copy…')
    const result = await maintainStore(maintained, {
      git: fleetGitRunner(maintained),
      budgetMs: 3600_000,
      log: quiet
    })
    const after = countStore(maintained.store)
    const stepTimes = result.steps.map(s => `${s.step} ${(s.ms / 1000).toFixed(2)} s`).join(', ')

    progress(`${REPS} repetitions of fetch + checkout + history walk on each copy…`)
    const samples: Record<'plain' | 'maintained', Sample[]> = { plain: [], maintained: [] }
    // A first job on each warms the page cache for both alike.
    let next = appendCommits(built.upstream, 1, { label: 'warmup' })[0]
    jobOn(plain, built.upstream, next)
    jobOn(maintained, built.upstream, next)
    for (let rep = 0; rep < REPS; rep++) {
      next = appendCommits(built.upstream, 1, { label: `rep${rep}` })[0]
      const order: ('plain' | 'maintained')[] =
        rep % 2 ? ['maintained', 'plain'] : ['plain', 'maintained']
      for (const which of order)
        samples[which].push(jobOn(which === 'plain' ? plain : maintained, built.upstream, next))
    }

    const row = (label: string, pick: (s: Sample) => number): string => {
      const a = median(samples.plain.map(pick))
      const b = median(samples.maintained.map(pick))
      return `| ${label} | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(a / b).toFixed(2)}× |`
    }
    const lines = [
      `### Store maintenance: ${BASE} commits + ${FETCHES} small fetches (median of ${REPS}, git ${git('.', ['--version']).replace('git version ', '')})`,
      '',
      '| | without maintenance | with maintenance | speed-up |',
      '|---|---|---|---|',
      `| store: loose objects / packs / commit-graph | ${before.looseObjects} / ${before.packs} / ${before.commitGraph ? 'yes' : 'no'} | ${after.looseObjects} / ${after.packs} / ${after.commitGraph ? 'yes' : 'no'} | |`,
      row('warm fetch of 1 new commit', s => s.fetch),
      row('checkout of it in a tree', s => s.checkout),
      row('fetch + checkout', s => s.fetch + s.checkout),
      row(`history walk in the tree (rev-list --count, ${BASE + FETCHES} commits)`, s => s.walk),
      '',
      `Maintenance itself (once, under the store lock): ${(result.ms / 1000).toFixed(2)} s — ${stepTimes}.`
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    temp.cleanup()
  }
}

await main()
