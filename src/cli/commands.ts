/**
 * `shared-checkout checkout` and `release`: what the action's main and post steps do, for any
 * CI system's shell steps (GitLab, Jenkins, Buildkite) sharing the same stores and trees as the
 * action on one machine (§6). The tree is held by the calling process's parent — the shell
 * that ran the command — until `release`, or until that shell exits (the keeper then releases).
 */
import path from 'node:path'
import os from 'node:os'
import { runCheckout } from '../checkout/checkout.js'
import { jobIdentityFromEnv } from '../checkout/job.js'
import {
  describeHolder,
  LockLostError,
  readLockHolder,
  releaseLock,
  type LockRecord
} from '../lock/index.js'
import type { Logger } from '../logger.js'
import { INPUT_NAMES, readCheckoutOptions, type InputName } from '../options/options.js'
import { endProcessesIn } from '../process/sweep.js'
import { layoutOf } from '../repo/layout.js'
import { callerShellPid } from './anchor.js'
import { parseArgs, UsageError } from './args.js'

export const CHECKOUT_FLAGS: readonly InputName[] = INPUT_NAMES.filter(
  name =>
    !['token', 'ssh-key', 'hold-lock', 'persist-credentials', 'set-safe-directory'].includes(name)
)
const CHECKOUT_BOOLEANS = [
  'clean',
  'fetch-tags',
  'lfs',
  'cache',
  'ssh-strict',
  'sparse-checkout-cone-mode',
  'show-progress'
]

export interface CommandContext {
  argv: string[]
  env: NodeJS.ProcessEnv
  /** Results (a path, JSON). */
  out: (line: string) => void
  log: Logger
  signal: AbortSignal
  /** The entry the keeper process runs (this CLI's bundle). */
  keeperEntry: string
  keeperExecArgv: string[]
}

export async function checkoutCommand(context: CommandContext): Promise<void> {
  const { flags } = parseArgs(context.argv, {
    values: [...CHECKOUT_FLAGS.filter(name => !CHECKOUT_BOOLEANS.includes(name)), 'anchor-pid'],
    booleans: [...CHECKOUT_BOOLEANS, 'json']
  })
  const anchorPid = anchorPidOf(flags.get('anchor-pid'))
  const env = context.env
  const token = env.SHARED_CHECKOUT_TOKEN || env.GITHUB_TOKEN || ''
  // Outside GitHub Actions there is no triggering commit: an empty ref is the default branch.
  const options = readCheckoutOptions(
    name =>
      name === 'token'
        ? token
        : name === 'ssh-key'
          ? (env.SHARED_CHECKOUT_SSH_KEY ?? '')
          : (flags.get(name) ?? ''),
    {
      env: { ...env, GITHUB_REPOSITORY: env.GITHUB_ACTIONS ? env.GITHUB_REPOSITORY : '' },
      platform: process.platform
    }
  )
  const result = await runCheckout(options, {
    env,
    platform: process.platform,
    log: context.log,
    signal: context.signal,
    job: jobIdentityFromEnv(env),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    keeperEntry: context.keeperEntry,
    keeperExecArgv: context.keeperExecArgv,
    jobAnchorPid: anchorPid,
    stall: { limitBytes: 1024, seconds: Number(env.SHARED_CHECKOUT_STALL_SECONDS) || 60 }
  })
  await result.lock.keeperReady
  if (flags.get('json') === 'true') {
    context.out(
      JSON.stringify({
        path: result.treeDir,
        tree: result.tree,
        commit: result.store.sha,
        ref: result.store.ref || options.refInput,
        lockFile: result.lock.lockPath,
        token: result.lock.token,
        lockWaitSeconds: Number(((result.treeWaitMs + result.storeWaitMs) / 1000).toFixed(3)),
        cloned: result.store.created
      })
    )
  } else context.out(result.treeDir)
}

/** The lock of a tree directory `<dir>/trees/<n>`, or a usage error. Pure. */
export function treeLockOf(treeDir: string): { lockFile: string; tree: number } {
  const resolved = path.resolve(treeDir)
  const tree = Number(path.basename(resolved))
  const trees = path.dirname(resolved)
  if (!Number.isInteger(tree) || tree < 1 || path.basename(trees) !== 'trees')
    throw new UsageError(
      `--path ${treeDir}: expected a working tree, <repository directory>/trees/<n>`
    )
  return { lockFile: layoutOf(path.dirname(trees)).treeLock(tree), tree }
}

/** `--anchor-pid`, or the calling shell (subshells of `$(…)` skipped). */
export function anchorPidOf(flag: string | undefined): number {
  if (flag === undefined) return callerShellPid()
  if (!/^[1-9]\d{0,9}$/.test(flag))
    throw new UsageError(
      `--anchor-pid ${JSON.stringify(flag)}: expected a process id, e.g. $$ (the shell's)`
    )
  return Number(flag)
}

/**
 * Is the lock held by the shell that runs us (the job anchor `checkout` recorded)? A shell
 * runs the last command of a script in its own place (exec): that command has the shell's PID.
 */
function heldByOurShell(record: LockRecord): boolean {
  const shells = [callerShellPid(), process.pid]
  return record.owners.some(owner => owner.role === 'job-anchor' && shells.includes(owner.pid))
}

export async function releaseCommand(context: CommandContext): Promise<void> {
  const { flags } = parseArgs(context.argv, { values: ['path', 'token'], booleans: [] })
  const treeDir = flags.get('path') ?? context.env.SHARED_CHECKOUT_PATH
  if (!treeDir) throw new UsageError('release needs --path <tree> (or SHARED_CHECKOUT_PATH)')
  const { lockFile, tree } = treeLockOf(treeDir)
  let token = flags.get('token')
  if (!token) {
    const holder = await readLockHolder(lockFile)
    if (!holder) throw new LockLostError(lockFile, undefined)
    if (!heldByOurShell(holder))
      throw new UsageError(
        `tree ${tree} (${lockFile}) is held by ${describeHolder(holder, Date.now())}, not by this shell (${callerShellPid()}); release it from the shell that ran checkout, or pass --token from checkout --json`
      )
    token = holder.token
  }
  await endProcessesIn(path.resolve(treeDir), {
    log: line => context.log.info(line),
    what: `tree ${tree}`
  })
  await releaseLock(lockFile, token)
  context.log.info(`released tree ${tree} (${lockFile})`)
}
