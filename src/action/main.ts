/**
 * The main step: inputs → checkout (tree lock, store, tree) → outputs, summary, state for post.
 * Every input is validated before anything on disk changes (§7). A failed or cancelled main
 * releases its tree at once (post then has nothing to do).
 */
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCheckout, type CheckoutResult, type CheckoutRuntime } from '../checkout/checkout.js'
import { authHeaderEntry, tokenSecrets, type ConfigEntry } from '../git/env.js'
import { describeHolder, releaseLock, type AcquiredLock } from '../lock/index.js'
import { InputError, type CheckoutOptions } from '../options/options.js'
import { readActionOptions } from './inputs.js'
import { jobIdentityFromEnv } from '../checkout/job.js'
import { actionLogger } from './logger.js'
import { mainState as stateOf } from './state.js'
import { stepEnvironment } from './step-env.js'
import { renderSummary } from './summary.js'
import * as core from './runner.js'

/** Machine settings and test knobs read from the environment (README "Machine settings"). */
export function runtimeTunables(
  env: NodeJS.ProcessEnv
): Pick<CheckoutRuntime, 'reportEveryMs' | 'pollMs' | 'stall' | 'retryDelaysMs'> {
  const number = (name: string): number | undefined => {
    const value = Number(env[name])
    return Number.isFinite(value) && value > 0 ? value : undefined
  }
  const delays = env.SHARED_CHECKOUT_RETRY_DELAYS_MS
  return {
    // How often a waiter reports the holder (default 60 s, §2.6) and polls (default 1 s).
    reportEveryMs: number('SHARED_CHECKOUT_LOCK_REPORT_MS'),
    pollMs: number('SHARED_CHECKOUT_LOCK_POLL_MS'),
    // A transfer under 1 KiB/s for this long is abandoned (§7).
    stall: { limitBytes: 1024, seconds: number('SHARED_CHECKOUT_STALL_SECONDS') ?? 60 },
    retryDelaysMs:
      delays !== undefined && /^\d+(,\d+)*$|^$/.test(delays)
        ? delays === ''
          ? []
          : delays.split(',').map(Number)
        : undefined
  }
}

/**
 * The keeper process runs the lock's own small bundle (dist/lock) when it is there, else this
 * bundle: it starts in a fraction of the time, and the job's tree is the keeper's to hold (§2).
 */
function keeperEntry(): string | undefined {
  const self = process.argv[1]
  if (!self) return undefined
  const lockBundle = path.join(path.dirname(self), '..', 'lock', 'index.js')
  return existsSync(lockBundle) ? lockBundle : self
}

const mainState = stateOf((name, value) => core.saveState(name, value))

export async function run(): Promise<void> {
  mainState.started()
  let options: CheckoutOptions
  try {
    options = readActionOptions()
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
    if (!(error instanceof InputError)) throw error
    return
  }
  for (const secret of tokenSecrets(options.token)) core.setSecret(secret)
  for (const line of options.sshKey.split('\n'))
    if (line.trim().length > 8) core.setSecret(line.trim())

  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => cancel.abort(new Error(`received ${signal}`))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  let held: { lock: AcquiredLock; tree: number } | undefined
  const log = actionLogger()
  try {
    const result = await runCheckout(options, {
      env: process.env,
      platform: process.platform,
      log,
      signal: cancel.signal,
      job: jobIdentityFromEnv(process.env),
      tempDir: process.env.RUNNER_TEMP || os.tmpdir(),
      keeperEntry: keeperEntry(),
      ...runtimeTunables(process.env),
      warmer: async layout => {
        // §4: the cache module (and its toolkit) loads only when a store is missing.
        if (existsSync(layout.store)) return undefined
        const cache = await import('../cache/index.js')
        return cache.createStoreWarmer({
          repo: options.repo,
          layout,
          platform: process.platform,
          prefix: options.cacheKey,
          now: new Date(),
          logger: log,
          secrets: tokenSecrets(options.token)
        })
      },
      onTreeHeld: (lock, tree, treeDir) => {
        held = { lock, tree }
        mainState.treeHeld({
          lockFile: lock.lockPath,
          token: lock.token,
          tree,
          dir: treeDir,
          root: options.root,
          repoDir: options.dir,
          keeperPid: lock.keeperPid,
          keeperStartTime: lock.keeperStartTime
        })
      },
      onProgress: options.showProgress ? text => process.stderr.write(text) : undefined,
      // Recorded before git runs: post removes the key even when main is killed (§1 ssh-key).
      onSshPrepared: directory => mainState.sshDirectory(directory)
    })
    // The keeper started while git worked; the lock is not the job's until it runs (§2).
    await result.lock.keeperReady
    publishOutputs(options, result)
    writeSummary(options, result)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
    if (held) await releaseAtOnce(held.lock, log.warning)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** A failed or cancelled main frees its tree now rather than at the end of the job. */
async function releaseAtOnce(lock: AcquiredLock, warn: (m: string) => void): Promise<void> {
  try {
    await releaseLock(lock.lockPath, lock.token, {
      keeperPid: lock.keeperPid,
      keeperStartTime: lock.keeperStartTime
    })
    mainState.released()
    core.info(`Released ${lock.lockPath}`)
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error))
  }
}

function publishOutputs(options: CheckoutOptions, result: CheckoutResult): void {
  core.setOutput('path', result.treeDir)
  core.setOutput('tree', String(result.tree))
  core.setOutput('commit', result.store.sha)
  // A bare SHA has no ref: the output echoes the input, as actions/checkout users expect.
  core.setOutput('ref', result.store.ref || options.refInput)
  core.setOutput('lock-file', result.lock.lockPath)
  core.setOutput('lock-wait-seconds', ((result.treeWaitMs + result.storeWaitMs) / 1000).toFixed(3))
  core.setOutput('cloned', String(result.store.created))
  core.setOutput(
    'cache-hit',
    result.store.cacheHit === undefined ? '' : String(result.store.cacheHit)
  )
  core.exportVariable('SHARED_CHECKOUT_PATH', result.treeDir)

  // Later steps of this job: credentials (persist-credentials) and trust of the tree
  // (set-safe-directory), as environment only (§3.4, §3.5); post takes them back.
  const entries: ConfigEntry[] = []
  const extra: Record<string, string> = {}
  if (options.setSafeDirectory) entries.push({ key: 'safe.directory', value: result.treeDir })
  if (options.persistCredentials) {
    if (result.ssh) extra.GIT_SSH_COMMAND = result.ssh.auth.command
    else if (options.token) entries.push(authHeaderEntry(options.serverUrl, options.token))
  }
  const step = stepEnvironment(process.env, entries, extra)
  for (const [name, value] of Object.entries(step.env)) core.exportVariable(name, value)
  if (Object.keys(step.restore).length > 0) mainState.envRestore(step.restore)
}

function writeSummary(options: CheckoutOptions, result: CheckoutResult): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const holder = result.lock.holderSeen
  core.appendSummary(
    renderSummary({
      repository: options.repository,
      tree: result.tree,
      treeDir: result.treeDir,
      lockFile: result.lock.lockPath,
      treeWaitMs: result.treeWaitMs,
      storeWaitMs: result.storeWaitMs,
      usedStoreLock: result.store.usedStoreLock || result.blobs?.usedStoreLock === true,
      holderSeen: holder ? describeHolder(holder, Date.now()) : undefined,
      queuePosition: result.lock.queuePosition,
      ref: result.store.ref || options.refInput,
      commit: result.store.sha,
      createdStore: result.store.created,
      cacheHit: result.store.cacheHit,
      fetchedBytes:
        result.blobs?.fetchedBytes === undefined
          ? result.store.fetchedBytes
          : (result.store.fetchedBytes ?? 0) + result.blobs.fetchedBytes,
      repairs: result.repairs,
      setAside: result.setAside,
      phases: result.phases
    })
  )
}
