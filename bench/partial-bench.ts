/**
 * Issue 15 benchmark: the cold start of the generated 20k-commit repository (bench/lib/repo-cache)
 * with `filter: blob:none` (and `tree:0`) against a full clone, all in one run and interleaved per
 * repetition so drift on a shared machine hits every variant alike:
 *
 *   action, full clone          the action's main step on an empty root (cache off)   ← baseline
 *   action, filter: blob:none   the same with a blobless store (blobs of the commit fetched
 *                               into the store before the checkout)
 *   action, filter: tree:0      the same with a treeless store
 *   raw git clone               `git clone` (full history, with checkout)
 *   raw git clone blob:none     `git clone --filter=blob:none`
 *
 * Figures: wall time of the step (main; post is measured separately and is the same for all),
 * bytes the git server sent, and disk used afterwards (store + tree, or the clone). Medians of
 * --reps repetitions; ratios are against the action's full clone of the same run.
 *
 *   node --import tsx bench/partial-bench.ts [--reps 3] [--commits 20000 --files 5000]
 *        [--action-dir .tmp/issue15]
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { authHeaderEntry, withConfigEntries } from '../src/git/env.js'
import { runActionMainAndPost } from './lib/action-process.js'
import { diskUsage, formatBytes, formatSpread, ratio, sample, type Sample } from './lib/measure.js'
import { generatedRepo, headOf } from './lib/repo-cache.js'
import { parseFlags } from './lib/stats.js'
import { createBenchWorld, type BenchWorld } from './lib/world.js'

const execFileAsync = promisify(execFile)
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface Variant {
  label: string
  run(world: BenchWorld, sha: string): Promise<{ ms: number; disk: string[]; postMs?: number }>
}

function actionVariant(label: string, filter: string): Variant {
  return {
    label,
    async run(world, sha) {
      const root = world.freshDir('root')
      const { main, post } = await runActionMainAndPost(world.action(root), world.push(sha), {
        filter,
        cache: 'false',
        'show-progress': 'false'
      })
      if (main.outputs.commit !== sha)
        throw new Error(
          `bench: ${label} checked out ${main.outputs.commit}, not ${sha}:\n${main.log}`
        )
      return { ms: main.ms, postMs: post.ms, disk: [root] }
    }
  }
}

function rawCloneVariant(label: string, extra: string[]): Variant {
  return {
    label,
    async run(world) {
      const dest = path.join(world.freshDir('clone'), 'repo')
      // The action's own auth mechanism (extraheader through GIT_CONFIG_*), protocol v2.
      const env = withConfigEntries(
        { ...process.env, HOME: world.remote.home, GIT_CONFIG_NOSYSTEM: '1' },
        [
          authHeaderEntry(world.remote.serverUrl, world.remote.token),
          { key: 'protocol.version', value: '2' }
        ]
      )
      const started = performance.now()
      await execFileAsync('git', ['clone', '--quiet', ...extra, world.remote.url, dest], {
        env,
        maxBuffer: 64 << 20
      })
      return { ms: performance.now() - started, disk: [dest] }
    }
  }
}

const VARIANTS: Variant[] = [
  actionVariant('Shared Checkout, full clone (no filter)', ''),
  actionVariant('Shared Checkout, `filter: blob:none`', 'blob:none'),
  actionVariant('Shared Checkout, `filter: tree:0`', 'tree:0'),
  rawCloneVariant('raw `git clone` (full history, with checkout)', []),
  rawCloneVariant('raw `git clone --filter=blob:none`', ['--filter=blob:none'])
]

interface Figures {
  ms: Sample
  bytes: Sample
  disk: Sample
  postMs?: Sample
}

const log = (line: string): void => {
  process.stderr.write(`[partial-bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const number = (name: string, fallback: number): number => {
    const value = Number(flags.get(name) ?? fallback)
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name}: expected a whole number >= 1`)
    return value
  }
  const reps = number('reps', 3)
  const commits = number('commits', 20000)
  const files = number('files', 5000)
  const actionDir = path.resolve(
    flags.get('action-dir') ?? process.env.SHARED_CHECKOUT_ACTION_DIR ?? REPO_ROOT
  )
  if (!existsSync(path.join(actionDir, 'dist', 'main', 'index.js')))
    throw new Error(
      `bench: no built action in ${actionDir}/dist (node scripts/build.mjs --action-dir ${actionDir})`
    )

  const repo = await generatedRepo({ commits, files, seed: 1 }, log)
  const world = await createBenchWorld(repo, actionDir)
  const samples = new Map<
    string,
    { ms: number[]; bytes: number[]; disk: number[]; postMs: number[] }
  >()
  try {
    const sha = await headOf(world.upstream, world.branch)
    log(`${repo.description}; ${reps} repetitions of ${VARIANTS.length} variants, interleaved`)
    for (let rep = 1; rep <= reps; rep++) {
      for (const variant of VARIANTS) {
        const before = world.server.totalBytesSent()
        const run = await variant.run(world, sha)
        const bytes = world.server.totalBytesSent() - before
        const disk = await diskUsage(run.disk)
        const s = samples.get(variant.label) ?? { ms: [], bytes: [], disk: [], postMs: [] }
        s.ms.push(run.ms)
        s.bytes.push(bytes)
        s.disk.push(disk)
        if (run.postMs !== undefined) s.postMs.push(run.postMs)
        samples.set(variant.label, s)
        log(
          `rep ${rep}: ${variant.label}: ${(run.ms / 1000).toFixed(2)} s, ${formatBytes(bytes)} sent, ${formatBytes(disk)} on disk`
        )
      }
    }
  } finally {
    await world.close()
  }

  const figures = new Map<string, Figures>()
  for (const [label, s] of samples)
    figures.set(label, {
      ms: sample(s.ms),
      bytes: sample(s.bytes),
      disk: sample(s.disk),
      postMs: s.postMs.length ? sample(s.postMs) : undefined
    })
  const baseline = figures.get(VARIANTS[0].label)!
  const rows = [...figures].map(([label, f]) => [
    label,
    formatSpread(f.ms),
    formatBytes(f.bytes.median),
    formatBytes(f.disk.median),
    ratio(f.ms.median, baseline.ms.median),
    ratio(f.bytes.median, baseline.bytes.median),
    ratio(f.disk.median, baseline.disk.median)
  ])
  const header = [
    'variant (cold start, empty machine)',
    'time (median, range)',
    'server bytes',
    'disk after',
    'time ÷ full',
    'bytes ÷ full',
    'disk ÷ full'
  ]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  console.log(`\n### Partial clones: cold start (${repo.description})\n`)
  console.log(
    `Medians of ${reps} repetitions, interleaved; time is the main step (node + bundle + lock + fetch + checkout), ` +
      `post (${formatSpread(baseline.postMs!)} for the full clone) is the same for every variant. ` +
      'Disk: store + tree for the action, the clone for raw git (`du`, hard links once).\n'
  )
  console.log(line(header))
  console.log(line(widths.map(w => '-'.repeat(w))))
  for (const row of rows) console.log(line(row))
}

main().catch(error => {
  console.error(error instanceof Error ? error.stack : error)
  process.exit(1)
})
