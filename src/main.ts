/**
 * The main step: validate inputs → take the lock → (warm from cache) → sync the shared clone →
 * outputs, summary, state for post. Every input is validated before anything on disk changes.
 */
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { readInputs, InputError, type ActionInputs } from './inputs.js'
import {
  acquireLock,
  releaseLock,
  describeHolder,
  lockPathFor,
  type AcquiredLock
} from './lock/index.js'
import {
  syncSharedClone,
  persistedCredentialEnv,
  tokenSecrets,
  type SyncResult
} from './git/index.js'
import { jobIdentityFromEnv } from './job.js'
import { State } from './state.js'
import { renderSummary, type PhaseTiming, type RunReport } from './summary.js'
import { actionLogger } from './action-logger.js'

export async function run(): Promise<void> {
  core.saveState(State.isPost, 'true')
  let inputs: ActionInputs
  try {
    inputs = readInputs(name => core.getInput(name), process.env, process.platform)
  } catch (error) {
    reportInputErrors(error)
    return
  }
  for (const secret of tokenSecrets(inputs.token)) core.setSecret(secret)

  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => cancel.abort(new Error(`received ${signal}`))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  const phases: PhaseTiming[] = []
  const lockFile = lockPathFor(inputs.clonePath)
  let lock: AcquiredLock | undefined
  try {
    lock = await timed(phases, 'wait for lock', () =>
      acquireLock({
        lockPath: lockFile,
        timeoutSeconds: inputs.lockTimeoutSeconds,
        holdFor: inputs.holdLock === 'job' ? 'job' : 'process',
        job: jobIdentityFromEnv(process.env),
        signal: cancel.signal,
        log: line => core.info(line),
        // Undocumented, for tests: how often a waiter reports the holder (default 60 s, §2.6).
        reportEveryMs: Number(process.env.SHARED_CHECKOUT_LOCK_REPORT_MS) || undefined,
        // Undocumented, for tests: the fallback poll (default 1 s); a long one proves wake-ups
        // come from notifications (§2.6).
        pollMs: Number(process.env.SHARED_CHECKOUT_LOCK_POLL_MS) || undefined
      })
    )
    // From here on post must be able to release, whatever happens next.
    core.saveState(State.lockFile, lock.lockPath)
    core.saveState(State.lockToken, lock.token)
    if (lock.keeperPid !== undefined) core.saveState(State.keeperPid, String(lock.keeperPid))
    if (lock.keeperStartTime) core.saveState(State.keeperStartTime, lock.keeperStartTime)

    const { sync, cacheHit, created } = await syncUnderLock(inputs, phases)
    publishOutputs(inputs, lock, sync, { cacheHit, created })
    await writeSummary({
      repository: inputs.repository,
      clonePath: inputs.clonePath,
      lockFile,
      holdLock: inputs.holdLock,
      lockWaitMs: lock.waitedMs,
      holderSeen: lock.holderSeen ? describeHolder(lock.holderSeen, Date.now()) : undefined,
      queuePosition: lock.queuePosition,
      ref: sync.ref || inputs.refInput,
      commit: sync.commit,
      cloned: created,
      cacheHit,
      fetchedBytes: sync.fetchedBytes,
      repairs: sync.repairs,
      movedAside: sync.movedAside,
      phases: [...phases, ...sync.phases]
    })
    if (inputs.holdLock === 'sync') await releaseNow(lock)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
    // A failed main frees the clone at once rather than at the end of the job (post then skips).
    if (lock)
      await releaseNow(lock).catch(e => core.warning(String(e instanceof Error ? e.message : e)))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function reportInputErrors(error: unknown): void {
  if (error instanceof InputError) {
    for (const problem of error.problems) core.error(problem)
    core.setFailed(error.message)
    return
  }
  core.setFailed(error instanceof Error ? error.message : String(error))
}

async function syncUnderLock(
  inputs: ActionInputs,
  phases: PhaseTiming[]
): Promise<{ sync: SyncResult; cacheHit: boolean | undefined; created: boolean }> {
  const logger = actionLogger()
  // §4: the cache is consulted only for a missing clone; its module loads only then.
  const consultCache = inputs.cache && !existsSync(inputs.clonePath)
  let cacheHit: boolean | undefined
  let exactCacheEntry = false
  const cache = consultCache ? await import('./cache/index.js') : undefined
  const cacheKey = cache?.deriveCacheKey({
    platform: process.platform,
    repositoryId: inputs.repositoryId,
    now: new Date(),
    prefix: inputs.cacheKey || undefined
  })
  if (cache && cacheKey) {
    const restored = await timed(phases, 'cache restore', () =>
      cache.restoreCloneFromCache({
        clonePath: inputs.clonePath,
        key: cacheKey.key,
        restoreKeys: cacheKey.restoreKeys,
        expectedRemote: inputs.remoteUrl,
        logger
      })
    )
    cacheHit = restored.hit
    exactCacheEntry = restored.matchedKey === cacheKey.key
  }

  const sync = await syncSharedClone(
    {
      clonePath: inputs.clonePath,
      remoteUrl: inputs.remoteUrl,
      serverUrl: inputs.serverUrl,
      token: inputs.token,
      ref: inputs.ref,
      commit: inputs.commit,
      fetchDepth: inputs.fetchDepth,
      fetchTags: inputs.fetchTags,
      clean: inputs.clean,
      submodules: inputs.submodules,
      lfs: inputs.lfs
    },
    logger
  )
  if (cacheHit === true && sync.cloned) cacheHit = false // restored archive was unusable

  // Saved under the lock, so no other job is modifying the clone (§4).
  if (cache && cacheKey && cacheHit !== undefined && !exactCacheEntry) {
    await timed(phases, 'cache save', () =>
      cache.saveCloneToCache({
        clonePath: inputs.clonePath,
        key: cacheKey.key,
        logger,
        secrets: tokenSecrets(inputs.token)
      })
    )
  }
  // `cloned` (§1): this run created the clone — from the network or from a cache archive.
  return { sync, cacheHit, created: sync.cloned || cacheHit === true }
}

function publishOutputs(
  inputs: ActionInputs,
  lock: AcquiredLock,
  sync: SyncResult,
  { cacheHit, created }: { cacheHit: boolean | undefined; created: boolean }
): void {
  core.setOutput('path', inputs.clonePath)
  core.setOutput('commit', sync.commit)
  // A bare SHA has no ref: the output echoes the input, as actions/checkout users expect.
  core.setOutput('ref', sync.ref || inputs.refInput)
  core.setOutput('lock-file', lock.lockPath)
  core.setOutput('lock-wait-seconds', (lock.waitedMs / 1000).toFixed(3))
  core.setOutput('cloned', String(created))
  core.setOutput('cache-hit', cacheHit === undefined ? '' : String(cacheHit))
  core.exportVariable('SHARED_CHECKOUT_PATH', inputs.clonePath)

  if (inputs.persistCredentials && inputs.token) {
    const persisted = persistedCredentialEnv({
      serverUrl: inputs.serverUrl,
      token: inputs.token,
      clonePath: inputs.clonePath,
      baseEnv: process.env
    })
    for (const [name, value] of Object.entries(persisted.env)) core.exportVariable(name, value)
    core.saveState(State.credentialRestore, JSON.stringify(persisted.restore))
  }
}

async function releaseNow(lock: AcquiredLock): Promise<void> {
  await releaseLock(lock.lockPath, lock.token, {
    keeperPid: lock.keeperPid,
    keeperStartTime: lock.keeperStartTime
  })
  core.saveState(State.lockReleased, 'true')
  core.info(`Released ${lock.lockPath}`)
}

async function writeSummary(report: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(renderSummary(report)).write()
}

async function timed<T>(phases: PhaseTiming[], name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    phases.push({ name, ms: performance.now() - started })
  }
}
