/**
 * Roots with repositories in the action's layout, built with real git, for the fleet tools'
 * tests, stress and benchmark: a bare upstream made with `git fast-import` (thousands of
 * commits in one process), a store fetched from it in as many small fetches as asked, trees
 * whose `.git` borrows the store's objects through alternates, checked out and pinned like a
 * job's, and lock holders in separate processes (testkit/lock-holder.ts, bundled).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { repoIdOf } from '../src/repo/identity.js'
import { encodeMarker, layoutOf, type RepoLayout } from '../src/repo/layout.js'
import { storeConfig } from '../src/store/config.js'
import { pinTree } from '../src/store/store.js'
import { fixtureGitEnv } from './git-fixtures.js'
import { bundleLockHolder } from './lock-bundle.js'

type LockHolderBundle = ReturnType<typeof bundleLockHolder>

export function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd,
    env: {
      ...fixtureGitEnv,
      GIT_AUTHOR_DATE: '1700000000 +0000',
      GIT_COMMITTER_DATE: '1700000000 +0000'
    },
    encoding: 'utf8',
    input,
    maxBuffer: 256 * 1024 * 1024,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
  }).trim()
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A bare upstream that serves any commit by id (as GitHub does). */
export function createUpstream(dir: string): string {
  mkdirSync(dir, { recursive: true })
  git(dir, ['init', '--quiet', '--bare', '-b', 'main'])
  git(dir, ['config', 'uploadpack.allowAnySHA1InWant', 'true'])
  return dir
}

/**
 * Appends `count` commits to `main` of a bare upstream in one `git fast-import`; commit i
 * rewrites one of `files` small files (and adds one `lines` long). Returns their SHAs in order.
 */
export function appendCommits(
  upstream: string,
  count: number,
  options: { files?: number; lines?: number; label?: string } = {}
): string[] {
  const files = options.files ?? 20
  const lines = options.lines ?? 5
  const label = options.label ?? 'change'
  let tip = ''
  try {
    tip = git(upstream, ['rev-parse', '--verify', '--quiet', 'refs/heads/main'])
  } catch {
    tip = ''
  }
  const base = tip ? Number(git(upstream, ['rev-list', '--count', tip])) : 0
  const chunks: string[] = []
  for (let i = 1; i <= count; i++) {
    const n = base + i
    const content =
      Array.from({ length: lines }, (_, line) => `${label} ${n} line ${line}`).join('\n') + '\n'
    const message = `${label} ${n}\n`
    chunks.push(
      'commit refs/heads/main',
      `mark :${i}`,
      `committer Fleet <fleet@example.com> ${1700000000 + n} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message.trimEnd(),
      ...(i === 1 && tip ? [`from ${tip}`] : []),
      `M 100644 inline files/f${n % files}.txt`,
      `data ${Buffer.byteLength(content)}`,
      content.trimEnd(),
      ''
    )
  }
  const marks = path.join(upstream, `marks-${process.pid}-${Date.now()}`)
  git(upstream, ['fast-import', '--quiet', `--export-marks=${marks}`], `${chunks.join('\n')}\n`)
  const shas = new Map<number, string>()
  for (const line of readFileSync(marks, 'utf8').split('\n')) {
    const match = /^:(\d+) ([0-9a-f]+)$/.exec(line)
    if (match) shas.set(Number(match[1]), match[2])
  }
  rmSync(marks, { force: true })
  return Array.from({ length: count }, (_, i) => shas.get(i + 1)!)
}

export interface BuiltRepository {
  dir: string
  layout: RepoLayout
  key: string
  upstream: string
  /** Every commit of main, oldest first. */
  shas: string[]
  /** What each tree has checked out (and pinned). */
  treeShas: Map<number, string>
}

export interface BuildOptions {
  owner?: string
  name?: string
  serverUrl?: string
  /** Where the upstream goes (default: beside the root, `<root>.upstreams/`). */
  upstreams?: string
  commits?: number
  /** The last N commits reach the store one fetch each (small fetches leave loose objects). */
  smallFetches?: number
  /** Then N more commits arrive as loose objects in one go (fast; as many fetches would leave). */
  looseCommits?: number
  /** Tree numbers to create, each checked out at the tip (or `treeAt`). */
  trees?: number[]
  treeAt?: Record<number, string>
}

/** A repository directory under `root`, as the action lays it out (§3). */
export function buildRepository(root: string, options: BuildOptions = {}): BuiltRepository {
  const owner = options.owner ?? 'acme'
  const name = options.name ?? 'app'
  const repo = repoIdOf(options.serverUrl ?? 'https://github.com', `${owner}/${name}`)
  const dir = path.join(root, ...repo.segments)
  const layout = layoutOf(dir)
  const upstream = createUpstream(path.join(options.upstreams ?? `${root}.upstreams`, repo.key))
  const shas = appendCommits(upstream, options.commits ?? 3)
  for (const sub of [layout.locksDir, layout.tmp, layout.aside, layout.treesDir])
    mkdirSync(sub, { recursive: true })
  git(dir, ['init', '--quiet', '--bare', layout.store])
  writeFileSync(
    path.join(layout.store, 'config'),
    storeConfig({ fetchUrl: upstream, objectFormat: 'sha1' })
  )
  const small = Math.min(options.smallFetches ?? 0, shas.length - 1)
  const first = shas[shas.length - 1 - small]
  fetchInto(layout, upstream, first)
  for (const sha of shas.slice(shas.length - small)) fetchInto(layout, upstream, sha)
  if (options.looseCommits) {
    const added = appendCommits(upstream, options.looseCommits)
    unpackInto(layout, upstream, shas[shas.length - 1], added[added.length - 1])
    shas.push(...added)
  }
  writeFileSync(layout.marker, encodeMarker(repo.key))
  const treeShas = new Map<number, string>()
  for (const tree of options.trees ?? []) {
    const sha = options.treeAt?.[tree] ?? shas[shas.length - 1]
    addTree(layout, tree, sha)
    treeShas.set(tree, sha)
  }
  return { dir, layout, key: repo.key, upstream, shas, treeShas }
}

/** One small fetch of `sha` into the store's refs/remotes/origin/main (writes FETCH_HEAD). */
export function fetchInto(layout: RepoLayout, upstream: string, sha: string): void {
  git(layout.dir, [
    `--git-dir=${layout.store}`,
    'fetch',
    '--quiet',
    '--no-auto-gc',
    '--no-auto-maintenance',
    upstream,
    `+${sha}:refs/remotes/origin/main`
  ])
}

/**
 * The objects of `from..to` written into the store as loose objects (what hundreds of small
 * fetches leave, in one process pair), and refs/remotes/origin/main moved to `to`.
 */
export function unpackInto(layout: RepoLayout, upstream: string, from: string, to: string): void {
  const pack = execFileSync('git', ['pack-objects', '--revs', '--stdout', '-q'], {
    cwd: upstream,
    env: fixtureGitEnv,
    input: `${to}\n^${from}\n`,
    maxBuffer: 512 * 1024 * 1024
  })
  execFileSync('git', [`--git-dir=${layout.store}`, 'unpack-objects', '-q'], {
    cwd: layout.dir,
    env: fixtureGitEnv,
    input: pack
  })
  git(layout.dir, [`--git-dir=${layout.store}`, 'update-ref', 'refs/remotes/origin/main', to])
}

/** Tree `n`: its own `.git` borrowing the store's objects, checked out at `sha` and pinned. */
export function addTree(layout: RepoLayout, tree: number, sha: string): void {
  const dir = layout.tree(tree)
  mkdirSync(dir, { recursive: true })
  git(dir, ['init', '--quiet'])
  writeFileSync(
    path.join(dir, '.git', 'objects', 'info', 'alternates'),
    `${path.join(layout.store, 'objects')}\n`
  )
  pinTree(layout, tree, sha)
  git(dir, ['checkout', '--quiet', '--detach', sha])
}

/** Makes what decides last use (usage.ts) `ageMs` old: a tree's HEAD and pin. */
export function ageTree(layout: RepoLayout, tree: number, ageMs: number, now = Date.now()): void {
  const at = new Date(now - ageMs)
  for (const file of [
    path.join(layout.tree(tree), '.git', 'HEAD'),
    path.join(layout.store, 'refs', 'shared-checkout', 'trees', String(tree)),
    layout.tree(tree)
  ])
    try {
      utimesSync(file, at, at)
    } catch {
      // not there: nothing to age
    }
}

/** Makes the whole repository `ageMs` old: marker, last fetch, every tree. */
export function ageRepository(
  built: { layout: RepoLayout },
  ageMs: number,
  now = Date.now()
): void {
  const { layout } = built
  const at = new Date(now - ageMs)
  for (const file of [layout.marker, path.join(layout.store, 'FETCH_HEAD')])
    try {
      utimesSync(file, at, at)
    } catch {
      // not there
    }
  let trees: string[] = []
  try {
    trees = readdirSync(layout.treesDir).filter(name => /^\d+$/.test(name))
  } catch {
    trees = []
  }
  for (const tree of trees) ageTree(layout, Number(tree), ageMs, now)
}

let bundle: LockHolderBundle | undefined

/** The bundled lock holder, built once per process; remove it with removeHolderBundle. */
export function holderBundle(): LockHolderBundle {
  bundle ??= bundleLockHolder()
  return bundle
}
export function removeHolderBundle(): void {
  bundle?.remove()
  bundle = undefined
}

export interface TreeHolder {
  child: ChildProcess
  /** The lock it took ('' while it waits). */
  lockPath: string
  /** Resolves with the holder's next event of that name (acquired, queued, released, error). */
  next(event: string, timeoutMs?: number): Promise<HolderEvent>
  /** Ends the holder (it releases the tree) and waits for it. */
  stop(): Promise<void>
  exited: Promise<number | null>
}

export interface HolderEvent {
  event: string
  lockPath?: string
  message?: string
}

const holders = new Set<ChildProcess>()

/**
 * A job in another process that takes a tree of `layout` (through the trees' queue, as the
 * action does) and holds it until stop(). `waitFor: 'queued'` resolves once it waits in the
 * queue instead (for a tree that is held).
 */
export async function holdTree(
  layout: RepoLayout,
  slots: number[],
  options: { job?: string; waitFor?: 'acquired' | 'queued' } = {}
): Promise<TreeHolder> {
  const { file, dir } = holderBundle()
  const child = spawn(
    process.execPath,
    [
      file,
      '--pool-queue',
      layout.treeQueue,
      '--slots',
      slots.map(n => layout.treeLock(n)).join(','),
      '--hold-ms',
      '-1',
      '--job',
      options.job ?? 'build'
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }
  )
  holders.add(child)
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => {
      holders.delete(child)
      resolve(code)
    })
  )
  const events: HolderEvent[] = []
  let consumed = 0
  const wake = new Set<() => void>()
  createInterface({ input: child.stdout! }).on('line', line => {
    try {
      events.push(JSON.parse(line) as HolderEvent)
    } catch {
      return
    }
    for (const resolve of wake) resolve()
  })
  child.on('exit', () => {
    for (const resolve of wake) resolve()
  })
  const next = async (event: string, timeoutMs = 20_000): Promise<HolderEvent> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = events.findIndex(
        (e, i) => i >= consumed && (e.event === event || e.event === 'error')
      )
      if (index >= 0) {
        consumed = index + 1
        if (events[index].event === 'error')
          throw new Error(`holder failed: ${events[index].message}`)
        return events[index]
      }
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`holder exited before "${event}": ${JSON.stringify(events)}`)
      if (Date.now() > deadline)
        throw new Error(`holder did not report "${event}" within ${timeoutMs} ms`)
      await new Promise<void>(resolve => {
        const done = (): void => {
          wake.delete(done)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(done, 100)
        wake.add(done)
      })
    }
  }
  const holder: TreeHolder = {
    child,
    lockPath: '',
    next,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
  const first = await next(options.waitFor ?? 'acquired')
  holder.lockPath = first.lockPath ?? ''
  return holder
}

/** Kills every holder still running (afterEach). */
export function killHolders(): void {
  for (const child of holders) child.kill('SIGKILL')
  holders.clear()
}
