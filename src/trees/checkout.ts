/**
 * Checking out a prepared tree (§3.3): detached at the exact commit, cleaned per `clean`,
 * submodules and LFS per the request. `git checkout --force` compares the index with the
 * commit, so a tree reused from an earlier job writes only the files that differ.
 */
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { GitError, type GitRunner } from '../git/git.js'
import {
  withConfigEntries,
  type ConfigEntry,
  type RemoteAuth,
  type StallLimit
} from '../git/env.js'
import type { Logger } from '../logger.js'
import { NO_LAZY_FETCH } from '../store/store.js'
import { EXPAND_CHECKOUT_CONFIG } from './sparse.js'

export type SubmodulesMode = false | true | 'recursive'

export interface CheckoutRequest {
  sha: string
  clean: boolean
  submodules: SubmodulesMode
  lfs: boolean
  fetchDepth: number
  showProgress: boolean
  /** Sparse patterns (already in the tree's info/sparse-checkout); undefined: the whole tree. */
  sparse?: { patterns: string[]; cone: boolean }
  /** How submodules and LFS reach their remotes. */
  remote: { auth: RemoteAuth; stall: StallLimit; retryDelaysMs?: readonly number[] }
  /** The index hides files of an earlier sparse job: check out with every path (trees/sparse.ts). */
  expandSparse?: boolean
}

const PERMISSION = /Permission denied|Operation not permitted/i

const LFS_FILTERS: ConfigEntry[] = [
  { key: 'filter.lfs.clean', value: 'git-lfs clean -- %f' },
  { key: 'filter.lfs.smudge', value: 'git-lfs smudge -- %f' },
  { key: 'filter.lfs.process', value: 'git-lfs filter-process' },
  { key: 'filter.lfs.required', value: 'true' }
]

/**
 * Gives the owner write and search permission on every directory of the working tree, outside
 * `.git`: a job may leave read-only directories (Go's module cache does by default), and git
 * can neither clean nor replace files in them. Returns how many were repaired.
 */
export function restoreWritePermission(treeDir: string): number {
  let repaired = 0
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || (dir === treeDir && entry.name === '.git')) continue
      const child = path.join(dir, entry.name)
      try {
        const mode = lstatSync(child).mode
        if ((mode & 0o700) !== 0o700) {
          chmodSync(child, mode | 0o700)
          repaired++
        }
      } catch {
        continue
      }
      walk(child)
    }
  }
  try {
    const mode = lstatSync(treeDir).mode
    if ((mode & 0o700) !== 0o700) {
      chmodSync(treeDir, mode | 0o700)
      repaired++
    }
  } catch {
    // the caller reports the git failure
  }
  walk(treeDir)
  return repaired
}

/** Runs a git command in the tree; on a permission failure, repairs permissions and tries once more. */
async function withPermissionRepair<T>(
  treeDir: string,
  log: Logger,
  work: () => Promise<T>
): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof GitError) || !PERMISSION.test(error.stderr)) throw error
    const repaired = restoreWritePermission(treeDir)
    if (repaired === 0) throw error
    log.info(
      `gave the owner write permission on ${repaired} read-only directories in ${treeDir} (left by an earlier job)`
    )
    return work()
  }
}

export async function checkoutTree(
  git: GitRunner,
  treeDir: string,
  request: CheckoutRequest,
  log: Logger
): Promise<void> {
  const progress = request.showProgress ? ['--progress'] : ['--quiet']
  // issue 15: the objects were fetched into the store before (store/partial.ts); a lazy fetch
  // would write into the tree's own objects, wiped for the next job.
  const checkoutGit = git.withEnv(
    withConfigEntries(git.options.env, [
      ...NO_LAZY_FETCH,
      ...(request.expandSparse ? EXPAND_CHECKOUT_CONFIG : [])
    ])
  )
  await withPermissionRepair(treeDir, log, () =>
    checkoutGit.local(treeDir, ['checkout', '--force', '--detach', ...progress, request.sha], {
      streamStderr: request.showProgress
    })
  )
  // The bits are cleared; the tree is an ordinary full checkout for the job's own commands.
  if (request.expandSparse)
    rmSync(path.join(treeDir, '.git', 'info', 'sparse-checkout'), { force: true })
  if (request.clean) {
    await withPermissionRepair(treeDir, log, () =>
      git.local(treeDir, ['clean', '-ffdx', '--quiet'])
    )
  }
  await syncSubmodules(git, treeDir, request, log)
  if (request.lfs) await syncLfs(git, treeDir, request, log)
}

async function syncSubmodules(
  git: GitRunner,
  treeDir: string,
  request: CheckoutRequest,
  log: Logger
): Promise<void> {
  const hasModulesFile = exists(path.join(treeDir, '.gitmodules'))
  const initialized = exists(path.join(treeDir, '.git', 'modules'))
  if (request.submodules === false) {
    // An earlier job may have populated them; this job asked for none (like a fresh checkout).
    if (initialized && hasModulesFile)
      await git.local(treeDir, ['submodule', 'deinit', '--all', '--force', '--quiet'])
    return
  }
  if (!hasModulesFile) return
  const recursive = request.submodules === 'recursive' ? ['--recursive'] : []
  const depth = request.fetchDepth > 0 ? [`--depth=${request.fetchDepth}`] : []
  await git.local(treeDir, ['submodule', 'sync', '--quiet', ...recursive])
  await git.remote(
    treeDir,
    ['submodule', 'update', '--init', '--force', ...recursive, ...depth],
    request.remote
  )
  if (request.clean) {
    await git.local(treeDir, [
      'submodule',
      'foreach',
      '--quiet',
      ...recursive,
      'git clean -ffdx --quiet && git reset --hard --quiet HEAD'
    ])
  }
  log.info(`submodules updated${recursive.length ? ' recursively' : ''}`)
}

async function syncLfs(
  git: GitRunner,
  treeDir: string,
  request: CheckoutRequest,
  log: Logger
): Promise<void> {
  try {
    await git.local(treeDir, ['lfs', 'version'])
  } catch (error) {
    throw new GitError(
      ['lfs', 'version'],
      treeDir,
      null,
      '',
      undefined,
      `lfs: true needs git-lfs, which is not installed on this runner (${(error as Error).message})`
    )
  }
  // The LFS filters for these two commands only: the tree's config stays the action's (§3.6).
  const lfsGit = git.withEnv(withConfigEntries(git.options.env, LFS_FILTERS))
  await lfsGit.remote(treeDir, ['lfs', 'fetch', 'origin', 'HEAD'], request.remote)
  await lfsGit.local(treeDir, ['lfs', 'checkout'])
  log.info('LFS objects downloaded and checked out')
}

function exists(file: string): boolean {
  try {
    lstatSync(file)
    return true
  } catch {
    return false
  }
}
