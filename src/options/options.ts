/**
 * Every setting of a checkout, read from strings and validated before anything on disk changes
 * (§1, §7). The action reads them from its inputs (`name => core.getInput(name)`), the
 * `shared-checkout` command from its flags; both get the same defaults, the same checks and the
 * same messages, naming the input, the value and what is accepted. All problems are reported
 * together. No toolkit import.
 */
import os from 'node:os'
import { repoDirProblem } from '../repo/directory.js'
import { repoIdOf, type RepoId } from '../repo/identity.js'
import { layoutOf } from '../repo/layout.js'
import { PathInputError, resolveRepoDir, resolveRoot, type Platform } from '../repo/paths.js'
import {
  isFullSha,
  parseBoolean,
  parseCacheKey,
  parseFetchDepth,
  parseFilter,
  parseHoldLock,
  parseKnownHosts,
  parseLockTimeout,
  parseRef,
  parseRepository,
  parseServerUrl,
  parseSparseCheckout,
  parseSshKey,
  parseSshUser,
  parseSubmodules,
  parseToken,
  parseTrees,
  type Parsed,
  type SubmodulesMode
} from './parse.js'

export interface CheckoutOptions {
  /** `owner/name` as given (case kept, a trailing `.git` dropped). */
  repository: string
  repo: RepoId
  /** The `ref` input as given. */
  refInput: string
  /** Ref to fetch after §1's default; '' = `commit`, else the default branch. */
  ref: string
  /** Exact commit to check out (lower-case hex) or ''. */
  commit: string
  /** Secret: never put it in a message, argv or file (§3.4). */
  token: string
  /** Without a trailing slash. */
  serverUrl: string
  root: string
  /** The repository's directory: store, trees, locks (§3). */
  dir: string
  /** `dir` came from the `path` input rather than the default layout. */
  dirChosen: boolean
  trees: number
  holdLock: 'job'
  /** -1 = wait forever, 0 = one try, else seconds (decimals allowed). */
  lockTimeoutSeconds: number
  clean: boolean
  /** 0 = full history. */
  fetchDepth: number
  fetchTags: boolean
  submodules: SubmodulesMode
  lfs: boolean
  persistCredentials: boolean
  cache: boolean
  /** '' = derived by the cache module. */
  cacheKey: string
  /** Secret. '' = HTTPS with the token. */
  sshKey: string
  sshKnownHosts: string
  sshStrict: boolean
  sshUser: string
  /** [] = the whole tree. */
  sparseCheckout: string[]
  sparseCheckoutConeMode: boolean
  /** Partial-clone filter of the store, '' = none. */
  filter: string
  showProgress: boolean
  setSafeDirectory: boolean
}

/** The names of action.yml's inputs, in its order. */
export const INPUT_NAMES = [
  'repository',
  'ref',
  'token',
  'github-server-url',
  'path',
  'root',
  'trees',
  'hold-lock',
  'lock-timeout',
  'clean',
  'fetch-depth',
  'fetch-tags',
  'submodules',
  'lfs',
  'persist-credentials',
  'cache',
  'cache-key',
  'ssh-key',
  'ssh-known-hosts',
  'ssh-strict',
  'ssh-user',
  'sparse-checkout',
  'sparse-checkout-cone-mode',
  'filter',
  'show-progress',
  'set-safe-directory'
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/** Inputs whose values are secret: never quoted in a message. */
const SECRET_INPUTS: ReadonlySet<InputName> = new Set(['token', 'ssh-key'])

/**
 * Literal defaults of action.yml (a test keeps them equal). The runner applies them itself; they
 * are applied here again for an input passed explicitly empty, as reusable workflows do, and
 * for the command-line tool.
 */
export const LITERAL_DEFAULTS: Partial<Record<InputName, string>> = {
  trees: '1',
  'hold-lock': 'job',
  'lock-timeout': '-1',
  clean: 'true',
  'fetch-depth': '0',
  'fetch-tags': 'false',
  submodules: 'false',
  lfs: 'false',
  'persist-credentials': 'false',
  cache: 'true',
  'ssh-strict': 'true',
  'ssh-user': 'git',
  'sparse-checkout-cone-mode': 'true',
  'show-progress': 'true',
  'set-safe-directory': 'true'
}

export interface InputProblem {
  input: InputName
  message: string
}

/** One or more inputs are malformed: one line per bad input, each naming it. */
export class InputError extends Error {
  readonly problems: string[]
  constructor(readonly details: InputProblem[]) {
    super(details.map(p => p.message).join('\n'))
    this.name = 'InputError'
    this.problems = details.map(p => p.message)
  }
}

const MAX_SHOWN = 200

/** The value as it will be quoted in a message: JSON-escaped (control characters visible), capped. */
function shown(input: InputName, value: string): string {
  if (SECRET_INPUTS.has(input)) return '(hidden)'
  // A user and password written into the server URL are secrets too (§3.4).
  const visible =
    input === 'github-server-url' ? value.replace(/^([^:/?#]+:\/\/)[^/?#]*@/, '$1***@') : value
  const quoted = JSON.stringify(visible)
  return quoted.length > MAX_SHOWN
    ? `${quoted.slice(0, MAX_SHOWN)}…" (${visible.length} characters)`
    : quoted
}

export function problem(input: InputName, value: string, expected: string): InputProblem {
  return { input, message: `Input '${input}' is ${shown(input, value)}: ${expected}` }
}

export interface RefRequest {
  /** Ref to fetch: a branch, tag, `refs/...`, or '' for the remote's default branch. */
  ref: string
  /** Exact commit to check out, lower-case hex; '' = whatever `ref` points at. */
  commit: string
}

/**
 * Empty `ref` on the workflow's own repository (compared case-insensitively) means the
 * triggering commit (GITHUB_SHA, fetched through GITHUB_REF); on another repository, the remote's
 * default branch. A full SHA is a commit to check out, not a ref name. Same rules as
 * actions/checkout.
 */
export function resolveRefRequest(
  refInput: string,
  repository: string,
  env: Record<string, string | undefined>
): RefRequest {
  const ref = refInput.trim()
  if (isFullSha(ref)) return { ref: '', commit: ref.toLowerCase() }
  if (ref !== '') return { ref, commit: '' }
  const own = (env.GITHUB_REPOSITORY ?? '').toLowerCase()
  if (own === '' || own !== repository.toLowerCase()) return { ref: '', commit: '' }
  const sha = (env.GITHUB_SHA ?? '').toLowerCase()
  return { ref: env.GITHUB_REF ?? '', commit: isFullSha(sha) && !/^0+$/.test(sha) ? sha : '' }
}

export type OptionsResult =
  { ok: true; options: CheckoutOptions } | { ok: false; problems: InputProblem[] }

export interface ReadOptionsContext {
  env: Record<string, string | undefined>
  platform: Platform
  /** Default HOME (USERPROFILE on Windows), then the OS's idea of it. */
  homedir?: string
  /** Look at the repository's directory on disk (read only) for conflicts; default true. */
  inspectDisk?: boolean
}

/** Parses every setting; never throws for bad values (see `readCheckoutOptions`). */
export function parseCheckoutOptions(
  getInput: (name: InputName) => string,
  context: ReadOptionsContext
): OptionsResult {
  const { env, platform } = context
  const homedir =
    context.homedir ?? ((platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir())
  const problems: InputProblem[] = []
  const raw = (name: InputName): string => {
    const value =
      name === 'ssh-key' || name === 'ssh-known-hosts' || name === 'sparse-checkout'
        ? (getInput(name) ?? '')
        : (getInput(name) ?? '').trim()
    return value.trim() === '' ? (LITERAL_DEFAULTS[name] ?? '') : value
  }
  function take<T>(
    name: InputName,
    parse: (v: string) => Parsed<T>,
    fallback: T,
    value = raw(name)
  ): T {
    const parsed = parse(value)
    if (parsed.ok) return parsed.value
    problems.push(problem(name, value, parsed.expected))
    return fallback
  }

  const repositoryValue = raw('repository') || (env.GITHUB_REPOSITORY ?? '')
  const repository = take('repository', parseRepository, '', repositoryValue)
  const refInput = take('ref', parseRef, '')
  const token = take('token', parseToken, '')
  const serverUrl = take(
    'github-server-url',
    parseServerUrl,
    '',
    raw('github-server-url') || env.GITHUB_SERVER_URL || 'https://github.com'
  )
  const trees = take('trees', parseTrees, 1)
  const holdLock = take('hold-lock', parseHoldLock, 'job' as const)
  const lockTimeoutSeconds = take('lock-timeout', parseLockTimeout, -1)
  const clean = take('clean', parseBoolean, true)
  const fetchDepth = take('fetch-depth', parseFetchDepth, 0)
  const fetchTags = take('fetch-tags', parseBoolean, false)
  const submodules = take('submodules', parseSubmodules, false as SubmodulesMode)
  const lfs = take('lfs', parseBoolean, false)
  const persistCredentials = take('persist-credentials', parseBoolean, false)
  const cache = take('cache', parseBoolean, true)
  const cacheKey = take('cache-key', parseCacheKey, '')
  const sshKey = take('ssh-key', parseSshKey, '')
  const sshKnownHosts = take('ssh-known-hosts', parseKnownHosts, '')
  const sshStrict = take('ssh-strict', parseBoolean, true)
  const sshUser = take('ssh-user', parseSshUser, 'git')
  const sparseCheckout = take('sparse-checkout', parseSparseCheckout, [] as string[])
  const sparseCheckoutConeMode = take('sparse-checkout-cone-mode', parseBoolean, true)
  if (sparseCheckoutConeMode) {
    const bad = sparseCheckout.find(p => /[*?[\]\\!]/.test(p) || p.startsWith('/'))
    if (bad !== undefined)
      problems.push(
        problem(
          'sparse-checkout',
          bad,
          "in cone mode each line is a directory (no leading '/', no * ? [ ] \\ !); set sparse-checkout-cone-mode: false for patterns"
        )
      )
  }
  const filter = take('filter', parseFilter, '')
  const showProgress = take('show-progress', parseBoolean, true)
  const setSafeDirectory = take('set-safe-directory', parseBoolean, true)

  let root = ''
  let dir = ''
  let repo: RepoId | undefined
  const pathInput = raw('path')
  try {
    root = resolveRoot({ platform, rootInput: raw('root'), env, homedir })
  } catch (error) {
    problems.push(pathProblem(error))
  }
  if (repository && serverUrl) {
    repo = repoIdOf(serverUrl, repository)
    if (root) {
      try {
        dir = resolveRepoDir({ platform, root, pathInput, repo, homedir })
      } catch (error) {
        problems.push(pathProblem(error))
      }
    }
  }
  if (repo && dir && context.inspectDisk !== false) {
    const why = repoDirProblem(layoutOf(dir), repo.key, { userChosen: pathInput !== '', root })
    if (why) problems.push(problem('path', pathInput || dir, why))
  }

  if (problems.length > 0 || !repo) return { ok: false, problems }
  return {
    ok: true,
    options: {
      repository,
      repo,
      refInput,
      ...resolveRefRequest(refInput, repository, env),
      token,
      serverUrl,
      root,
      dir,
      dirChosen: pathInput !== '',
      trees,
      holdLock,
      lockTimeoutSeconds,
      clean,
      fetchDepth,
      fetchTags,
      submodules,
      lfs,
      persistCredentials,
      cache,
      cacheKey,
      sshKey,
      sshKnownHosts,
      sshStrict,
      sshUser,
      sparseCheckout,
      sparseCheckoutConeMode,
      filter,
      showProgress,
      setSafeDirectory
    }
  }
}

function pathProblem(error: unknown): InputProblem {
  if (error instanceof PathInputError) return { input: error.input, message: error.message }
  throw error
}

/** `parseCheckoutOptions`, throwing one `InputError` that lists every bad input. */
export function readCheckoutOptions(
  getInput: (name: InputName) => string,
  context: ReadOptionsContext
): CheckoutOptions {
  const result = parseCheckoutOptions(getInput, context)
  if (!result.ok) throw new InputError(result.problems)
  return result.options
}
