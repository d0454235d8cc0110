/**
 * The post step (runs even when the job failed or was cancelled): release the lock if main
 * still holds it — only if our token is still in it (SPEC §2.5) — stop the keeper, and drop the
 * credentials persisted for the job's steps.
 */
import * as core from '@actions/core'
import { releaseLock, LockLostError } from './lock/index.js'
import { State } from './state.js'

export async function run(): Promise<void> {
  clearPersistedCredentials()
  const lockFile = core.getState(State.lockFile)
  const token = core.getState(State.lockToken)
  if (!lockFile || !token) {
    core.info('Shared Checkout: main took no lock; nothing to release.')
    return
  }
  if (core.getState(State.lockReleased) === 'true') {
    core.info(`Shared Checkout: ${lockFile} was already released by the main step.`)
    return
  }
  const keeperPid = Number(core.getState(State.keeperPid)) || undefined
  const keeperStartTime = core.getState(State.keeperStartTime) || undefined
  try {
    await releaseLock(lockFile, token, { keeperPid, keeperStartTime })
    core.info(`Released ${lockFile}`)
  } catch (error) {
    if (error instanceof LockLostError) {
      core.setFailed(
        `The lock ${lockFile} was taken from this job while it ran: ${error.message} ` +
          'Another job may have used the shared clone at the same time as this one; treat this run as suspect.'
      )
      return
    }
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/**
 * persist-credentials: GITHUB_ENV cannot unset a variable, so post overwrites each one main
 * exported with a value that switches it off (an empty header, the job's own GIT_CONFIG_COUNT).
 */
function clearPersistedCredentials(): void {
  const saved = core.getState(State.credentialRestore)
  if (!saved) return
  const restore = JSON.parse(saved) as Record<string, string>
  for (const [name, value] of Object.entries(restore)) core.exportVariable(name, value)
  core.info('Shared Checkout: removed the credentials persisted for this job.')
}
