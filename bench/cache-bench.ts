/**
 * Cold `git clone` vs warm start from the Actions cache (§4, §5 "cold clone"): a generated
 * repository of 20k commits, machine A saves its store (a bare repository) to the local cache
 * service, upstream then advances by 50 commits, and each repetition compares, on a fresh path:
 *   cold: git clone file://upstream            (full history, with working tree)
 *   warm: restoreStoreFromCache + git fetch into the store + a tree borrowing from it, checked out
 * Both end with the same commit checked out. Loopback only: the figures show the local
 * work (pack generation vs archive extraction), not network savings.
 *
 * CLI: node --import tsx bench/cache-bench.ts [--commits 20000] [--files 2000] [--reps 3] [--appended 50]
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { writeFile } from 'node:fs/promises'
import { restoreStoreFromCache } from '../src/cache/restore.js'
import { stageStoreForCache, uploadStagedStore } from '../src/cache/save.js'
import { memoryLogger } from '../src/logger.js'
import { envFor, startCacheServer } from '../testkit/cache-server.js'
import { appendCommits, generateRepo } from '../testkit/generate-repo.js'

const run = promisify(execFile)

export interface CacheBenchOptions {
  commits?: number
  files?: number
  repetitions?: number
  /** Commits upstream gains after the cache entry was saved. */
  appended?: number
  log?: (line: string) => void
}

export interface CacheBenchResult {
  commits: number
  files: number
  repetitions: number
  appended: number
  generateMs: number
  saveMs: number
  archiveBytes: number
  coldCloneMs: number
  restoreMs: number
  fetchCheckoutMs: number
  /** Part of fetchCheckoutMs: the incremental fetch alone. */
  fetchMs: number
  warmTotalMs: number
  /** coldCloneMs / warmTotalMs: > 1 means the cache is faster. */
  ratio: number
  /** The git data alone, without writing the working tree (which both paths pay alike). */
  coldNoCheckoutMs: number
  warmDataMs: number
  dataRatio: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await action()
  return performance.now() - started
}

const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, maxBuffer: 64 << 20 })

export async function runCacheBench(options: CacheBenchOptions = {}): Promise<CacheBenchResult> {
  const {
    commits = 20000,
    files = 2000,
    repetitions = 3,
    appended = 50,
    log = console.log
  } = options
  const work = await mkdtemp(join(tmpdir(), 'cache-bench-'))
  const server = await startCacheServer()
  const savedEnv = { ...process.env }
  try {
    await mkdir(join(work, 'runner-temp'))
    Object.assign(process.env, envFor(server, join(work, 'runner-temp')))
    const upstream = join(work, 'upstream.git')
    const url = `file://${upstream}`
    const generated = await generateRepo(upstream, { commits, files })
    log(
      `generated ${commits} commits × ${files} files in ${(generated.elapsedMs / 1000).toFixed(1)} s`
    )

    const seed = join(work, 'machine-a', 'store')
    await git(work, 'clone', '--quiet', '--bare', url, seed)
    const key = 'bench-linux-local/bench/repo-2026-W48'
    const saveMs = await timed(async () => {
      const stage = join(work, 'machine-a', 'stage')
      const skipped = await stageStoreForCache(seed, stage, memoryLogger())
      if (skipped) throw new Error(`bench: stage failed: ${JSON.stringify(skipped)}`)
      const saved = await uploadStagedStore({ stageDir: stage, key, logger: memoryLogger() })
      if (!saved.saved) throw new Error(`bench: save failed: ${saved.detail}`)
    })
    const archiveBytes = (await stat(server.archivePath(key)!)).size
    const head = await appendCommits(upstream, appended)

    const cold: number[] = []
    const restore: number[] = []
    const fetchCheckout: number[] = []
    const fetchOnly: number[] = []
    const coldData: number[] = []
    for (let rep = 0; rep < repetitions; rep++) {
      const coldPath = join(work, `cold-${rep}`, 'repo')
      cold.push(await timed(() => git(work, 'clone', '--quiet', url, coldPath)))
      await rm(join(work, `cold-${rep}`), { recursive: true, force: true })
      coldData.push(
        await timed(() => git(work, 'clone', '--quiet', '--no-checkout', url, coldPath))
      )
      await rm(join(work, `cold-${rep}`), { recursive: true, force: true })

      const warmStore = join(work, `warm-${rep}`, 'store')
      const tree = join(work, `warm-${rep}`, 'tree')
      await mkdir(join(work, `warm-${rep}`, 'tmp'), { recursive: true })
      restore.push(
        await timed(async () => {
          const restored = await restoreStoreFromCache({
            storePath: warmStore,
            workDir: join(work, `warm-${rep}`, 'tmp'),
            key: 'bench-linux-local/bench/repo-2026-W49',
            restoreKeys: ['bench-linux-local/bench/repo-'],
            expectedRemote: url,
            logger: memoryLogger()
          })
          if (!restored.hit) throw new Error('bench: restore missed')
        })
      )
      const fetchMs = await timed(() =>
        git(warmStore, 'fetch', '--quiet', url, '+refs/heads/main:refs/remotes/origin/main')
      )
      const checkoutMs = await timed(async () => {
        await git(work, 'init', '--quiet', tree)
        await writeFile(
          join(tree, '.git', 'objects', 'info', 'alternates'),
          `${warmStore}/objects\n`
        )
        await git(tree, 'checkout', '--quiet', '--force', '--detach', head)
      })
      fetchOnly.push(fetchMs)
      fetchCheckout.push(fetchMs + checkoutMs)
      const { stdout } = await git(tree, 'rev-parse', 'HEAD')
      if (stdout.trim() !== head)
        throw new Error(`bench: warm clone at ${stdout.trim()}, not ${head}`)
      await rm(join(work, `warm-${rep}`), { recursive: true, force: true })
    }
    const restoreMs = median(restore)
    const fetchCheckoutMs = median(fetchCheckout)
    const warmTotalMs = median(restore.map((ms, i) => ms + fetchCheckout[i]))
    const coldCloneMs = median(cold)
    const result: CacheBenchResult = {
      commits,
      files,
      repetitions,
      appended,
      generateMs: generated.elapsedMs,
      saveMs,
      archiveBytes,
      coldCloneMs,
      restoreMs,
      fetchCheckoutMs,
      fetchMs: median(fetchOnly),
      warmTotalMs,
      ratio: coldCloneMs / warmTotalMs,
      coldNoCheckoutMs: median(coldData),
      warmDataMs: median(restore.map((ms, i) => ms + fetchOnly[i])),
      dataRatio: 0
    }
    result.dataRatio = result.coldNoCheckoutMs / result.warmDataMs
    const ms = (value: number) => `${value.toFixed(0)} ms`
    log(`cache save (once): ${ms(saveMs)}, archive ${(archiveBytes / 1048576).toFixed(1)} MiB`)
    log(`cold git clone            median ${ms(coldCloneMs)}  (${cold.map(ms).join(', ')})`)
    log(`cache restore             median ${ms(restoreMs)}`)
    log(
      `fetch +${appended} and checkout    median ${ms(fetchCheckoutMs)} (fetch alone ${ms(result.fetchMs)})`
    )
    log(`warm total                median ${ms(warmTotalMs)}`)
    log(`ratio cold / warm: ${result.ratio.toFixed(2)}× over ${repetitions} repetitions`)
    log(
      `git data only: clone --no-checkout ${ms(result.coldNoCheckoutMs)} vs restore + fetch ` +
        `${ms(result.warmDataMs)}: ${result.dataRatio.toFixed(2)}×`
    )
    return result
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
    Object.assign(process.env, savedEnv)
    await server.stop()
    await rm(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2)
  const value = (name: string): number | undefined => {
    const at = argv.indexOf(`--${name}`)
    return at >= 0 ? Number(argv[at + 1]) : undefined
  }
  runCacheBench({
    commits: value('commits'),
    files: value('files'),
    repetitions: value('reps'),
    appended: value('appended'),
    // @actions/cache prints its own progress to stdout; keep ours on stderr to tell them apart.
    log: line => console.error(`[cache-bench] ${line}`)
  }).catch(error => {
    console.error(error)
    process.exitCode = 1
  })
}
