/**
 * One job's checkout, top to bottom, shared by the action's main step and the
 * `shared-checkout checkout` command (§1, §3):
 *
 *   options → layout → tree lock (FIFO pool) → end what was left in the tree (§3.8) → store:
 *   commit present? else store lock → fetch (§3.3) → pin (§3.7) → tree: the action's again
 *   (§3.6) → check out → result
 *
 * The caller owns what happens around it: saving state, outputs, releasing on failure.
 */
import { performance } from 'node:perf_hooks'
import { acquireLock, releaseLock, type AcquiredLock, type JobIdentity } from '../lock/index.js'
import { localGitEnv, tokenSecrets, type RemoteAuth, type StallLimit } from '../git/env.js'
import { GitError, GitRunner, isObjectStoreDamage } from '../git/git.js'
import { platformConfigEntries } from '../git/platform.js'
import { prepareSshAccess, removeSshFiles, sshFailureMessage, type SshAccess } from '../git/ssh.js'
import type { Logger } from '../logger.js'
import type { CheckoutOptions } from '../options/options.js'
import { endProcessesIn } from '../process/sweep.js'
import { DeadlockError, findDeadlock, jobKeyOf, scanWaitGraph, type Deadlock } from './deadlock.js'
import { ensureLockDirectory } from '../repo/directory.js'
import { layoutOf, treeNumberOfLock, type RepoLayout } from '../repo/layout.js'
import {
  fetchCheckoutObjects,
  isPartialStore,
  isRefusedLazyFetch,
  type CheckoutObjectsResult
} from '../store/partial.js'
import {
  currentFilterOf,
  pinTree,
  syncStore,
  type Phase,
  type StoreContext,
  type StoreResult,
  type StoreWarmer
} from '../store/store.js'
import { storeFacts } from '../store/config.js'
import { checkoutTree } from '../trees/checkout.js'
import { treePool } from '../trees/pool.js'
import { prepareTree, writeTreeRefs } from '../trees/prepare.js'

/** Settings of the lock and the network that the action takes from its environment. */
export interface CheckoutRuntime {
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  log: Logger
  signal: AbortSignal
  job: Partial<JobIdentity>
  /** Where the SSH key files go (RUNNER_TEMP). */
  tempDir: string
  /**
   * 'job' (default): the tree is held by the job — its anchor and a keeper process — until
   * released (§2); 'process': by this process alone (in-process callers and tests).
   */
  holdTreeFor?: 'job' | 'process'
  /** The process the tree is held for with 'job' (default: this process's parent, §2). */
  jobAnchorPid?: number
  /** The file the keeper process runs (the bundle that dispatches to runKeeper). */
  keeperEntry?: string
  keeperExecArgv?: string[]
  /** Tests: how often waiters report and poll (defaults 60 s and 1 s, §2.6). */
  reportEveryMs?: number
  pollMs?: number
  /** A transfer slower than this is abandoned (§7). */
  stall: StallLimit
  retryDelaysMs?: readonly number[]
  /** Creates the cache warmer when the store is missing and `cache` is on (§4). */
  warmer?: (layout: RepoLayout) => Promise<StoreWarmer | undefined>
  onGitProcess?: (pid: number, args: readonly string[]) => void
  /** Called as soon as the tree is held, so the caller can record it for post. */
  onTreeHeld?: (lock: AcquiredLock, tree: number, treeDir: string) => void
  /** How often a waiting job looks for a deadlock between jobs (default 2 s). */
  deadlockCheckMs?: number
  /** Called with each phase of the git work's progress output (show-progress). */
  onProgress?: (text: string) => void
  /** Called as soon as the SSH key files exist, so the caller can record them for post. */
  onSshPrepared?: (directory: string) => void
  /** Tests: called just before the tree's checkout (e.g. to take objects away from the store). */
  beforeTreeCheckout?: (treeDir: string) => void
}

export interface CheckoutResult {
  layout: RepoLayout
  tree: number
  treeDir: string
  lock: AcquiredLock
  /** Time spent waiting for a tree and for the store, nothing else (§1 lock-wait-seconds). */
  treeWaitMs: number
  storeWaitMs: number
  store: StoreResult
  repairs: string[]
  setAside: string[]
  phases: Phase[]
  ssh?: SshAccess
  /** Objects of the checkout fetched into a partial store (issue 15); undefined: not partial. */
  blobs?: CheckoutObjectsResult
}

async function timed<T>(phases: Phase[], name: string, work: () => Promise<T> | T): Promise<T> {
  const start = performance.now()
  try {
    return await work()
  } finally {
    phases.push({ name, ms: Math.round(performance.now() - start) })
  }
}

/** The remote access of this job: HTTPS with the token, or SSH with the key (§1). */
function remoteAccessOf(
  options: CheckoutOptions,
  runtime: CheckoutRuntime
): { url: string; auth: RemoteAuth; ssh?: SshAccess } {
  if (options.sshKey) {
    const ssh = prepareSshAccess(
      options.repo,
      {
        key: options.sshKey,
        knownHosts: options.sshKnownHosts,
        strict: options.sshStrict,
        user: options.sshUser
      },
      runtime.tempDir
    )
    runtime.onSshPrepared?.(ssh.directory)
    return { url: ssh.url, auth: ssh.auth, ssh }
  }
  const auth: RemoteAuth = options.token
    ? { kind: 'token', serverUrl: options.serverUrl, token: options.token }
    : { kind: 'none' }
  return { url: options.repo.remoteUrl, auth }
}

function isLocalRemote(url: string): boolean {
  return url.startsWith('file://') || url.startsWith('/')
}

export async function runCheckout(
  options: CheckoutOptions,
  runtime: CheckoutRuntime
): Promise<CheckoutResult> {
  const phases: Phase[] = []
  const layout = layoutOf(options.dir)
  const log = runtime.log
  ensureLockDirectory(layout)

  const lock = await timed(phases, 'wait for a tree', () =>
    withDeadlockWatch(options.root, runtime, signal =>
      acquireLock({
        pool: treePool(layout, options.trees, options.commit || undefined),
        holdFor: runtime.holdTreeFor ?? 'job',
        jobAnchorPid: runtime.jobAnchorPid,
        timeoutSeconds: options.lockTimeoutSeconds,
        job: runtime.job,
        keeperEntry: runtime.keeperEntry,
        keeperExecArgv: runtime.keeperExecArgv,
        signal,
        log: line => log.info(line),
        reportEveryMs: runtime.reportEveryMs,
        pollMs: runtime.pollMs
      })
    )
  )
  const tree = treeNumberOfLock(lock.lockPath)
  if (tree === undefined) throw new Error(`${lock.lockPath} is not a tree lock`)
  const treeDir = layout.tree(tree)
  runtime.onTreeHeld?.(lock, tree, treeDir)
  log.info(`Holding tree ${tree} of ${options.repository}: ${treeDir}`)

  await timed(phases, 'end leftover processes', () =>
    endProcessesIn(treeDir, { log: line => log.info(line), what: `tree ${tree}` })
  )

  const access = remoteAccessOf(options, runtime)
  const held: Held = { layout, lock, tree, treeDir, access, phases }
  try {
    try {
      return await checkOutHeldTree(options, runtime, held, false)
    } catch (error) {
      if (!(error instanceof GitError) || !isObjectStoreDamage(error.stderr)) throw error
      // §3.2, §7: never use a damaged store; rebuild it once, within this job.
      log.warning(
        `git reports damaged objects in the store of ${options.repository} (${damageLine(error.stderr)}); ` +
          'setting the store aside and building it again (once).'
      )
      try {
        return await checkOutHeldTree(options, runtime, held, true)
      } catch (again) {
        if (again instanceof GitError && isObjectStoreDamage(again.stderr))
          throw new Error(
            `The store of ${options.repository} was rebuilt in this job and git still reports damaged objects ` +
              `(${damageLine(again.stderr)}). Check the disk under ${layout.dir} (dmesg, free space, ` +
              'SMART) and that the server serves this repository intact; the damaged stores are in ' +
              `${layout.aside}.`
          )
        throw again
      }
    }
  } catch (error) {
    if (!access.ssh) throw error
    removeSshFiles(access.ssh.directory)
    throw explainSshFailure(error, access.ssh, options.repository)
  }
}

/** A git failure over SSH, reworded in the inputs' terms when ssh says why (ssh.ts). */
function explainSshFailure(error: unknown, ssh: SshAccess, repository: string): unknown {
  if (!(error instanceof GitError)) return error
  const why = sshFailureMessage(error.stderr, ssh, repository)
  if (!why) return error
  const exit = error.exitCode === null ? '' : ` (exit code ${error.exitCode})`
  return new GitError(
    error.args,
    error.cwd,
    error.exitCode,
    error.stderr,
    undefined,
    `${why}\ngit ${error.args.join(' ')} failed in ${error.cwd}${exit}: ${error.stderr.trim()}`
  )
}

/**
 * Runs a wait for a tree while watching the root for a deadlock between jobs (§7): when this
 * job is the one to give way, the wait is cancelled and a DeadlockError names the jobs.
 */
async function withDeadlockWatch<T>(
  root: string,
  runtime: CheckoutRuntime,
  wait: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  const self = jobKeyOf(runtime.job)
  if (!self) return wait(runtime.signal)
  const giveWay = new AbortController()
  let found: Deadlock | undefined
  const everyMs = runtime.deadlockCheckMs ?? 2000
  const timer = setInterval(() => {
    try {
      const deadlock = findDeadlock(scanWaitGraph(root), self)
      if (deadlock && deadlock.victim.job === self) {
        found = deadlock
        giveWay.abort()
      }
    } catch {
      // a file vanished while we read: look again next time
    }
  }, everyMs)
  timer.unref()
  try {
    return await wait(AbortSignal.any([runtime.signal, giveWay.signal]))
  } catch (error) {
    if (found && !runtime.signal.aborted) throw new DeadlockError(found)
    throw error
  } finally {
    clearInterval(timer)
  }
}

/** The line of git's output that says what is damaged (not its progress lines). */
function damageLine(text: string): string {
  const lines = text.split(/[\r\n]+/).map(line => line.trim())
  return lines.find(line => isObjectStoreDamage(line)) ?? firstLine(text)
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find(line => line.trim() !== '')
      ?.trim() ?? 'no output'
  )
}

interface Held {
  layout: RepoLayout
  lock: AcquiredLock
  tree: number
  treeDir: string
  access: { url: string; auth: RemoteAuth; ssh?: SshAccess }
  phases: Phase[]
}

async function checkOutHeldTree(
  options: CheckoutOptions,
  runtime: CheckoutRuntime,
  held: Held,
  rebuildStore: boolean
): Promise<CheckoutResult> {
  const { layout, lock, tree, treeDir, access, phases } = held
  const log = runtime.log
  const deadline =
    options.lockTimeoutSeconds < 0
      ? Infinity
      : performance.now() + options.lockTimeoutSeconds * 1000
  const remainingSeconds = (): number =>
    deadline === Infinity ? -1 : Math.max(0, (deadline - performance.now()) / 1000)
  const git = new GitRunner({
    env: localGitEnv(runtime.env, {
      safeDirectories: [layout.store, treeDir, `${treeDir}/*`],
      ceiling: layout.dir,
      platformConfig: platformConfigEntries(runtime.platform),
      allowFileProtocol: isLocalRemote(access.url)
    }),
    secrets: tokenSecrets(options.token),
    signal: runtime.signal,
    onProcess: runtime.onGitProcess,
    onStderr: runtime.onProgress,
    log: line => log.info(line)
  })
  const stall = runtime.stall
  const warm = options.cache && runtime.warmer ? await runtime.warmer(layout) : undefined

  const storeContext: StoreContext = {
    layout,
    repo: options.repo,
    git,
    remote: { url: access.url, auth: access.auth, stall, retryDelaysMs: runtime.retryDelaysMs },
    log,
    warm,
    lock: async work => {
      const started = performance.now()
      const storeLock = await acquireLock({
        lockPath: layout.storeLock,
        holdFor: 'process',
        timeoutSeconds: remainingSeconds(),
        job: runtime.job,
        signal: runtime.signal,
        log: line => log.info(line),
        reportEveryMs: runtime.reportEveryMs,
        pollMs: runtime.pollMs
      })
      const waitedMs = storeLock.waitedMs ?? performance.now() - started
      try {
        return { value: await work(), waitedMs }
      } finally {
        await releaseLock(storeLock.lockPath, storeLock.token)
      }
    }
  }
  const store = await syncStore(storeContext, {
    ref: options.ref,
    commit: options.commit,
    fetchDepth: options.fetchDepth,
    fetchTags: options.fetchTags,
    filter: options.filter,
    showProgress: options.showProgress,
    rebuild: rebuildStore
  })
  phases.push(...store.phases)
  if (store.upload) await timed(phases, 'cache save', store.upload)

  pinTree(layout, tree, store.sha)
  const facts = storeFacts(layout.store)
  const prepared = await timed(phases, 'prepare tree', () =>
    prepareTree({
      layout,
      tree,
      log,
      config: {
        originUrl: access.url,
        objectFormat: facts.objectFormat,
        filter: facts.filter ?? currentFilterOf(layout.store),
        platform: runtime.platform,
        lfs: options.lfs,
        sparse:
          options.sparseCheckout.length > 0
            ? { patterns: options.sparseCheckout, cone: options.sparseCheckoutConeMode }
            : undefined
      }
    })
  )
  writeTreeRefs(layout, prepared.gitDir, {
    sha: store.sha,
    ref: store.ref,
    refObject: store.refObject,
    targetKind: store.target.kind
  })
  // --- issue 15: partial clones — the checkout's objects land in the store (store/partial.ts)
  const sparse =
    options.sparseCheckout.length > 0
      ? { patterns: options.sparseCheckout, cone: options.sparseCheckoutConeMode }
      : undefined
  const partial = isPartialStore(layout.store)
  if (options.filter && !partial)
    log.info(
      `filter: ${options.filter} not applied: the store of ${options.repository} is a complete clone ` +
        'and stays one (later fetches bring only what is new)'
    )
  const fetchObjects = (everything: boolean): Promise<CheckoutObjectsResult> =>
    fetchCheckoutObjects(storeContext, {
      sha: store.sha,
      sparse,
      everything,
      treeDir,
      ignoreCase: runtime.platform === 'win32' || runtime.platform === 'darwin',
      showProgress: options.showProgress
    })
  let blobs = partial
    ? await timed(phases, 'fetch blobs', () => fetchObjects(options.lfs))
    : undefined
  const checkOut = (): Promise<void> =>
    checkoutTree(
      git,
      treeDir,
      {
        sha: store.sha,
        clean: options.clean,
        submodules: options.submodules,
        lfs: options.lfs,
        fetchDepth: options.fetchDepth,
        showProgress: options.showProgress,
        sparse,
        remote: { auth: access.auth, stall, retryDelaysMs: runtime.retryDelaysMs },
        expandSparse: prepared.expandSparse
      },
      log
    )
  runtime.beforeTreeCheckout?.(treeDir)
  try {
    await timed(phases, 'checkout', checkOut)
  } catch (error) {
    if (!partial || !(error instanceof GitError) || !isRefusedLazyFetch(error.stderr)) throw error
    // A gap in what was fetched ahead: fetch every object of the commit and try once more.
    log.warning(
      `the checkout of ${store.sha} needed objects that were not fetched into the store ahead of it ` +
        `(${firstLine(error.stderr)}); fetching every object of the commit and checking out again`
    )
    const more = await timed(phases, 'fetch blobs (all)', () => fetchObjects(true))
    blobs = sumObjectFetches(blobs, more)
    await timed(phases, 'checkout (again)', checkOut)
  }
  // --- end issue 15 ---------------------------------------------------------------------------
  log.info(`checked out ${store.sha}${store.ref ? ` (${store.ref})` : ''} in ${treeDir}`)
  return {
    layout,
    tree,
    treeDir,
    lock,
    treeWaitMs: lock.waitedMs,
    storeWaitMs: store.storeWaitMs + (blobs?.storeWaitMs ?? 0),
    store,
    repairs: [...store.repairs, ...prepared.repairs],
    setAside: [...store.setAside, ...(prepared.setAside ? [prepared.setAside] : [])],
    phases,
    ssh: access.ssh,
    blobs
  }
}

function sumObjectFetches(
  a: CheckoutObjectsResult | undefined,
  b: CheckoutObjectsResult
): CheckoutObjectsResult {
  if (!a) return b
  return {
    fetchedObjects: a.fetchedObjects + b.fetchedObjects,
    fetchedBytes:
      a.fetchedBytes === undefined && b.fetchedBytes === undefined
        ? undefined
        : (a.fetchedBytes ?? 0) + (b.fetchedBytes ?? 0),
    usedStoreLock: a.usedStoreLock || b.usedStoreLock,
    storeWaitMs: a.storeWaitMs + b.storeWaitMs
  }
}
