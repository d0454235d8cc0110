import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs'
import { devNull } from 'node:os'
import path from 'node:path'
import type { Logger } from '../logger.js'
import { gitAuthEnv, tokenSecrets, withConfigEntries, type ConfigEntry } from './auth.js'
import { GitError, redact, runGit, type GitContext } from './git.js'
import { inspectClone, type CloneState } from './inspect.js'
import { objectStoreBytes, parseTransferredBytes } from './progress.js'
import {
  parseLsRemote,
  planFetch,
  qualifyRef,
  remoteQueryFor,
  unknownRefMessage,
  REMOTE,
  type QualifiedRef
} from './refs.js'
import { undoLeftovers } from './leftovers.js'
import { platformConfigEntries } from './platform.js'
import { removeDamagedGitFiles, removeStaleGitLocks } from './repair.js'

export interface SyncRequest {
  /** The shared clone (absolute). The caller holds its lock. */
  clonePath: string
  /** What `origin` must be, e.g. https://github.com/owner/name (no credentials in it). */
  remoteUrl: string
  /** Scope of the auth header, e.g. https://github.com. */
  serverUrl: string
  token?: string
  /** Branch, tag, full SHA, refs/...; empty = `commit` if given, else the default branch. */
  ref?: string
  /** The exact commit expected (e.g. GITHUB_SHA): fetched by id and checked out. */
  commit?: string
  /** 0 = full history; N = shallow (a full clone stays full, see planFetch). */
  fetchDepth: number
  fetchTags: boolean
  clean: boolean
  submodules: false | true | 'recursive'
  lfs: boolean
  /** Platform whose git settings apply (default process.platform; see platform.ts). */
  platform?: NodeJS.Platform
  /** Environment to start from (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Called with the PID of every git process (tests check their argv for secrets). */
  onGitProcess?: (pid: number) => void
}

export interface SyncResult {
  /** Full SHA checked out (detached). */
  commit: string
  /** Fully qualified ref that was fetched ('' when a bare SHA was requested). */
  ref: string
  /** True when this sync created the clone. */
  cloned: boolean
  /** Where a wrong or corrupt directory was moved (never deleted unverified). */
  movedAside?: string
  /** Stale git lock files removed (§3.2) and stale partial clones removed. */
  repairs: string[]
  /**
   * Bytes the main fetch brought: git's reported transfer size when it printed one, else the
   * growth of the object store; undefined when nothing had to be fetched.
   */
  fetchedBytes?: number
  phases: { name: string; ms: number }[]
}

const PARTIAL = '.partial-'
const BROKEN = '.broken-'

/** `<clone>.broken-<yyyymmddThhmmss>` (UTC). Pure. */
export function brokenPathFor(clonePath: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
  return `${clonePath}${BROKEN}${stamp}`
}

/** Leftover `<clone>.partial-*` siblings: clones killed before they were renamed into place. */
export function partialSiblings(clonePath: string): string[] {
  const parent = path.dirname(clonePath)
  const prefix = path.basename(clonePath) + PARTIAL
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return []
  }
  return names.filter(name => name.startsWith(prefix)).map(name => path.join(parent, name))
}

function isLocalRemote(remoteUrl: string): boolean {
  return remoteUrl.startsWith('file://') || path.isAbsolute(remoteUrl)
}

export interface SyncConfigOptions {
  remoteUrl: string
  lfs: boolean
  platform: NodeJS.Platform
}

/**
 * Per-command settings beyond auth: no hooks and no fsmonitor command planted in .git/config by a
 * previous job run during our sync (the clone is shared by every job on the machine), the
 * platform's own needs, LFS filters only when asked for. Pure.
 */
export function syncConfigEntries(options: SyncConfigOptions): ConfigEntry[] {
  const entries: ConfigEntry[] = [
    { key: 'core.hooksPath', value: devNull },
    { key: 'core.fsmonitor', value: 'false' },
    ...platformConfigEntries(options.platform)
  ]
  // Relative submodule URLs of a local superproject are local too (tests, mirrors).
  if (isLocalRemote(options.remoteUrl))
    entries.push({ key: 'protocol.file.allow', value: 'always' })
  if (options.lfs) {
    entries.push(
      { key: 'filter.lfs.clean', value: 'git-lfs clean -- %f' },
      { key: 'filter.lfs.smudge', value: 'git-lfs smudge -- %f' },
      { key: 'filter.lfs.process', value: 'git-lfs filter-process' },
      { key: 'filter.lfs.required', value: 'true' }
    )
  }
  return entries
}

class Phases {
  readonly list: { name: string; ms: number }[] = []
  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      this.list.push({ name, ms: Math.round(performance.now() - start) })
    }
  }
}

/**
 * Brings the shared clone to the requested commit (§3). Called with the clone's lock held:
 * that is what makes removing stale partials and git lock files safe.
 */
export async function syncSharedClone(request: SyncRequest, logger: Logger): Promise<SyncResult> {
  const clonePath = path.resolve(request.clonePath)
  const partialPath = `${clonePath}${PARTIAL}${randomBytes(6).toString('hex')}`
  const secrets = tokenSecrets(request.token)
  const env = gitAuthEnv({
    serverUrl: request.serverUrl,
    token: request.token,
    safeDirectories: [clonePath, partialPath],
    baseEnv: request.env ?? process.env,
    extraConfig: syncConfigEntries({
      remoteUrl: request.remoteUrl,
      lfs: request.lfs,
      platform: request.platform ?? process.platform
    })
  })
  // LFS content is fetched explicitly below (or not at all): never by a smudge filter.
  env.GIT_LFS_SKIP_SMUDGE = '1'
  // refs/replace/* planted by an earlier job would swap the content of the commit we check out.
  env.GIT_NO_REPLACE_OBJECTS = '1'
  // Never let git wander up into a repository that contains the shared clone.
  env.GIT_CEILING_DIRECTORIES = path.dirname(clonePath)
  const ctx: GitContext = { env, secrets, onGitProcess: request.onGitProcess }
  const log: Logger = {
    info: m => logger.info(redact(m, secrets)),
    warning: m => logger.warning(redact(m, secrets)),
    notice: m => logger.notice(redact(m, secrets)),
    debug: m => logger.debug(redact(m, secrets))
  }
  const phases = new Phases()
  const repairs: string[] = []
  let movedAside: string | undefined

  let state: CloneState = await phases.run('inspect', () =>
    inspectClone(ctx, clonePath, request.remoteUrl)
  )
  if (state.kind === 'wrong-origin' || state.kind === 'corrupt' || state.kind === 'not-a-repo') {
    movedAside = moveAside(clonePath, state, log)
    state = { kind: 'missing' }
  }

  const cloned = state.kind === 'missing'
  const workDir = cloned ? partialPath : clonePath
  let shallow = state.kind === 'good' ? state.shallow : false
  let hasHistory = state.kind === 'good'
  if (cloned) {
    await phases.run('prepare', async () => {
      for (const stale of partialSiblings(clonePath)) {
        rmSync(stale, { recursive: true, force: true, maxRetries: 5 })
        log.info(`removed ${stale}, a clone that was interrupted before it completed`)
        repairs.push(stale)
      }
      if (existsSync(clonePath)) rmdirSync(clonePath) // empty directory: inspect said so
      mkdirSync(path.dirname(clonePath), { recursive: true })
      log.info(`cloning ${request.remoteUrl} into ${clonePath}`)
      await runGit(ctx, path.dirname(clonePath), ['init', '--quiet', partialPath])
      await runGit(ctx, partialPath, ['remote', 'add', REMOTE, request.remoteUrl])
    })
  } else {
    repairs.push(...removeStaleGitLocks(path.join(clonePath, '.git'), log))
    repairs.push(...(await phases.run('undo leftovers', () => undoLeftovers(ctx, clonePath, log))))
    const damaged = removeDamagedGitFiles(path.join(clonePath, '.git'), log)
    repairs.push(...damaged.removed)
    // Rebuild the index from HEAD before clean: without one, clean would see every file as
    // untracked. An unborn HEAD (128) has nothing to rebuild from.
    if (damaged.rebuildIndex)
      await runGit(ctx, clonePath, ['reset', '--quiet'], { okExitCodes: [128] })
  }

  try {
    const target = await phases.run('resolve-ref', () => resolveTarget(ctx, workDir, request))
    // An empty commit means "none" (inputs use '' for absent values).
    const commit = request.commit?.toLowerCase() || undefined
    const plan = planFetch({
      target,
      commit,
      fetchDepth: request.fetchDepth,
      fetchTags: request.fetchTags,
      shallow,
      hasHistory
    })
    let fetchedBytes: number | undefined
    const known = commit ?? (target.kind === 'commit' ? target.sha : undefined)
    const skip =
      known !== undefined &&
      !request.fetchTags &&
      !(shallow && request.fetchDepth === 0) &&
      (await hasCommit(ctx, workDir, known))
    if (skip) {
      log.info(`commit ${known} is already in the shared clone: nothing to fetch`)
    } else {
      await phases.run('fetch', async () => {
        log.info(
          `fetching ${plan.refspecs.join(' ')} ${plan.args.filter(a => a !== '--progress').join(' ')}`
        )
        const before = objectStoreBytes(path.join(workDir, '.git'))
        const out = await runGit(ctx, workDir, ['fetch', ...plan.args, REMOTE, ...plan.refspecs])
        fetchedBytes =
          parseTransferredBytes(out.stderr) ??
          Math.max(0, objectStoreBytes(path.join(workDir, '.git')) - before)
      })
    }
    shallow = existsSync(path.join(workDir, '.git', 'shallow'))
    hasHistory = true

    const sha = (
      await runGit(ctx, workDir, [
        'rev-parse',
        '--verify',
        '--end-of-options',
        `${plan.checkoutTarget}^{commit}`
      ])
    ).stdout.trim()

    if (cloned) {
      renameSync(partialPath, clonePath)
    }
    await phases.run('checkout', async () => {
      if (request.clean && !cloned) {
        await runGit(ctx, clonePath, ['clean', '-ffdx', '--quiet'])
        await runGit(ctx, clonePath, ['reset', '--hard', '--quiet', 'HEAD'], { okExitCodes: [128] })
      }
      await runGit(ctx, clonePath, ['checkout', '--force', '--quiet', '--detach', sha])
      log.info(`checked out ${sha}${plan.ref ? ` (${plan.ref})` : ''} in ${clonePath}`)
    })
    await phases.run('submodules', () => syncSubmodules(ctx, clonePath, request, log))
    if (request.lfs) await phases.run('lfs', () => syncLfs(ctx, clonePath, log))
    await phases.run('maintenance', () => maintain(ctx, clonePath))
    return {
      commit: sha,
      ref: plan.ref,
      cloned,
      movedAside,
      repairs,
      fetchedBytes,
      phases: phases.list
    }
  } catch (error) {
    if (cloned && existsSync(partialPath)) rmSync(partialPath, { recursive: true, force: true })
    throw error
  }
}

function moveAside(clonePath: string, state: CloneState, log: Logger): string {
  let destination = brokenPathFor(clonePath, new Date())
  for (let n = 2; existsSync(destination); n++)
    destination = `${brokenPathFor(clonePath, new Date())}-${n}`
  const why =
    state.kind === 'wrong-origin'
      ? `its origin is ${state.origin}, not the requested repository`
      : state.kind === 'corrupt' || state.kind === 'not-a-repo'
        ? state.reason
        : state.kind
  renameSync(clonePath, destination)
  log.warning(
    `${clonePath} cannot be used (${why}); moved it to ${destination} and cloning afresh. ` +
      `Delete ${destination} once you no longer need it.`
  )
  return destination
}

async function resolveTarget(
  ctx: GitContext,
  workDir: string,
  request: SyncRequest
): Promise<QualifiedRef> {
  const ref = request.ref ?? ''
  const query = remoteQueryFor(ref, request.commit)
  let remote = null
  if (query) {
    const out = await runGit(ctx, workDir, ['ls-remote', '--symref', REMOTE, ...query])
    remote = parseLsRemote(out.stdout)
  }
  const target = qualifyRef(ref, request.commit, remote)
  if (target) return target
  const tried = ref === '' ? ['HEAD'] : (query ?? [ref])
  throw new GitError(
    ['ls-remote', '--symref', REMOTE, ...(query ?? [])],
    workDir,
    0,
    '',
    undefined,
    unknownRefMessage(ref || '(default branch)', request.remoteUrl, tried)
  )
}

async function hasCommit(ctx: GitContext, workDir: string, sha: string): Promise<boolean> {
  const out = await runGit(ctx, workDir, ['cat-file', '-e', `${sha}^{commit}`], {
    okExitCodes: [1, 128]
  })
  return out.exitCode === 0
}

async function syncSubmodules(
  ctx: GitContext,
  clonePath: string,
  request: SyncRequest,
  log: Logger
): Promise<void> {
  const initialized = existsSync(path.join(clonePath, '.git', 'modules'))
  if (request.submodules === false) {
    // A previous job may have populated them; this job asked for none (like a fresh checkout).
    if (initialized && existsSync(path.join(clonePath, '.gitmodules'))) {
      await runGit(ctx, clonePath, ['submodule', 'deinit', '--all', '--force', '--quiet'])
    }
    return
  }
  if (!existsSync(path.join(clonePath, '.gitmodules'))) return
  const recursive = request.submodules === 'recursive' ? ['--recursive'] : []
  const depth = request.fetchDepth > 0 ? [`--depth=${request.fetchDepth}`] : []
  await runGit(ctx, clonePath, ['submodule', 'sync', '--quiet', ...recursive])
  await runGit(ctx, clonePath, ['submodule', 'update', '--init', '--force', ...recursive, ...depth])
  if (request.clean) {
    await runGit(ctx, clonePath, [
      'submodule',
      'foreach',
      '--quiet',
      ...recursive,
      'git clean -ffdx --quiet && git reset --hard --quiet HEAD'
    ])
  }
  log.info(`submodules updated${recursive.length ? ' recursively' : ''}`)
}

async function syncLfs(ctx: GitContext, clonePath: string, log: Logger): Promise<void> {
  try {
    await runGit(ctx, clonePath, ['lfs', 'version'])
  } catch (error) {
    throw new GitError(
      ['lfs', 'version'],
      clonePath,
      null,
      '',
      undefined,
      `lfs: true needs git-lfs, which is not installed on this runner (${(error as Error).message})`
    )
  }
  await runGit(ctx, clonePath, ['lfs', 'fetch', REMOTE, 'HEAD'])
  await runGit(ctx, clonePath, ['lfs', 'checkout'])
  log.info('LFS objects downloaded and checked out')
}

/** The per-command gc.auto=0 keeps gc out of fetch; run it once, in the foreground, under the lock. */
async function maintain(ctx: GitContext, clonePath: string): Promise<void> {
  const env = withConfigEntries(ctx.env, [
    { key: 'gc.auto', value: '6700' },
    { key: 'gc.autoDetach', value: 'false' }
  ])
  await runGit({ ...ctx, env }, clonePath, ['gc', '--auto', '--quiet'])
}
