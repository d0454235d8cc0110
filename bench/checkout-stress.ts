/**
 * Chaos run of the store and the trees together (§5 "Chaos", §2, §3): worker processes run real
 * checkouts (src/checkout: tree lock from a FIFO pool, store lock around fetches) against a
 * loopback git server whose upstream keeps advancing, hold their tree for a random time, and
 * release it; the coordinator SIGKILLs a share of them at random moments (waiting, fetching,
 * checking out, holding). Independent observers count what must never happen:
 *   - double entries: two workers inside one tree at once (journal intervals, and an owner file
 *     each worker writes into its tree and checks again before leaving);
 *   - two fetches into one store at once (a /proc scan every few ms for `git fetch` processes
 *     working in the store);
 *   - lost locks: a release that finds its tree lock gone or taken.
 *
 *   node --import tsx bench/checkout-stress.ts [--procs 6] [--checkouts 120] [--trees 3]
 *     [--kill-rate 0.15] [--advance-ms 1500]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { runCheckout } from '../src/checkout/checkout.js'
import { LockLostError, releaseLock } from '../src/lock/index.js'
import { memoryLogger } from '../src/logger.js'
import { parseCheckoutOptions } from '../src/options/options.js'
import {
  advance,
  createStandardRepo,
  createUpstreamRoot,
  removeUpstreamRoot
} from '../testkit/git-fixtures.js'
import { startGitServer } from '../testkit/git-server.js'
import { parseFlags, printTable } from './lib/stats.js'

const SELF = fileURLToPath(import.meta.url)
const TOKEN = 'ghs_stressTOKEN0123456789abcdefABCDEF'

interface WorkerConfig {
  serverUrl: string
  root: string
  home: string
  trees: number
}

async function runWorker(config: WorkerConfig): Promise<void> {
  const send = (event: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify(event)}\n`)
  }
  const env = { PATH: process.env.PATH, HOME: config.home, GIT_CONFIG_NOSYSTEM: '1' }
  const parsed = parseCheckoutOptions(
    name =>
      ({
        repository: 'acme/app',
        'github-server-url': config.serverUrl,
        token: TOKEN,
        root: config.root,
        ref: 'main',
        trees: String(config.trees),
        cache: 'false',
        'show-progress': 'false'
      })[name as string] ?? '',
    { env: {}, platform: process.platform, homedir: config.home }
  )
  if (!parsed.ok) throw new Error(parsed.problems.map(p => p.message).join('\n'))
  const result = await runCheckout(parsed.options, {
    env,
    platform: process.platform,
    log: memoryLogger(),
    signal: new AbortController().signal,
    job: { job: `stress-${process.pid}` },
    tempDir: config.home,
    holdTreeFor: 'process',
    stall: { limitBytes: 1024, seconds: 30 },
    retryDelaysMs: [200, 400],
    pollMs: 50
  })
  const owner = path.join(result.treeDir, 'stress-owner')
  writeFileSync(owner, String(process.pid))
  send({
    event: 'enter',
    tree: result.tree,
    at: Date.now(),
    fetched: result.store.fetchedBytes !== undefined
  })
  await new Promise(resolve => setTimeout(resolve, 50 + Math.random() * 250))
  const still = existsSync(owner) ? readFileSync(owner, 'utf8') : ''
  send({ event: 'exit', tree: result.tree, at: Date.now(), intact: still === String(process.pid) })
  try {
    await releaseLock(result.lock.lockPath, result.lock.token)
    send({ event: 'released' })
  } catch (error) {
    send({
      event: error instanceof LockLostError ? 'lost' : 'error',
      message: (error as Error).message
    })
  }
}

/**
 * `git fetch` processes working in a store (or a store being built in tmp/), by directory. A
 * fetch's own children (git forks before it execs index-pack: for a moment the child still
 * reads as `git fetch`) belong to the same fetch and are not counted.
 */
function fetchesByStore(root: string, detail?: Map<string, string[]>): Map<string, number> {
  const found: { pid: string; ppid: string; cwd: string; cmdline: string[] }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0')
      if (cmdline[0] !== 'git' || cmdline[1] !== 'fetch') continue
      const cwd = readlinkSync(`/proc/${entry}/cwd`)
      if (!cwd.startsWith(root)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]
      found.push({ pid: entry, ppid, cwd, cmdline })
    } catch {
      // gone
    }
  }
  const fetchPids = new Set(found.map(f => f.pid))
  const counts = new Map<string, number>()
  for (const fetch of found) {
    if (fetchPids.has(fetch.ppid)) continue
    // One store, or one store being built in tmp/: each its own object directory.
    counts.set(fetch.cwd, (counts.get(fetch.cwd) ?? 0) + 1)
    if (detail) {
      const list = detail.get(fetch.cwd) ?? []
      list.push(`pid ${fetch.pid} ppid ${fetch.ppid} ${fetch.cmdline.slice(0, 6).join(' ')}`)
      detail.set(fetch.cwd, list)
    }
  }
  return counts
}

/** Runs the checkout chaos; returns the exit code (1 when anything that must never happen did). */
export async function runCheckoutChaos(flags: Map<string, string>): Promise<number> {
  const procs = Number(flags.get('procs') ?? 6)
  const total = Number(flags.get('checkouts') ?? 120)
  const trees = Number(flags.get('trees') ?? 3)
  const killRate = Number(flags.get('kill-rate') ?? 0.15)
  const advanceMs = Number(flags.get('advance-ms') ?? 1500)
  const upstream = createUpstreamRoot()
  const repo = createStandardRepo(upstream)
  const server = await startGitServer({ root: upstream, token: TOKEN })
  const scratch = mkdtempSync(path.join(tmpdir(), 'sc-checkout-stress-'))
  const config: WorkerConfig = {
    serverUrl: server.url,
    root: path.join(scratch, 'root'),
    home: scratch,
    trees
  }
  writeFileSync(path.join(scratch, '.gitconfig'), '')

  const intervals = new Map<number, { start: number; end: number; pid: number }[]>()
  const open = new Map<number, { tree: number; start: number }>()
  let started = 0
  let completed = 0
  let kills = 0
  let lost = 0
  let errors = 0
  let notIntact = 0
  let fetchingJobs = 0
  let maxFetches = 0
  const errorSamples: string[] = []
  const live = new Set<ChildProcess>()

  const overlapSamples: string[] = []
  const monitor = setInterval(() => {
    const detail = new Map<string, string[]>()
    for (const [dir, count] of fetchesByStore(config.root, detail)) {
      if (count > 1 && overlapSamples.length < 3)
        overlapSamples.push(`${count} in ${dir}: ${detail.get(dir)?.join(' / ')}`)
      maxFetches = Math.max(maxFetches, count)
    }
  }, 5)
  const advancer = setInterval(() => advance(repo, 1), advanceMs)

  const closeInterval = (pid: number, at: number): void => {
    const entry = open.get(pid)
    if (!entry) return
    open.delete(pid)
    const list = intervals.get(entry.tree) ?? []
    list.push({ start: entry.start, end: at, pid })
    intervals.set(entry.tree, list)
  }

  await new Promise<void>(done => {
    const launch = (): void => {
      while (live.size < procs && started < total) {
        started++
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', SELF, '--worker', JSON.stringify(config)],
          {
            stdio: ['ignore', 'pipe', 'pipe']
          }
        )
        live.add(child)
        const pid = child.pid!
        if (Math.random() < killRate) {
          const delay = Math.random() * 1500
          setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) {
              kills++
              closeInterval(pid, Date.now())
              child.kill('SIGKILL')
            }
          }, delay)
        }
        let stderr = ''
        child.stderr!.on('data', chunk => (stderr += chunk))
        createInterface({ input: child.stdout! }).on('line', line => {
          const event = JSON.parse(line) as Record<string, unknown>
          if (event.event === 'enter') {
            open.set(pid, { tree: Number(event.tree), start: Number(event.at) })
            if (event.fetched) fetchingJobs++
          } else if (event.event === 'exit') {
            closeInterval(pid, Number(event.at))
            if (!event.intact) notIntact++
          } else if (event.event === 'released') completed++
          else if (event.event === 'lost') lost++
          else if (event.event === 'error') errors++
        })
        child.on('exit', (code, signal) => {
          live.delete(child)
          closeInterval(pid, Date.now())
          if (code !== 0 && signal !== 'SIGKILL') {
            errors++
            if (errorSamples.length < 3)
              errorSamples.push(stderr.trim().split('\n').slice(-3).join(' | '))
          }
          if (live.size === 0 && started >= total) done()
          else launch()
        })
      }
    }
    launch()
  })
  clearInterval(monitor)
  clearInterval(advancer)

  let doubles = 0
  for (const list of intervals.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) doubles++
  }
  await server.stop()
  removeUpstreamRoot(upstream)
  rmSync(scratch, { recursive: true, force: true })
  printTable(
    `Checkout chaos: ${total} jobs, ${procs} at a time, trees: ${trees}, kill rate ${killRate}`,
    [
      ['checkouts completed and released', String(completed)],
      ['jobs SIGKILLed (at random moments)', String(kills)],
      ['jobs whose checkout fetched', String(fetchingJobs)],
      ['double entries in a tree (must be 0)', String(doubles + notIntact)],
      [
        'most fetches into one store at once (must be ≤ 1)',
        `${maxFetches}${overlapSamples.length ? ` (${overlapSamples.join('; ')})` : ''}`
      ],
      ['lost locks (must be 0)', String(lost)],
      ['other failures', `${errors}${errorSamples.length ? ` (${errorSamples.join(' ;; ')})` : ''}`]
    ]
  )
  return doubles + notIntact > 0 || maxFetches > 1 || lost > 0 ? 1 : 0
}

// Run as a script (not when bench/stress.ts imports it: bundled there, import.meta.url would be
// the bundle's, the same file as argv[1]).
if (path.resolve(process.argv[1] ?? '') === SELF && SELF.endsWith('checkout-stress.ts')) {
  const flags = parseFlags(process.argv.slice(2))
  if (flags.has('worker')) {
    const index = process.argv.indexOf('--worker')
    await runWorker(JSON.parse(process.argv[index + 1]) as WorkerConfig)
  } else process.exitCode = await runCheckoutChaos(flags)
}
