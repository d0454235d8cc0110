/**
 * Chaos of a fleet (issue 14.5, §6): jobs take and release trees of a few repositories while
 * eviction and maintenance run in loops beside them, and random processes — jobs, the evictor,
 * the maintainer — are SIGKILLed and started again.
 *
 * A job (worker process, in a loop): takes a tree through the trees' FIFO pool (acquireLock,
 * as the action does), creates the store if eviction removed it (under the store lock), pins and
 * checks out a commit with real git through the store, writes a marker file in the tree, holds
 * for a random while, and verifies before releasing that its tree, marker and commit are all
 * still there. An O_EXCL occupant file in the tree, whose writer is alive, is a double entry.
 * The evictor removes trees unused for 3 s and repositories unused for 8 s, and every other
 * round everything free as if the disk were full. The maintainer repacks every store.
 *
 * Prints: job rounds, trees removed while held (must be 0), double entries (must be 0), locks
 * lost (must be 0), errors, and what eviction and maintenance did.
 *
 *   node --import tsx bench/fleet-stress.ts [--seconds 180] [--jobs 6] [--repos 3] [--trees 2]
 *     [--kill-every-ms 2500]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { evict } from '../src/fleet/evict.js'
import { fleetGitRunner, maintainStore } from '../src/fleet/maintain.js'
import type { FleetSettings } from '../src/fleet/settings.js'
import { acquireLock, LockLostError, LockTimeoutError, releaseLock } from '../src/lock/index.js'
import type { Logger } from '../src/logger.js'
import { claimRepoDir } from '../src/repo/directory.js'
import { repoIdOf } from '../src/repo/identity.js'
import { layoutOf, treeNumberOfLock, type RepoLayout } from '../src/repo/layout.js'
import { looksLikeStore, storeConfig } from '../src/store/config.js'
import { pinTree } from '../src/store/store.js'
import { appendCommits, createUpstream, git, tempDir } from '../testkit/fleet-world.js'
import { bundleForAnyUser } from '../testkit/lock-bundle.js'

const SELF = fileURLToPath(import.meta.url)

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : fallback
}
const number = (name: string, fallback: number): number => Number(flag(name, String(fallback)))

function emit(type: string, detail: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ type, ...detail })}\n`)
}

const silent: Logger = {
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined,
  debug: () => undefined
}

interface World {
  root: string
  repos: { name: string; upstream: string; shas: string[] }[]
  trees: number
}

const readWorld = (file: string): World => JSON.parse(readFileSync(file, 'utf8')) as World

const layoutFor = (world: World, name: string): RepoLayout =>
  layoutOf(path.join(world.root, ...repoIdOf('https://github.com', `acme/${name}`).segments))

/**
 * `pid:start-time` (/proc/<pid>/stat field 22) of a running process: a reused PID is not the
 * same process, and a zombie (killed, not yet reaped) runs no more — the lock judges it so too.
 */
function processId(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : `${pid}:${fields[19]}`
  } catch {
    return undefined
  }
}

/** The store, created under the store lock when eviction removed it (what a job's sync does). */
async function ensureStore(repo: World['repos'][number], layout: RepoLayout): Promise<void> {
  if (looksLikeStore(layout.store)) return
  const lock = await acquireLock({
    lockPath: layout.storeLock,
    holdFor: 'process',
    timeoutSeconds: 30,
    pollMs: 100
  })
  try {
    if (looksLikeStore(layout.store)) return
    claimRepoDir(layout, repoIdOf('https://github.com', `acme/${repo.name}`).key, silent)
    const building = path.join(layout.tmp, `store-${randomBytes(4).toString('hex')}`)
    git(layout.dir, ['init', '--quiet', '--bare', building])
    writeFileSync(
      path.join(building, 'config'),
      storeConfig({ fetchUrl: repo.upstream, objectFormat: 'sha1' })
    )
    git(layout.dir, [
      `--git-dir=${building}`,
      'fetch',
      '--quiet',
      '--no-auto-gc',
      repo.upstream,
      '+refs/heads/main:refs/remotes/origin/main'
    ])
    renameSync(building, layout.store)
  } finally {
    await releaseLock(lock.lockPath, lock.token)
  }
}

/** One job, over and over. */
async function worker(world: World): Promise<void> {
  for (;;) {
    const repo = world.repos[Math.floor(Math.random() * world.repos.length)]
    const layout = layoutFor(world, repo.name)
    let lock
    try {
      lock = await acquireLock({
        pool: {
          queueDir: layout.treeQueue,
          slots: () => Array.from({ length: world.trees }, (_, i) => layout.treeLock(i + 1))
        },
        holdFor: 'process',
        timeoutSeconds: 20,
        pollMs: 100
      })
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        emit('timeout')
        continue
      }
      // The repository's directory was renamed away by eviction while this job was joining
      // its queue: the job fails (a real one would be retried).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        emit('arrivalRace', { message: (error as Error).message.slice(0, 200) })
        continue
      }
      throw error
    }
    const tree = treeNumberOfLock(lock.lockPath)!
    const dir = layout.tree(tree)
    try {
      mkdirSync(dir, { recursive: true })
      const occupant = path.join(dir, '.occupant')
      const me = processId(process.pid)!
      let fd: number | undefined
      try {
        fd = openSync(occupant, 'wx')
      } catch {
        // Left by a job that was killed inside (its lock was broken as stale), unless its
        // writer is still running: then two jobs are in one tree.
        const other = readFileSync(occupant, 'utf8')
        if (other && processId(Number(other.split(':')[0])) === other)
          emit('double', { tree: dir, other })
        rmSync(occupant, { force: true })
        fd = openSync(occupant, 'wx')
      }
      writeSync(fd, me)
      closeSync(fd)
      await ensureStore(repo, layout)
      const sha = repo.shas[Math.floor(Math.random() * repo.shas.length)]
      pinTree(layout, tree, sha)
      if (!existsSync(path.join(dir, '.git', 'HEAD'))) git(dir, ['init', '--quiet'])
      writeFileSync(
        path.join(dir, '.git', 'objects', 'info', 'alternates'),
        `${path.join(layout.store, 'objects')}\n`
      )
      git(dir, ['checkout', '--quiet', '--force', '--detach', sha])
      const marker = path.join(dir, `marker-${process.pid}`)
      const content = randomBytes(8).toString('hex')
      writeFileSync(marker, content)
      await sleep(50 + Math.random() * 400)
      const problems: string[] = []
      if (!existsSync(dir)) problems.push('tree directory gone')
      else {
        if (!existsSync(marker) || readFileSync(marker, 'utf8') !== content)
          problems.push('marker gone or changed')
        if (!existsSync(occupant) || readFileSync(occupant, 'utf8') !== me)
          problems.push('occupant gone or changed')
        try {
          git(dir, ['cat-file', '-e', `${sha}^{commit}`])
          git(dir, ['rev-list', '--count', 'HEAD'])
        } catch (error) {
          problems.push(`pinned commit unreadable: ${(error as Error).message.split('\n')[0]}`)
        }
      }
      if (problems.length > 0) emit('removedWhileHeld', { tree: dir, problems })
      rmSync(marker, { force: true })
      rmSync(occupant, { force: true })
      emit('round')
    } catch (error) {
      emit('error', {
        role: 'job',
        message: (error as Error).message.split('\n').slice(0, 2).join(' ')
      })
    } finally {
      try {
        await releaseLock(lock.lockPath, lock.token)
      } catch (error) {
        emit(error instanceof LockLostError ? 'lost' : 'error', {
          role: 'release',
          message: (error as Error).message.slice(0, 200)
        })
      }
    }
  }
}

async function evictor(world: World): Promise<void> {
  const days = (seconds: number): number => seconds / 86400
  for (let round = 0; ; round++) {
    const settings: FleetSettings = {
      treeDays: days(3),
      repoDays: days(8),
      // Every other round the disk is "full": everything free goes, least recently used first.
      minFree: round % 2 ? { kind: 'percent', percent: 99.99 } : { kind: 'off' },
      sources: { treeDays: 'flag', repoDays: 'flag', minFree: 'flag' }
    }
    try {
      const report = await evict(world.root, { settings, log: silent })
      for (const removal of report.removed)
        emit('evicted', { kind: removal.kind, reason: removal.reason })
      for (const kept of report.kept) emit('kept', { kind: kept.kind })
    } catch (error) {
      emit('error', { role: 'evictor', message: (error as Error).message.slice(0, 300) })
    }
    await sleep(100)
  }
}

async function maintainer(world: World): Promise<void> {
  for (;;) {
    for (const repo of world.repos) {
      const layout = layoutFor(world, repo.name)
      if (!existsSync(layout.store)) continue
      try {
        const result = await maintainStore(layout, {
          git: fleetGitRunner(layout),
          budgetMs: 5000,
          log: silent
        })
        emit(result.ran ? 'maintained' : 'maintenanceSkipped', {
          failed: result.steps.filter(s => s.outcome === 'failed').map(s => s.detail)
        })
        for (const step of result.steps.filter(s => s.outcome === 'failed'))
          emit('error', { role: 'maintainer', message: step.detail })
      } catch (error) {
        emit('error', { role: 'maintainer', message: (error as Error).message.slice(0, 300) })
      }
    }
    await sleep(200)
  }
}

type Role = 'job' | 'evictor' | 'maintainer'

async function orchestrate(): Promise<void> {
  const seconds = number('seconds', 180)
  const jobs = number('jobs', 6)
  const repoCount = number('repos', 3)
  const trees = number('trees', 2)
  const killEveryMs = number('kill-every-ms', 2500)
  const temp = tempDir('fleet-stress-')
  const root = path.join(temp.dir, 'root')
  mkdirSync(root)
  const repos = Array.from({ length: repoCount }, (_, i) => {
    const name = `repo${i + 1}`
    const upstream = createUpstream(path.join(temp.dir, 'upstreams', name))
    return { name, upstream, shas: appendCommits(upstream, 60, { files: 30, lines: 20 }) }
  })
  const worldFile = path.join(temp.dir, 'world.json')
  writeFileSync(worldFile, JSON.stringify({ root, repos, trees } satisfies World))

  const counts: Record<string, number> = {}
  const samples: Record<string, string[]> = {}
  const bump = (key: string, sample?: string): void => {
    counts[key] = (counts[key] ?? 0) + 1
    if (sample && (samples[key] ??= []).length < 5) samples[key].push(sample)
  }
  // One bundle for every process: node starts it in a fraction of tsx's time, so killed
  // processes are back at work quickly.
  const bundle = bundleForAnyUser(
    path.relative(path.resolve(path.dirname(SELF), '..'), SELF),
    'fleet-stress'
  )
  const children = new Map<ChildProcess, Role>()
  let stopping = false
  const start = (role: Role): void => {
    const child = spawn(process.execPath, [bundle.file, '--role', role, '--world', worldFile], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    children.set(child, role)
    createInterface({ input: child.stdout! }).on('line', line => {
      try {
        const event = JSON.parse(line) as { type: string; kind?: string; reason?: string }
        const key =
          event.type === 'evicted'
            ? `evicted ${event.kind} (${event.reason})`
            : event.type === 'kept'
              ? `kept ${event.kind} (busy)`
              : event.type
        bump(
          key,
          ['error', 'double', 'removedWhileHeld', 'lost', 'arrivalRace'].includes(event.type)
            ? line
            : undefined
        )
      } catch {
        // not an event
      }
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('exit', (code, signal) => {
      children.delete(child)
      if (stopping) return
      if (signal !== 'SIGKILL') bump(`${role} exited ${code ?? signal}`, stderr.slice(-500))
      start(role)
    })
  }
  for (let i = 0; i < jobs; i++) start('job')
  start('evictor')
  start('maintainer')

  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    await sleep(killEveryMs * (0.5 + Math.random()))
    const pick = Math.random()
    const role: Role = pick < 0.7 ? 'job' : pick < 0.85 ? 'evictor' : 'maintainer'
    const victims = [...children].filter(([, r]) => r === role).map(([child]) => child)
    const victim = victims[Math.floor(Math.random() * victims.length)]
    if (victim) {
      victim.kill('SIGKILL')
      bump(`SIGKILL ${role}`)
    }
  }
  stopping = true
  for (const child of children.keys()) child.kill('SIGKILL')
  await sleep(500)

  const must = ['removedWhileHeld', 'double', 'lost']
  const rows = [
    ['job rounds (take tree, check out, hold, verify, release)', counts.round ?? 0],
    ['trees removed while held (must be 0)', counts.removedWhileHeld ?? 0],
    ['double entries (must be 0)', counts.double ?? 0],
    ['locks lost (must be 0)', counts.lost ?? 0],
    ['errors', counts.error ?? 0],
    [
      'jobs failed joining a queue whose directory eviction renamed away that instant (ENOENT)',
      counts.arrivalRace ?? 0
    ],
    ['waits for a tree longer than 20 s', counts.timeout ?? 0],
    ...Object.keys(counts)
      .filter(
        key =>
          key.startsWith('evicted') ||
          key.startsWith('kept') ||
          key.startsWith('SIGKILL') ||
          key.includes('exited')
      )
      .sort()
      .map(key => [key, counts[key]]),
    ['maintenance runs (store lock taken)', counts.maintained ?? 0],
    ['maintenance skipped (store busy)', counts.maintenanceSkipped ?? 0]
  ]
  process.stdout.write(
    `### Fleet chaos: ${seconds} s, ${jobs} jobs over ${repoCount} repositories × ${trees} trees, eviction + maintenance loops, a SIGKILL every ~${killEveryMs} ms\n\n` +
      '| | count |\n|---|---|\n' +
      rows.map(([label, value]) => `| ${label} | ${value} |`).join('\n') +
      '\n'
  )
  for (const [key, lines] of Object.entries(samples))
    process.stdout.write(`\n${key}, first samples:\n${lines.join('\n')}\n`)
  temp.cleanup()
  bundle.remove()
  process.exitCode = must.some(key => (counts[key] ?? 0) > 0) ? 1 : 0
}

const role = flag('role', '')
if (role) {
  const world = readWorld(flag('world', ''))
  if (role === 'job') await worker(world)
  else if (role === 'evictor') await evictor(world)
  else await maintainer(world)
} else {
  await orchestrate()
}
