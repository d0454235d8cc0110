/**
 * The post step (runs even when the job failed or was cancelled): take back what main exported
 * for later steps, remove the SSH key files, end what the job left running in its tree (§3.8),
 * and release the tree — only if this job's token is still in its lock (§2.5). Then, off the
 * job's critical path, the machine's housekeeping (§6): maintain this repository's store when
 * it is due, within a small budget, and evict what nobody uses, at most once an hour.
 *
 * Post loads no toolkit (runner.ts writes the few runner commands it needs): it runs in every
 * job, and loading the toolkit was most of its time.
 */
import { jobIdentityFromEnv } from '../checkout/job.js'
import { removeSshFiles } from '../git/ssh.js'
import { LockLostError, releaseLock } from '../lock/index.js'
import type { Logger } from '../logger.js'
import { endProcessesIn } from '../process/sweep.js'
import { layoutOf } from '../repo/layout.js'
import { exportVariable, info, setFailed, warning } from './runner.js'
import { readPostState, type HeldTree } from './state.js'

const log: Logger = {
  info,
  warning,
  notice: info,
  debug: () => undefined
}

/** Seconds of store maintenance a post step may spend (machine setting; 0 turns it off). */
export function maintenanceBudgetMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.SHARED_CHECKOUT_MAINTENANCE_SECONDS ?? '20')
  return Number.isFinite(value) && value >= 0 ? value * 1000 : 20_000
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const state = readPostState(env)
  if (state.envRestore) {
    for (const [name, value] of Object.entries(state.envRestore)) exportVariable(name, value)
    info('Shared Checkout: took back the credentials and settings exported for this job.')
  }
  if (state.sshDirectory) removeSshFiles(state.sshDirectory)
  const held = state.heldTree
  if (!held) {
    info('Shared Checkout: main took no tree; nothing to release.')
    return
  }
  if (state.released) {
    info(`Shared Checkout: ${held.lockFile} was already released by the main step.`)
  } else if (!(await releaseTree(held))) return
  await housekeeping(held, env)
}

async function releaseTree(held: HeldTree): Promise<boolean> {
  try {
    await endProcessesIn(held.dir, { log: line => info(line), what: `tree ${held.tree}` })
    await releaseLock(held.lockFile, held.token, {
      keeperPid: held.keeperPid,
      keeperStartTime: held.keeperStartTime
    })
    info(`Released tree ${held.tree} (${held.lockFile})`)
    return true
  } catch (error) {
    setFailed(
      error instanceof LockLostError
        ? `${error.message} Another job may have used tree ${held.tree} at the same time as this one; treat this run as suspect.`
        : error instanceof Error
          ? error.message
          : String(error)
    )
    return false
  }
}

/** Never fails the job: problems are warnings (the fleet functions do not throw). */
async function housekeeping(held: HeldTree, env: NodeJS.ProcessEnv): Promise<void> {
  if (!held.repoDir || !held.root) return
  const job = jobIdentityFromEnv(env)
  const budgetMs = maintenanceBudgetMs(env)
  const { maintainIfDue } = await import('../fleet/maintain.js')
  if (budgetMs > 0) await maintainIfDue(layoutOf(held.repoDir), { budgetMs, log, job })
  const { evictIfDue } = await import('../fleet/schedule.js')
  await evictIfDue(held.root, { log, job, env })
}
