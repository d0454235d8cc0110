/**
 * Partial clones (§1 `filter`): the store holds the history without (some) blobs or trees, and
 * the objects a checkout needs are fetched into the STORE just before the tree's checkout.
 *
 * Why not let `git checkout` fetch them lazily in the tree: a tree borrows objects through
 * alternates, so git would write what it fetches into the tree's own object directory, which
 * the next job's prepareTree wipes (§3.6) — every job would download the same blobs again, and
 * the checkout would need credentials. Instead, with the commit's trees and blobs listed in the
 * store (`rev-list --objects --missing=print`, no lazy fetch), the missing ones — limited to
 * the sparse paths when the job is sparse — are fetched by id from `origin` into the store
 * under the store lock, as the lazy fetch itself does (noop negotiation, `--filter=blob:none`),
 * after looking again under the lock (another job may have fetched them meanwhile, §3.3). The
 * checkout that follows is a local command without credentials that finds every object.
 *
 *   trees missing (tree:N filters)? fetch them (one round brings every subtree, no blobs)
 *   → blobs the checkout writes: all of the commit's, or those of the sparse paths (cone: git's
 *     cone rule on `ls-tree`; non-cone: git's own pattern matching on a scratch index), plus
 *     attribute/ignore/submodule files → the missing ones, fetched in batches.
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { withConfigEntries } from '../git/env.js'
import { GitError, type GitRunner } from '../git/git.js'
import { objectStoreBytes, parseTransferredBytes } from '../git/progress.js'
import { removeStaleGitLocks } from '../git/repair.js'
import { endProcessesIn } from '../process/sweep.js'
import { PIN_REF_PREFIX } from '../repo/layout.js'
import { coneDirectories, inCone, isGitMetadataFile, type SparseSpec } from '../trees/sparse.js'
import {
  currentFilterOf,
  rewriteStoreGitDir,
  withoutLazyFetch,
  type StoreContext
} from './store.js'

/** Is the store a partial clone (a filter in its config, or promisor packs)? */
export function isPartialStore(storeDir: string): boolean {
  return currentFilterOf(storeDir) !== undefined
}

export interface CheckoutObjectsRequest {
  /** The commit the tree checks out. */
  sha: string
  /** The job's sparse patterns; undefined: the whole tree. */
  sparse?: SparseSpec
  /**
   * Every blob of the commit, sparse or not: git-lfs reads the size of every file of the
   * commit to find its pointers (`ls-tree -l`), which would fetch the rest one by one.
   */
  everything: boolean
  /** The prepared tree (its info/sparse-checkout is the job's): non-cone matching runs there. */
  treeDir: string
  ignoreCase: boolean
  showProgress: boolean
}

export interface CheckoutObjectsResult {
  /** Objects fetched into the store (0: everything was there). */
  fetchedObjects: number
  fetchedBytes?: number
  usedStoreLock: boolean
  storeWaitMs: number
}

/** `?<oid>` lines of `rev-list --missing=print`. Pure. */
export function parseMissing(output: string): string[] {
  return output
    .split('\n')
    .filter(line => line.startsWith('?'))
    .map(line => line.slice(1).trim())
    .filter(oid => /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid))
}

export interface TreeEntry {
  oid: string
  path: string
}

/** Blobs (files and symlinks, not submodule commits) of `ls-tree -r -z` output. Pure. */
export function parseTreeListing(output: string): TreeEntry[] {
  const entries: TreeEntry[] = []
  for (const record of output.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(record)
    if (match && match[2] === 'blob') entries.push({ oid: match[3], path: match[4] })
  }
  return entries
}

/** `ls-files -s -z` output (mode oid stage<TAB>path). Pure. */
export function parseIndexListing(output: string): TreeEntry[] {
  const entries: TreeEntry[] = []
  for (const record of output.split('\0')) {
    const match = /^(\d+) ([0-9a-f]+) \d\t(.*)$/s.exec(record)
    if (match && match[1] !== '160000') entries.push({ oid: match[2], path: match[3] })
  }
  return entries
}

/** The blobs a cone-mode checkout of `dirs` writes or reads. Pure. */
export function coneBlobs(
  entries: readonly TreeEntry[],
  dirs: readonly string[],
  ignoreCase: boolean
): Set<string> {
  return new Set(
    entries
      .filter(e => isGitMetadataFile(e.path) || inCone(e.path, dirs, ignoreCase))
      .map(e => e.oid)
  )
}

/** Splits ids into fetches whose command lines stay well inside the platform's limit. Pure. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Windows limits a command line to 32767 characters; Linux and macOS to far more. */
export function batchSizeFor(platform: NodeJS.Platform): number {
  return platform === 'win32' ? 400 : 8000
}

/** Did git need an object it could not fetch lazily (the action's checkout forbids it)? Pure. */
export function isRefusedLazyFetch(stderr: string): boolean {
  return /could not fetch [0-9a-f]+ from promisor remote|transport '[^']+' not allowed/i.test(
    stderr
  )
}

const MAX_ROUNDS = 3

/**
 * Makes sure every object the tree's checkout of `request.sha` needs is in the store. Takes the
 * store lock only when something is missing.
 */
export async function fetchCheckoutObjects(
  ctx: StoreContext,
  request: CheckoutObjectsRequest
): Promise<CheckoutObjectsResult> {
  const none: CheckoutObjectsResult = { fetchedObjects: 0, usedStoreLock: false, storeWaitMs: 0 }
  if (!isPartialStore(ctx.layout.store)) return none
  const first = await missingForCheckout(ctx, request)
  if (first.length === 0) return none

  const started = performance.now()
  const { value, waitedMs } = await ctx.lock(async () => {
    const store = ctx.layout.store
    await endProcessesIn(store, { log: line => ctx.log.info(line), what: 'the store' })
    removeStaleGitLocks(store, ctx.log, { except: PIN_REF_PREFIX })
    for (const entry of rewriteStoreGitDir(ctx, store, currentFilterOf(store)))
      ctx.log.info(`removed ${entry} from the store's git directory (left by an earlier job)`)
    let fetchedObjects = 0
    let fetchedBytes = 0
    for (let round = 0; ; round++) {
      // Looked at again under the lock: another job may have fetched them meanwhile (§3.3).
      const missing = await missingForCheckout(ctx, request)
      if (missing.length === 0) break
      if (round === MAX_ROUNDS)
        throw new Error(
          `${missing.length} objects of commit ${request.sha} are still missing from ${store} after ` +
            `${MAX_ROUNDS} fetches (e.g. ${missing[0]}): the server did not send them. Check that it ` +
            'serves partial clones (uploadpack.allowFilter) and objects by id.'
        )
      ctx.log.info(
        `fetching ${missing.length} objects of ${request.sha.slice(0, 12)} into the store (partial clone)`
      )
      fetchedBytes += await fetchObjects(ctx, missing, request.showProgress)
      fetchedObjects += missing.length
    }
    return { fetchedObjects, fetchedBytes }
  })
  ctx.log.info(
    `fetched ${value.fetchedObjects} objects of this checkout into the store in ` +
      `${Math.round(performance.now() - started - waitedMs)} ms`
  )
  return { ...value, usedStoreLock: true, storeWaitMs: waitedMs }
}

/**
 * The objects the checkout needs that the store lacks: the commit's missing trees first (blob
 * entries cannot be listed below a missing tree), else its missing blobs that the checkout
 * writes or reads.
 */
async function missingForCheckout(
  ctx: StoreContext,
  request: CheckoutObjectsRequest
): Promise<string[]> {
  const trees = await missingObjects(ctx, request.sha, ['--filter=blob:none'])
  if (trees.length > 0) return trees
  const blobs = await missingObjects(ctx, request.sha, [])
  if (blobs.length === 0 || request.everything || !request.sparse) return blobs
  const wanted = await sparseBlobs(ctx, request, request.sparse)
  return blobs.filter(oid => wanted.has(oid))
}

/** Missing objects reachable from the commit's tree; never fetches (--missing=print). */
async function missingObjects(ctx: StoreContext, sha: string, extra: string[]): Promise<string[]> {
  const out = await withoutLazyFetch(ctx.git).local(
    ctx.layout.dir,
    ['rev-list', '--objects', '--no-walk', '--missing=print', ...extra, sha, '--'],
    { gitDir: ctx.layout.store }
  )
  return parseMissing(out.stdout)
}

/** The blobs of the commit that a sparse checkout with the job's patterns writes or reads. */
async function sparseBlobs(
  ctx: StoreContext,
  request: CheckoutObjectsRequest,
  sparse: SparseSpec
): Promise<Set<string>> {
  if (sparse.cone) {
    const out = await withoutLazyFetch(ctx.git).local(
      ctx.layout.dir,
      ['ls-tree', '-r', '-z', '--full-tree', request.sha],
      {
        gitDir: ctx.layout.store
      }
    )
    return coneBlobs(
      parseTreeListing(out.stdout),
      coneDirectories(sparse.patterns),
      request.ignoreCase
    )
  }
  return nonConeBlobs(withoutLazyFetch(ctx.git), request)
}

/**
 * Non-cone patterns follow .gitignore syntax; git itself matches them. The commit is read into
 * a scratch index of the tree (trees only, no blob is read) and `ls-files --ignored` lists the
 * entries the tree's info/sparse-checkout matches. Its rule (a matched directory includes all
 * below it) includes a file that a later `!pattern` leaves out of a sparse checkout: a
 * superset, never less than the checkout writes.
 */
async function nonConeBlobs(git: GitRunner, request: CheckoutObjectsRequest): Promise<Set<string>> {
  const gitDir = path.join(request.treeDir, '.git')
  const scratch = path.join(gitDir, `sparse-scratch-index-${process.pid}`)
  const env = { GIT_INDEX_FILE: scratch }
  try {
    await git.local(request.treeDir, ['read-tree', request.sha], { env })
    const all = await git.local(request.treeDir, ['ls-files', '-s', '-z'], { env })
    const matched = await git.local(
      request.treeDir,
      [
        'ls-files',
        '-s',
        '-z',
        '--cached',
        '--ignored',
        `--exclude-from=${path.join(gitDir, 'info', 'sparse-checkout')}`
      ],
      { env }
    )
    const wanted = new Set(parseIndexListing(matched.stdout).map(e => e.oid))
    for (const entry of parseIndexListing(all.stdout))
      if (isGitMetadataFile(entry.path)) wanted.add(entry.oid)
    return wanted
  } finally {
    rmSync(scratch, { force: true })
  }
}

/**
 * Fetches objects by id from `origin` into the store, as git's own lazy fetch does: no refs, no
 * tags, no negotiation (nothing we have is an ancestor of a blob), blobs left out of the trees
 * a tree-less store asks for. Returns the bytes received.
 */
async function fetchObjects(
  ctx: StoreContext,
  oids: string[],
  showProgress: boolean
): Promise<number> {
  const store = ctx.layout.store
  const git = ctx.git.withEnv(
    withConfigEntries(ctx.git.options.env, [{ key: 'fetch.negotiationAlgorithm', value: 'noop' }])
  )
  let bytes = 0
  for (const batch of batchesOf(oids, batchSizeFor(process.platform))) {
    const before = objectStoreBytes(store)
    const out = await git
      .remote(
        store,
        [
          'fetch',
          '--no-tags',
          '--no-write-fetch-head',
          '--recurse-submodules=no',
          '--filter=blob:none',
          showProgress ? '--progress' : '--quiet',
          '--end-of-options',
          'origin',
          ...batch
        ],
        {
          auth: ctx.remote.auth,
          stall: ctx.remote.stall,
          retryDelaysMs: ctx.remote.retryDelaysMs,
          gitDir: store,
          streamStderr: showProgress
        }
      )
      .catch((error: unknown) => {
        if (
          error instanceof GitError &&
          /not our ref|unadvertised object|want .* not valid/i.test(error.stderr)
        )
          throw new Error(
            `${error.message}\nThe server refused to send objects of this partial clone by id; the store is ` +
              'partial, so it needs a server that serves them (GitHub does; for git http-backend set ' +
              'uploadpack.allowAnySHA1InWant or use protocol v2).'
          )
        throw error
      })
    bytes += parseTransferredBytes(out.stderr) ?? Math.max(0, objectStoreBytes(store) - before)
  }
  return bytes
}
