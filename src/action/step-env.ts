/**
 * What main exports for the job's later steps through GITHUB_ENV (§1 persist-credentials,
 * set-safe-directory), and what post writes back so it stops working: GITHUB_ENV cannot unset
 * a variable. Everything travels as environment, never in the tree's config (§3.4). Pure.
 */
import { withConfigEntries, type ConfigEntry } from '../git/env.js'

export interface StepEnvironment {
  env: Record<string, string>
  restore: Record<string, string>
}

export function stepEnvironment(
  baseEnv: NodeJS.ProcessEnv,
  entries: readonly ConfigEntry[],
  extra: Record<string, string> = {}
): StepEnvironment {
  const full = { ...withConfigEntries(baseEnv, entries), ...extra }
  const env: Record<string, string> = {}
  const restore: Record<string, string> = {}
  if (entries.length === 0 && Object.keys(extra).length === 0) return { env, restore }
  for (const [name, value] of Object.entries(full)) {
    if (value === undefined || value === baseEnv[name]) continue
    env[name] = value
    // An empty GIT_CONFIG_COUNT is a fatal "bogus count" for git, an empty GIT_SSH_COMMAND an
    // empty command: restore a working value.
    restore[name] =
      name === 'GIT_CONFIG_COUNT'
        ? (baseEnv.GIT_CONFIG_COUNT ?? '0')
        : name === 'GIT_SSH_COMMAND'
          ? (baseEnv.GIT_SSH_COMMAND ?? 'ssh')
          : (baseEnv[name] ?? '')
  }
  return { env, restore }
}
