/**
 * The environment of the processes the lock starts (the keeper, identity commands such as ps or
 * PowerShell): the caller's, without secrets (issue 12.4). A keeper lives for the whole job and
 * needs none of them: not the action's inputs (the token), the runner's ACTIONS_* credentials,
 * saved state, tokens, git's credential-carrying config or SSH agent access.
 *
 * RUNNER_TRACKING_ID stays: the runner ends every process that carries it when the job ends,
 * which is what bounds the keeper's life to the job (§2 facts).
 */

/** Prefixes of names that are dropped (upper-cased; Windows names are case-insensitive). */
const SECRET_PREFIXES = ['INPUT_', 'ACTIONS_', 'STATE_', 'GIT_CONFIG_KEY_', 'GIT_CONFIG_VALUE_']

/** Whole names that are dropped. */
const SECRET_NAMES = new Set([
  'GITHUB_TOKEN',
  'SHARED_CHECKOUT_TOKEN',
  'GIT_CONFIG_COUNT',
  // `git -c` passes its settings (an extraheader, say) to child gits through this one.
  'GIT_CONFIG_PARAMETERS',
  'GIT_SSH_COMMAND',
  'SSH_AUTH_SOCK'
])

/** Pure: true when a variable of this name must not reach a process the lock starts. */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase()
  return SECRET_NAMES.has(upper) || SECRET_PREFIXES.some(prefix => upper.startsWith(prefix))
}

/** Pure: `base` without secret variables, plus `extra`. */
export function withoutSecrets(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string> = {}
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(base)) {
    if (!isSecretVariable(name)) env[name] = value
  }
  return { ...env, ...extra }
}
