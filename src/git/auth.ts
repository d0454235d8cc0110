/** One `git -c key=value` setting, delivered through the environment instead of argv (§3.4). */
export interface ConfigEntry {
  key: string
  value: string
}

/** Basic credentials the way GitHub expects a token over HTTPS. */
export function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')
}

/** `http.<server>/.extraheader` scoped to the server, like actions/checkout. */
export function authHeaderEntry(serverUrl: string, token: string): ConfigEntry {
  return {
    key: `http.${serverOrigin(serverUrl)}/.extraheader`,
    value: `AUTHORIZATION: basic ${basicCredential(token)}`
  }
}

/** `https://github.com/` and `https://github.com` scope the same; strip path, query, credentials. */
export function serverOrigin(serverUrl: string): string {
  const url = new URL(serverUrl)
  return `${url.protocol}//${url.host}`
}

/** Every form in which the token could leak into output: redact all of them. */
export function tokenSecrets(token: string | undefined): string[] {
  if (!token) return []
  return [token, basicCredential(token)]
}

/**
 * Appends config entries to the env's GIT_CONFIG_COUNT list, keeping entries a caller (or
 * the runner) already put there rather than clobbering them. Pure.
 */
export function withConfigEntries(
  baseEnv: NodeJS.ProcessEnv,
  entries: readonly ConfigEntry[]
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...baseEnv }
  const existing = Number.parseInt(baseEnv.GIT_CONFIG_COUNT ?? '0', 10)
  let count = Number.isFinite(existing) && existing > 0 ? existing : 0
  for (const entry of entries) {
    env[`GIT_CONFIG_KEY_${count}`] = entry.key
    env[`GIT_CONFIG_VALUE_${count}`] = entry.value
    count++
  }
  env.GIT_CONFIG_COUNT = String(count)
  return env
}

export interface GitAuthEnvOptions {
  serverUrl: string
  token?: string
  /** Directories git must trust even when another user owns them (§3.5). */
  safeDirectories: readonly string[]
  baseEnv: NodeJS.ProcessEnv
  /** Further per-command settings (e.g. LFS filters, file transport in tests). */
  extraConfig?: readonly ConfigEntry[]
}

/**
 * The environment for every git process of a sync: auth header and safe.directory as
 * command-scope config (§3.4, §3.5: never argv, never a config file), no prompts, protocol v2,
 * no automatic gc in the middle of a sync (it runs once, explicitly, at the end).
 */
export function gitAuthEnv(options: GitAuthEnvOptions): NodeJS.ProcessEnv {
  const entries: ConfigEntry[] = [
    { key: 'protocol.version', value: '2' },
    { key: 'gc.auto', value: '0' },
    { key: 'maintenance.auto', value: 'false' }
  ]
  for (const dir of options.safeDirectories) entries.push({ key: 'safe.directory', value: dir })
  if (options.token) entries.push(authHeaderEntry(options.serverUrl, options.token))
  entries.push(...(options.extraConfig ?? []))
  const env = withConfigEntries(options.baseEnv, entries)
  env.GIT_TERMINAL_PROMPT = '0'
  env.GCM_INTERACTIVE = 'never'
  // Empty askpass stops git from falling back to core.askPass: nothing may prompt a job.
  env.GIT_ASKPASS = ''
  env.SSH_ASKPASS = ''
  return env
}

export interface PersistedCredentials {
  /** Assignments for later steps of this job (the action writes them through GITHUB_ENV). */
  env: Record<string, string>
  /** What post writes back so the credentials stop working (GITHUB_ENV cannot unset). */
  restore: Record<string, string>
  /** Names that carry the secret (for masking / bookkeeping). */
  names: string[]
}

/**
 * persist-credentials: true (§1) — auth for later steps through their environment, never
 * the shared clone's config (§3.4). Appends to the current GIT_CONFIG_COUNT list.
 */
export function persistedCredentialEnv(options: {
  serverUrl: string
  token: string
  clonePath: string
  baseEnv?: NodeJS.ProcessEnv
}): PersistedCredentials {
  const baseEnv = options.baseEnv ?? process.env
  const full = withConfigEntries(baseEnv, [
    authHeaderEntry(options.serverUrl, options.token),
    { key: 'safe.directory', value: options.clonePath }
  ])
  const env: Record<string, string> = {}
  const names: string[] = []
  for (const [name, value] of Object.entries(full)) {
    if (value !== undefined && value !== baseEnv[name]) {
      env[name] = value
      names.push(name)
    }
  }
  const restore: Record<string, string> = {}
  for (const name of names) {
    // An empty GIT_CONFIG_COUNT is a fatal "bogus count" for git: restore a number.
    restore[name] = name === 'GIT_CONFIG_COUNT' ? (baseEnv.GIT_CONFIG_COUNT ?? '0') : ''
  }
  return { env, restore, names }
}
