/**
 * Forces the lock's link-less creation path (SPEC §2.2 `O_CREAT|O_EXCL` fallback) in a test
 * process and in every process it starts: with LOCK_FORCE_LINKLESS=1 in the environment, the
 * hard-link call of src/lock/atomic.ts fails with EPERM, as exFAT answers it. The lock tests'
 * helpers and testkit/lock-holder.ts (holders and keepers) call `forceLinklessFromEnv()` at
 * load, so `LOCK_FORCE_LINKLESS=1 npx jest __tests__/unit/lock` runs the whole lock suite on
 * the fallback (bench/linkless-suite.sh runs it on a real exFAT mount instead).
 */
import { fileOps } from '../src/lock/atomic.js'

export const FORCE_LINKLESS_ENV = 'LOCK_FORCE_LINKLESS'

/** How many link calls were refused in this process (tests check the fallback really ran). */
export const refusedLinks = { count: 0 }

/** A link call that fails the way a filesystem without hard links fails it. */
export function refuseLink(): void {
  refusedLinks.count++
  throw Object.assign(new Error('EPERM: operation not permitted, link (forced link-less)'), {
    code: 'EPERM'
  })
}

/** True when the environment asks for the link-less path. */
export function linklessForced(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[FORCE_LINKLESS_ENV] === '1'
}

/** Replaces the link call when LOCK_FORCE_LINKLESS=1; returns whether it did. */
export function forceLinklessFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!linklessForced(env)) return false
  fileOps.link = refuseLink
  return true
}
