/**
 * The object store (§3): one bare repository per repository directory, written only by the
 * action, fetched under the short store lock.
 *
 *   resolve the commit (ls-remote only when it is not known) → already in the store? done, no
 *   lock (§3.3) → else take the store lock → end processes left in the store (§3.8) → claim the
 *   directory, create the store (cache warm start, §4) or repair it (§3.2) → its git directory
 *   the action's again (§3.6) → look again (another job may have fetched it meanwhile) → fetch.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { entriesOf, isRealDirectory, writeFileAtomic } from '../fs/write.js'
import {
  withConfigEntries,
  type ConfigEntry,
  type RemoteAuth,
  type StallLimit
} from '../git/env.js'
import { GitError, isObjectStoreDamage, type GitRunner } from '../git/git.js'
import { resetGitDir } from '../git/gitdir.js'
import { objectStoreBytes, parseTransferredBytes } from '../git/progress.js'
import {
  parseLsRemote,
  planFetch,
  qualifyRef,
  remoteObjectFor,
  remoteQueryFor,
  unknownRefMessage,
  type QualifiedRef
} from '../git/refs.js'
import { removeDamagedGitFiles, removeStaleGitLocks } from '../git/repair.js'
import type { Logger } from '../logger.js'
import { endProcessesIn } from '../process/sweep.js'
import { claimRepoDir, uniquePath } from '../repo/directory.js'
import type { RepoId } from '../repo/identity.js'
import { asideNameFor, pinRefOf, PIN_REF_PREFIX, type RepoLayout } from '../repo/layout.js'
import { hasPromisorPacks, looksLikeStore, STORE_KEEP, storeConfig, storeFacts } from './config.js'
import { findPackDamage } from './damage.js'
import { readRefs } from './refs-files.js'

export interface StoreRequest {
  /** Branch, tag, `refs/...`; '' = `commit` when given, else the remote's default branch. */
  ref: string
  /** The exact commit expected (e.g. GITHUB_SHA), lower-case hex, or ''. */
  commit: string
  fetchDepth: number
  fetchTags: boolean
  /** Partial-clone filter ('' = none). */
  filter: string
  showProgress: boolean
  /**
   * git reported a damaged store: build a new one (cache or network, with every tree's pinned
   * commit) beside it and swap it in under the store lock; the old one is set aside (§3.2, §7).
   */
  rebuild?: boolean
}

export interface RemoteAccess {
  /** Where fetches go: the HTTPS remote, or the SSH URL when `ssh-key` is set. */
  url: string
  auth: RemoteAuth
  stall: StallLimit
  retryDelaysMs?: readonly number[]
}

/** Runs `work` under the store lock; says how long it waited for it. */
export type StoreLocker = <T>(work: () => Promise<T>) => Promise<{ value: T; waitedMs: number }>

/** The Actions cache warm start (§4), injected so the store knows nothing of the service. */
export interface StoreWarmer {
  /**
   * Restores an archived store into `dir` (absent): true when `dir` is now a usable store, false
   * when the cache had nothing usable, undefined when the cache could not be consulted.
   */
  restore(dir: string): Promise<boolean | undefined>
  /** Called under the lock after a sync that created the store: stage a copy; the returned
   * upload runs after the lock is released. */
  stage(storeDir: string): Promise<(() => Promise<void>) | undefined>
}

export interface StoreContext {
  layout: RepoLayout
  repo: RepoId
  /** Local environment (no credentials); remote verbs add them from `remote`. */
  git: GitRunner
  remote: RemoteAccess
  log: Logger
  lock: StoreLocker
  warm?: StoreWarmer
}

export interface Phase {
  name: string
  ms: number
}

export interface StoreResult {
  /** Full SHA of the commit to check out. */
  sha: string
  /** Fully qualified ref ('' for a bare commit). */
  ref: string
  target: QualifiedRef
  /** What the ref points at (a tag object for an annotated tag); '' for a bare commit. */
  refObject: string
  /** This job created the store (from the network or a cache archive). */
  created: boolean
  /** undefined: the cache was not consulted. */
  cacheHit?: boolean
  /** Bytes the fetch brought; undefined when nothing was fetched. */
  fetchedBytes?: number
  /** Time spent waiting for the store lock (0 when it was not needed). */
  storeWaitMs: number
  usedStoreLock: boolean
  repairs: string[]
  setAside: string[]
  phases: Phase[]
  /** The cache save's upload, to run after the store lock is released. */
  upload?: () => Promise<void>
}

class Timer {
  readonly phases: Phase[] = []
  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      this.phases.push({ name, ms: Math.round(performance.now() - start) })
    }
  }
}

interface Resolved {
  target: QualifiedRef
  /** The object to look for in the store (commit, or tag object); undefined: must fetch. */
  object?: string
}

/** What the request names, asking the remote only when the commit is not known (§3.3). */
async function resolveTarget(ctx: StoreContext, request: StoreRequest): Promise<Resolved> {
  const commit = request.commit || undefined
  const query = remoteQueryFor(request.ref, commit)
  let remote = null
  if (query) {
    const out = await ctx.git.remote(
      ctx.layout.dir,
      ['ls-remote', '--symref', '--end-of-options', ctx.remote.url, ...query],
      remoteOptions(ctx)
    )
    remote = parseLsRemote(out.stdout)
  }
  const target = qualifyRef(request.ref, commit, remote)
  if (!target) {
    const tried = request.ref === '' ? ['HEAD'] : (query ?? [request.ref])
    throw new GitError(
      ['ls-remote', ...tried],
      ctx.layout.dir,
      0,
      '',
      undefined,
      unknownRefMessage(request.ref || '(default branch)', ctx.repo.remoteUrl, tried)
    )
  }
  const object =
    commit ?? (target.kind === 'commit' ? target.sha : remoteObjectFor(target, request.ref, remote))
  return { target, object }
}

function remoteOptions(ctx: StoreContext): {
  auth: RemoteAuth
  stall: StallLimit
  retryDelaysMs?: readonly number[]
} {
  return { auth: ctx.remote.auth, stall: ctx.remote.stall, retryDelaysMs: ctx.remote.retryDelaysMs }
}

/** The commit `revision` names in the store, or undefined when the store lacks it. */
async function commitIn(
  ctx: StoreContext,
  storeDir: string,
  revision: string
): Promise<string | undefined> {
  // cwd is the repository directory, not the store: only store-lock holders work in the store
  // itself, so anything left running there is an orphan to end (§3.8).
  // issue 15: in a partial store git would fetch a missing commit lazily, without the lock.
  const out = await withoutLazyFetch(ctx.git)
    .local(
      ctx.layout.dir,
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`],
      { gitDir: storeDir, okExitCodes: [1, 128] }
    )
    .catch((error: unknown) => {
      // The refused lazy fetch may end git by SIGPIPE instead of exit 128: still "not there".
      if (error instanceof GitError && isLazyFetchRefusal(error.stderr))
        return { stdout: '', stderr: error.stderr, exitCode: 128 }
      throw error
    })
  // "Not there" is an answer; a damaged store is not (§7: set aside and rebuilt).
  if (out.exitCode !== 0 && isObjectStoreDamage(out.stderr))
    throw new GitError(['rev-parse', revision], ctx.layout.dir, out.exitCode, out.stderr)
  return out.exitCode === 0 ? out.stdout.trim() : undefined
}

/** Can the store serve the request without a fetch (given the object is in it)? Pure. */
export function fetchNeeded(
  request: StoreRequest,
  state: { shallow: boolean; partial: boolean }
): boolean {
  if (request.fetchTags) return true // tags may have moved: ask the server (§1 fetch-tags)
  if (state.shallow && request.fetchDepth === 0) return true // full history asked of a shallow store
  return false
}

function isShallow(storeDir: string): boolean {
  return existsSync(path.join(storeDir, 'shallow'))
}

/**
 * Makes sure the requested commit is in the store and returns it. Takes the store lock only
 * when it must fetch, create or repair the store.
 */
export async function syncStore(ctx: StoreContext, request: StoreRequest): Promise<StoreResult> {
  const timer = new Timer()
  const resolved = await timer.run('resolve ref', () => resolveTarget(ctx, request))
  const { layout } = ctx
  if (
    !request.rebuild &&
    resolved.object &&
    looksLikeStore(layout.store) &&
    !fetchNeeded(request, stateOf(layout.store))
  ) {
    const sha = await timer.run('look up commit', () =>
      commitIn(ctx, layout.store, resolved.object!)
    )
    if (sha) {
      ctx.log.info(`commit ${sha} is already in the store: nothing to fetch`)
      return result(resolved, sha, timer, { storeWaitMs: 0, usedStoreLock: false })
    }
  }

  const started = performance.now()
  const { value, waitedMs } = await ctx.lock(() =>
    syncUnderStoreLock(ctx, request, resolved, timer)
  )
  timer.phases.push({
    name: 'store lock held',
    ms: Math.round(performance.now() - started - waitedMs)
  })
  return { ...value, storeWaitMs: waitedMs }
}

async function syncUnderStoreLock(
  ctx: StoreContext,
  request: StoreRequest,
  resolved: Resolved,
  timer: Timer
): Promise<StoreResult> {
  const { layout, log } = ctx
  const repairs: string[] = []
  const setAside: string[] = []
  await endProcessesIn(layout.store, { log: line => log.info(line), what: 'the store' })
  const claimed = claimRepoDir(layout, ctx.repo.key, log)
  if (claimed) setAside.push(claimed)
  await removeStaleTemporaries(layout, log)

  let created = false
  let cacheHit: boolean | undefined
  let storeDir = layout.store
  if (existsSync(layout.store) && !looksLikeStore(layout.store)) {
    setAside.push(moveAside(layout, layout.store, 'store', 'it is not a complete repository', log))
  }
  // A truncated or damaged pack is found by a cheap look at every pack (§3.2); git would skip
  // it in silence and fetch its objects again, warning on every later command.
  const packDamage = existsSync(layout.store)
    ? findPackDamage(layout.store, storeFacts(layout.store).objectFormat === 'sha256' ? 32 : 20)
    : undefined
  if (packDamage) log.warning(`the store is damaged (${packDamage}): building it again`)
  // Rebuilding: the damaged store stays in place (trees keep reading it) until the new one is
  // ready; the pins tell which commits the trees in use need from the new one.
  const rebuilding =
    (request.rebuild === true || packDamage !== undefined) && existsSync(layout.store)
  const pins = rebuilding
    ? readRefs(layout.store, ['refs/shared-checkout/trees'])
    : new Map<string, string>()
  if (!existsSync(layout.store) || rebuilding) {
    created = true
    storeDir = path.join(layout.tmp, `store-${randomBytes(6).toString('hex')}`)
    if (ctx.warm) {
      cacheHit = await timer.run('cache restore', () => ctx.warm!.restore(storeDir))
    }
    if (!cacheHit) {
      rmSync(storeDir, { recursive: true, force: true })
      log.info(`creating the store of ${ctx.repo.display} in ${layout.store}`)
      await ctx.git.local(layout.dir, ['init', '--bare', '--quiet', storeDir])
    }
  } else {
    for (const file of removeStaleGitLocks(layout.store, log, { except: PIN_REF_PREFIX }))
      repairs.push(file)
    // A ref left empty or garbled by a crash: removed (it is fetched again), not a reason to
    // throw the whole store away.
    repairs.push(...removeDamagedGitFiles(layout.store, log).removed)
  }
  // --- issue 15: partial clones (§1 filter) -------------------------------------------------
  const filter = storeFilterFor({
    requested: request.filter,
    created: created && !cacheHit,
    current: currentFilterOf(storeDir) ?? (rebuilding ? currentFilterOf(layout.store) : undefined)
  })
  const removed = rewriteStoreGitDir(ctx, storeDir, filter)
  // --- end issue 15 ---------------------------------------------------------------------------
  for (const entry of removed) {
    log.info(`removed ${entry} from the store's git directory (left by an earlier job)`)
    repairs.push(path.join(storeDir, entry))
  }

  try {
    let sha =
      resolved.object && !fetchNeeded(request, stateOf(storeDir))
        ? await commitIn(ctx, storeDir, resolved.object)
        : undefined
    let fetchedBytes: number | undefined
    if (sha) {
      log.info(`commit ${sha} arrived in the store while this job waited: nothing to fetch`)
    } else {
      const plan = planFetch({
        target: resolved.target,
        commit: request.commit || undefined,
        fetchDepth: request.fetchDepth,
        fetchTags: request.fetchTags,
        shallow: isShallow(storeDir),
        hasHistory: !created || cacheHit === true
      })
      const filterArgs = filter && created && !cacheHit ? [`--filter=${filter}`] : []
      const args = [
        'fetch',
        ...plan.args.filter(arg => request.showProgress || arg !== '--progress'),
        ...filterArgs,
        '--end-of-options',
        'origin',
        ...plan.refspecs
      ]
      fetchedBytes = await timer.run('fetch', async () => {
        log.info(`fetching ${plan.refspecs.join(' ')} into the store`)
        const before = objectStoreBytes(storeDir)
        const out = await fetchResolvingRefConflicts(ctx, storeDir, args)
        return parseTransferredBytes(out.stderr) ?? Math.max(0, objectStoreBytes(storeDir) - before)
      })
      sha = await commitIn(ctx, storeDir, plan.checkoutTarget)
      if (!sha)
        throw new Error(
          `After fetching, ${plan.checkoutTarget} is not a commit in ${storeDir}; the server did not send it.`
        )
    }
    if (rebuilding) {
      await fetchPins(ctx, storeDir, pins)
      setAside.push(
        moveAside(layout, layout.store, 'store', 'git reported damaged objects in it', log)
      )
    }
    if (created) {
      renameSync(storeDir, layout.store)
      storeDir = layout.store
    }
    const upload =
      created && ctx.warm
        ? await timer.run('cache stage', () => ctx.warm!.stage(layout.store))
        : undefined
    return {
      ...result(resolved, sha, timer, { storeWaitMs: 0, usedStoreLock: true }),
      created,
      cacheHit,
      fetchedBytes,
      repairs,
      setAside,
      upload
    }
  } finally {
    if (created && storeDir !== layout.store) rmSync(storeDir, { recursive: true, force: true })
  }
}

// --- issue 15: partial clones (§1 filter) ---------------------------------------------------

/**
 * Settings of a local git command that must not fetch: in a partial clone git fetches a
 * missing object on demand ("lazily"), into the repository it runs in, with whatever
 * credentials it finds. The action's own local commands never do (store/partial.ts fetches
 * under the store lock instead); without a transport git fails and names the object.
 */
export const NO_LAZY_FETCH: readonly ConfigEntry[] = [
  { key: 'protocol.allow', value: 'never' },
  // Overrides protocol.file.allow=always, set for local remotes (env.ts).
  { key: 'protocol.file.allow', value: 'never' }
]

/** Did git fail because NO_LAZY_FETCH refused an on-demand fetch of a missing object? Pure. */
export function isLazyFetchRefusal(stderr: string): boolean {
  return /transport '[^']*' not allowed/.test(stderr)
}

/** `git` for local commands that may not fetch (NO_LAZY_FETCH). */
export function withoutLazyFetch(git: GitRunner): GitRunner {
  return git.withEnv(withConfigEntries(git.options.env, NO_LAZY_FETCH))
}

/**
 * The partial-clone filter of the store after this job's sync. A store made now (from the
 * network) takes the job's `filter`; an existing or restored store keeps what it is: a partial
 * store stays partial (objects were left out and git must know where to find them), a complete
 * one stays complete (its history's blobs are there already; a filter would only make later
 * fetches partial). Pure.
 */
export function storeFilterFor(input: {
  requested: string
  created: boolean
  current: string | undefined
}): string | undefined {
  if (input.created) return input.requested || input.current || undefined
  return input.current || undefined
}

/** The store's filter as its config or its promisor packs tell; undefined: complete. */
export function currentFilterOf(storeDir: string): string | undefined {
  return storeFacts(storeDir).filter || (hasPromisorPacks(storeDir) ? 'blob:none' : undefined)
}

/**
 * The store's git directory the action's again (§3.6: whenever the store lock is taken): stale
 * locks of killed git processes removed, entries outside the allow-list removed, and the config
 * written afresh with this job's fetch URL (HTTPS, or SSH with ssh-key) and the store's filter.
 * Returns the unexpected entries removed. Call under the store lock.
 */
export function rewriteStoreGitDir(
  ctx: Pick<StoreContext, 'remote'>,
  storeDir: string,
  filter: string | undefined
): string[] {
  return resetGitDir(storeDir, {
    keep: STORE_KEEP,
    config: storeConfig({
      fetchUrl: ctx.remote.url,
      objectFormat: storeFacts(storeDir).objectFormat,
      filter
    })
  })
}

// --- end issue 15 -----------------------------------------------------------------------------

function stateOf(dir: string): { shallow: boolean; partial: boolean } {
  return { shallow: isShallow(dir), partial: hasPromisorPacks(dir) }
}

/**
 * Fetches the commits other trees have out into a rebuilt store, so their borrowed objects are
 * there again (§3.7). Best effort: a commit the server no longer has is reported, not fatal.
 */
async function fetchPins(ctx: StoreContext, storeDir: string, pins: ReadonlyMap<string, string>) {
  const refspecs = [...pins].map(([ref, sha]) => `+${sha}:${ref}`)
  if (refspecs.length === 0) return
  try {
    await ctx.git.remote(
      storeDir,
      ['fetch', '--no-tags', '--no-recurse-submodules', '--end-of-options', 'origin', ...refspecs],
      {
        ...remoteOptions(ctx),
        gitDir: storeDir
      }
    )
  } catch (error) {
    ctx.log.warning(
      `could not fetch every commit the trees have out into the rebuilt store (${(error as Error).message.split('\n')[0]}); a tree whose commit is missing is repaired when a job next receives it`
    )
  }
}

/**
 * `git fetch`, once more after removing a local ref whose name blocks the new one (upstream
 * deleted branch `a` and created `a/b`: "cannot lock ref … exists; cannot create …").
 */
async function fetchResolvingRefConflicts(ctx: StoreContext, storeDir: string, args: string[]) {
  const run = () =>
    ctx.git.remote(storeDir, args, {
      ...remoteOptions(ctx),
      gitDir: storeDir,
      streamStderr: true
    })
  try {
    return await run()
  } catch (error) {
    if (!(error instanceof GitError)) throw error
    const conflict = /'(refs\/[^']+)' exists; cannot create '(refs\/[^']+)'/.exec(error.stderr)
    if (!conflict) throw error
    await ctx.git.local(ctx.layout.dir, ['update-ref', '-d', '--', conflict[1]], {
      gitDir: storeDir
    })
    ctx.log.info(
      `removed ${conflict[1]} from the store: it blocked ${conflict[2]} (renamed upstream)`
    )
    return run()
  }
}

function result(
  resolved: Resolved,
  sha: string,
  timer: Timer,
  lock: { storeWaitMs: number; usedStoreLock: boolean }
): StoreResult {
  const target = resolved.target
  return {
    sha,
    ref: target.kind === 'commit' ? '' : target.ref,
    target,
    refObject: target.kind === 'commit' ? '' : (resolved.object ?? sha),
    created: false,
    repairs: [],
    setAside: [],
    phases: timer.phases,
    ...lock
  }
}

/**
 * Temporaries in tmp/ that only a store-lock holder creates: a killed job's leftovers, and the
 * git processes it left working in them (§3.8).
 */
async function removeStaleTemporaries(layout: RepoLayout, log: Logger): Promise<void> {
  for (const entry of entriesOf(layout.tmp)) {
    if (entry.startsWith('tree-')) continue // a tree holder's (§2: guarded by its tree lock)
    const file = path.join(layout.tmp, entry)
    // A cache upload runs after the store lock is released: only a day-old one is abandoned.
    if (entry.startsWith('cache-upload-') && ageMs(file) < 24 * 3600_000) continue
    await endProcessesIn(file, { log: line => log.info(line), what: file })
    rmSync(file, { recursive: true, force: true })
    log.info(`removed ${path.join(layout.tmp, entry)}, left by a job that was interrupted`)
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return Infinity
  }
}

/** Moves a store or tree into aside/ (never deleted unverified, §3.2) and says so. */
export function moveAside(
  layout: RepoLayout,
  dir: string,
  what: string,
  why: string,
  log: Logger
): string {
  mkdirSync(layout.aside, { recursive: true })
  const destination = uniquePath(path.join(layout.aside, asideNameFor(what, new Date())))
  renameSync(dir, destination)
  log.warning(
    `${dir} cannot be used (${why}); moved it to ${destination} and building it afresh. ` +
      `Delete ${destination} once you no longer need it.`
  )
  return destination
}

/**
 * Pins the commit tree `n` has checked out (§3.7): maintenance keeps every object a pin reaches.
 * Written by the tree's holder without the store lock — the pin is the tree's own (guarded by
 * its tree lock), and is written as a file renamed into place, never through git's ref locks.
 */
export function pinTree(layout: RepoLayout, tree: number, sha: string): void {
  const file = path.join(layout.store, ...pinRefOf(tree).split('/'))
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileAtomic(file, `${sha}\n`)
}

export function isStoreDirectory(dir: string): boolean {
  return isRealDirectory(dir) && looksLikeStore(dir)
}
