/**
 * The environments git runs in (§3.4, §3.5). Pure: the base environment is a parameter.
 *
 * - Every git process gets a *local* environment: the job's environment without anything
 *   secret (inputs, runner credentials, tokens, credentials persisted for the job's own steps)
 *   and without variables that point git at another repository, plus command-scope settings
 *   that keep code a job may have planted from running (hooks, fsmonitor) and trust the
 *   directories it works in (`safe.directory` per command, never in a config file).
 * - Only the processes that talk to the remote add credentials: the auth header scoped to the
 *   server, or the SSH command with the job's key — through GIT_CONFIG_* variables, never argv.
 */
import { devNull } from 'node:os'

/** One `git -c key=value` setting, delivered through the environment instead of argv (§3.4). */
export interface ConfigEntry {
  key: string
  value: string
}

/** Names never handed to a git process (or any helper process that does not need them). */
export function isSecretVariable(name: string): boolean {
  return (
    /^(INPUT_|ACTIONS_|STATE_)/i.test(name) ||
    /^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)$/.test(name) ||
    [
      'GITHUB_TOKEN',
      'GH_TOKEN',
      'SHARED_CHECKOUT_TOKEN',
      'GIT_SSH_COMMAND',
      'GIT_SSH',
      'GIT_ASKPASS',
      'SSH_ASKPASS',
      'SSH_AUTH_SOCK'
    ].includes(name)
  )
}

/** Variables that would make git use another repository, index or object store than we say. */
const REDIRECTING = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_REPLACE_REF_BASE',
  'GIT_SHALLOW_FILE',
  'GIT_QUARANTINE_PATH',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
  'GIT_EXTERNAL_DIFF',
  'GIT_PAGER',
  'GIT_EDITOR',
  'GIT_TRACE',
  'GIT_TRACE_PACKET',
  'GIT_TRACE_CURL',
  'GIT_CURL_VERBOSE'
]

/** The environment without secrets and redirections: the start of every child's environment. */
export function withoutSecrets(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isSecretVariable(name) || REDIRECTING.includes(name)) continue
    env[name] = value
  }
  return env
}

/** Appends entries to the env's GIT_CONFIG_COUNT list, keeping what is there. Pure. */
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

export interface LocalEnvOptions {
  /** Directories git must trust even when another user owns them (§3.5); empty: none. */
  safeDirectories: readonly string[]
  /** git never looks for a repository above this directory. */
  ceiling: string
  /** Settings a platform needs on every command (platform.ts). */
  platformConfig?: readonly ConfigEntry[]
  /** Local file:// remotes (tests, mirrors) and their relative submodules. */
  allowFileProtocol?: boolean
}

/**
 * The environment of a git process that does not talk to the remote. Hooks and fsmonitor are
 * off for the action's own commands whatever a config says (defence in depth: the configs are
 * rewritten anyway, §3.6); replace refs are ignored; LFS content is fetched explicitly.
 */
export function localGitEnv(base: NodeJS.ProcessEnv, options: LocalEnvOptions): NodeJS.ProcessEnv {
  const entries: ConfigEntry[] = [
    { key: 'core.hooksPath', value: devNull },
    { key: 'core.fsmonitor', value: 'false' },
    { key: 'gc.auto', value: '0' },
    { key: 'maintenance.auto', value: 'false' },
    { key: 'advice.detachedHead', value: 'false' },
    ...options.safeDirectories.map(dir => ({ key: 'safe.directory', value: dir })),
    ...(options.platformConfig ?? [])
  ]
  if (options.allowFileProtocol) entries.push({ key: 'protocol.file.allow', value: 'always' })
  const env = withConfigEntries(withoutSecrets(base), entries)
  env.GIT_TERMINAL_PROMPT = '0'
  env.GCM_INTERACTIVE = 'never'
  // Empty askpass stops git from falling back to core.askPass: nothing may prompt a job.
  env.GIT_ASKPASS = ''
  env.SSH_ASKPASS = ''
  env.GIT_NO_REPLACE_OBJECTS = '1'
  env.GIT_LFS_SKIP_SMUDGE = '1'
  env.GIT_CEILING_DIRECTORIES = options.ceiling
  // The runner user's global config is writable by every job (`git config --global`): a
  // filter, an attributes file or a url rewrite planted there would reach the next job's
  // fetch and checkout (§3.6). The action's own commands read the system config (the machine
  // owner's: proxies, CAs) and their own settings only.
  env.GIT_CONFIG_GLOBAL = devNull
  return env
}

/** Basic credentials the way GitHub expects a token over HTTPS. */
export function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')
}

/** `https://github.com/` and `https://github.com` scope the same; path and credentials stripped. */
export function serverOrigin(serverUrl: string): string {
  const url = new URL(serverUrl)
  return `${url.protocol}//${url.host}`
}

/** `http.<server>/.extraheader` scoped to the server, like actions/checkout. */
export function authHeaderEntry(serverUrl: string, token: string): ConfigEntry {
  return {
    key: `http.${serverOrigin(serverUrl)}/.extraheader`,
    value: `AUTHORIZATION: basic ${basicCredential(token)}`
  }
}

/** Every form in which the token could leak into output: redact all of them. */
export function tokenSecrets(token: string | undefined): string[] {
  if (!token) return []
  return [token, basicCredential(token)]
}

/** How a process reaches the remote. */
export type RemoteAuth =
  | { kind: 'token'; serverUrl: string; token: string }
  | { kind: 'ssh'; command: string }
  | { kind: 'none' }

/** A transfer slower than `limitBytes` per second for `seconds` is abandoned (§7). */
export interface StallLimit {
  limitBytes: number
  seconds: number
}

/** The environment of a git process that talks to the remote: local env + credentials. Pure. */
export function remoteGitEnv(
  local: NodeJS.ProcessEnv,
  auth: RemoteAuth,
  stall: StallLimit
): NodeJS.ProcessEnv {
  const entries: ConfigEntry[] = [
    { key: 'protocol.version', value: '2' },
    { key: 'http.lowSpeedLimit', value: String(stall.limitBytes) },
    { key: 'http.lowSpeedTime', value: String(stall.seconds) }
  ]
  if (auth.kind === 'token') entries.push(authHeaderEntry(auth.serverUrl, auth.token))
  const env = withConfigEntries(local, entries)
  if (auth.kind === 'ssh') env.GIT_SSH_COMMAND = auth.command
  return env
}
