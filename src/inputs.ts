/**
 * Every input of action.yml, parsed and validated before anything touches disk (SPEC §1).
 * Inputs arrive as strings; each bad one yields a problem naming the input, the value and what
 * is accepted, and all problems are reported together. No toolkit import: the glue passes
 * `name => core.getInput(name)`.
 */
import os from 'node:os'
import {
  PathInputError,
  repositoryIdentity,
  resolveClonePath,
  resolveRoot,
  type Platform,
  type RepositoryIdentity
} from './paths.js'

export type HoldLock = 'job' | 'sync'
/** `false`: none; `true`: first level; `recursive`: all levels (as in actions/checkout). */
export type SubmodulesMode = false | true | 'recursive'

export interface ActionInputs {
  /** `owner/name` as given (case kept, a trailing `.git` dropped). */
  repository: string
  identity: RepositoryIdentity
  /** Host-independent identity, `github.com/owner/name` lower-cased (cache keys): identity.key. */
  repositoryId: string
  /** What `origin` must be: `<server>/<owner>/<name>`, no credentials. */
  remoteUrl: string
  /** The `ref` input as given. */
  refInput: string
  /** Ref to fetch after SPEC §1's default (`resolveRefRequest`); '' = `commit`, else the default branch. */
  ref: string
  /** Exact commit to check out (lower-case hex) or ''. */
  commit: string
  /** Secret: never put it in a message, argv or file (§3.4). */
  token: string
  /** Without a trailing slash. */
  serverUrl: string
  root: string
  clonePath: string
  holdLock: HoldLock
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
}

/** The names of action.yml's inputs, in its order. */
export const INPUT_NAMES = [
  'repository',
  'ref',
  'token',
  'github-server-url',
  'path',
  'root',
  'hold-lock',
  'lock-timeout',
  'clean',
  'fetch-depth',
  'fetch-tags',
  'submodules',
  'lfs',
  'persist-credentials',
  'cache',
  'cache-key'
] as const
export type InputName = (typeof INPUT_NAMES)[number]

/**
 * Literal defaults of action.yml (a test keeps them equal). The runner applies them itself; they
 * are applied here again for an input passed explicitly empty, as reusable workflows do.
 */
export const LITERAL_DEFAULTS: Partial<Record<InputName, string>> = {
  'hold-lock': 'job',
  'lock-timeout': '-1',
  clean: 'true',
  'fetch-depth': '0',
  'fetch-tags': 'false',
  submodules: 'false',
  lfs: 'false',
  'persist-credentials': 'false',
  cache: 'true'
}

export interface InputProblem {
  input: InputName
  message: string
}

/**
 * One or more inputs are malformed: `problems` holds one message per bad input (one
 * `core.error` each), `details` the same with the input's name.
 */
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
  if (input === 'token') return '(hidden)'
  const quoted = JSON.stringify(value)
  return quoted.length > MAX_SHOWN
    ? `${quoted.slice(0, MAX_SHOWN)}…" (${value.length} characters)`
    : quoted
}

export function problem(input: InputName, value: string, expected: string): InputProblem {
  return { input, message: `Input '${input}' is ${shown(input, value)}: ${expected}` }
}

// --- single-value parsers: value → parsed, or a string saying what is accepted ----------------

type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string }
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected })

/** Exactly @actions/core getBooleanInput's rule (YAML 1.2 core schema booleans). */
export function parseBoolean(value: string): Parsed<boolean> {
  if (['true', 'True', 'TRUE'].includes(value)) return ok(true)
  if (['false', 'False', 'FALSE'].includes(value)) return ok(false)
  return bad('expected true or false (also True, TRUE, False, FALSE)')
}

export function parseHoldLock(value: string): Parsed<HoldLock> {
  const v = value.toLowerCase()
  return v === 'job' || v === 'sync'
    ? ok(v)
    : bad(
        "expected 'job' (held until the post step) or 'sync' (released once the checkout is ready)"
      )
}

export function parseSubmodules(value: string): Parsed<SubmodulesMode> {
  const v = value.toLowerCase()
  if (v === 'false') return ok(false)
  if (v === 'true') return ok(true)
  if (v === 'recursive') return ok('recursive')
  return bad("expected 'false', 'true' (first level) or 'recursive'")
}

/** -1, or seconds >= 0; decimals allowed (sub-second timeouts are useful to scripts and tests). */
export function parseLockTimeout(value: string): Parsed<number> {
  if (value === '-1') return ok(-1)
  if (/^\d{1,9}(\.\d{1,3})?$/.test(value)) return ok(Number(value))
  return bad('expected seconds to wait: -1 (forever), 0 (one try) or a number such as 300 or 2.5')
}

const MAX_DEPTH = 2147483647 // git stores depth in an int

export function parseFetchDepth(value: string): Parsed<number> {
  if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_DEPTH) return ok(Number(value))
  return bad('expected a whole number >= 0 (0 = full history)')
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$/
const NAME = /^[A-Za-z0-9._-]{1,100}$/

/** `owner/name` with GitHub's characters; returns it with a trailing `.git` dropped. */
export function parseRepository(value: string): Parsed<string> {
  const expected =
    'expected owner/name, e.g. acme/widgets (letters, digits, - and _ in the owner; letters, digits, ., - and _ in the name)'
  const parts = value.split('/')
  if (parts.length !== 2) return bad(expected)
  const [owner, rawName] = parts
  const name = rawName.replace(/\.git$/, '')
  if (!OWNER.test(owner) || !NAME.test(name) || name === '.' || name === '..') return bad(expected)
  return ok(`${owner}/${name}`)
}

const FULL_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/

/**
 * A branch, tag, full SHA or fully qualified ref, by git check-ref-format's rules, plus: no
 * leading '-' (it would read as an option to git, argument injection).
 */
export function parseRef(value: string): Parsed<string> {
  const expected =
    'expected a branch, tag, full commit SHA (40 or 64 hex digits) or a ref such as refs/pull/12/merge, in git check-ref-format form'
  if (value === '' || FULL_SHA.test(value)) return ok(value)
  const why = refFormatProblem(value)
  return why ? bad(`${why}; ${expected}`) : ok(value)
}

function refFormatProblem(ref: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(ref)) return 'spaces and control characters are not allowed'
  if (ref.startsWith('-')) return "a leading '-' is not allowed"
  if (/[~^:?*[\\]/.test(ref)) return 'the characters ~ ^ : ? * [ \\ are not allowed'
  if (ref.includes('..')) return "'..' is not allowed"
  if (ref.includes('@{') || ref === '@') return "'@{' and a lone '@' are not allowed"
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
    return 'empty path components are not allowed'
  if (ref.endsWith('.')) return "a trailing '.' is not allowed"
  for (const component of ref.split('/')) {
    if (component.startsWith('.')) return "a component starting with '.' is not allowed"
    if (component.endsWith('.lock')) return "a component ending in '.lock' is not allowed"
  }
  if (ref.length > 1024) return 'it is longer than 1024 characters'
  return undefined
}

/** http(s) only, no credentials (they would reach logs), no query or fragment. */
export function parseServerUrl(value: string): Parsed<string> {
  const expected =
    'expected an http(s) URL such as https://github.com or https://ghes.example.com, without user, password, query or fragment'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return bad(expected)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad(expected)
  if (url.username || url.password || url.search || url.hash || !url.hostname) return bad(expected)
  return ok(value.replace(/\/+$/, ''))
}

/** The token goes into an HTTP header (§3.4): header-breaking characters are refused. */
export function parseToken(value: string): Parsed<string> {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value))
    return bad('expected a token without whitespace or control characters')
  return ok(value)
}

const MAX_CACHE_KEY = 512

export function parseCacheKey(value: string): Parsed<string> {
  if (value.length > MAX_CACHE_KEY) return bad(`expected at most ${MAX_CACHE_KEY} characters`)
  if (!/^[A-Za-z0-9._\-/:+=@]*$/.test(value))
    return bad('expected letters, digits and . _ - / : + = @ only (no commas or spaces)')
  return ok(value)
}

// --- the ref default (SPEC §1 `ref`) -----------------------------------------------------------

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
  if (FULL_SHA.test(ref)) return { ref: '', commit: ref.toLowerCase() }
  if (ref !== '') return { ref, commit: '' }
  const own = (env.GITHUB_REPOSITORY ?? '').toLowerCase()
  if (own === '' || own !== repository.toLowerCase()) return { ref: '', commit: '' }
  return { ref: env.GITHUB_REF ?? '', commit: (env.GITHUB_SHA ?? '').toLowerCase() }
}

// --- reading all inputs -------------------------------------------------------------------------

export type InputsResult =
  { ok: true; inputs: ActionInputs } | { ok: false; problems: InputProblem[] }

/**
 * Parses every input; never throws for bad values (see `readInputs`). `homedir` defaults to
 * HOME (USERPROFILE on Windows), then the OS's idea of it.
 */
export function parseInputs(
  getInput: (name: string) => string,
  env: Record<string, string | undefined>,
  platform: Platform,
  homedir: string = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir()
): InputsResult {
  const problems: InputProblem[] = []
  const raw = (name: InputName): string => {
    const value = (getInput(name) ?? '').trim()
    return value === '' ? (LITERAL_DEFAULTS[name] ?? '') : value
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
  const ref = take('ref', parseRef, '')
  const token = take('token', parseToken, '')
  const serverUrl = take(
    'github-server-url',
    parseServerUrl,
    '',
    raw('github-server-url') || env.GITHUB_SERVER_URL || 'https://github.com'
  )
  const holdLock = take('hold-lock', parseHoldLock, 'job' as HoldLock)
  const lockTimeoutSeconds = take('lock-timeout', parseLockTimeout, -1)
  const clean = take('clean', parseBoolean, true)
  const fetchDepth = take('fetch-depth', parseFetchDepth, 0)
  const fetchTags = take('fetch-tags', parseBoolean, false)
  const submodules = take('submodules', parseSubmodules, false as SubmodulesMode)
  const lfs = take('lfs', parseBoolean, false)
  const persistCredentials = take('persist-credentials', parseBoolean, false)
  const cache = take('cache', parseBoolean, true)
  const cacheKey = take('cache-key', parseCacheKey, '')

  let root = ''
  let clonePath = ''
  let identity: RepositoryIdentity | undefined
  try {
    root = resolveRoot({ platform, rootInput: raw('root'), env, homedir })
  } catch (error) {
    problems.push(pathProblem(error))
  }
  if (repository && serverUrl) {
    identity = repositoryIdentity(serverUrl, repository)
    if (root) {
      try {
        clonePath = resolveClonePath({ platform, root, pathInput: raw('path'), identity, homedir })
      } catch (error) {
        problems.push(pathProblem(error))
      }
    }
  }

  if (problems.length > 0 || !identity) return { ok: false, problems }
  return {
    ok: true,
    inputs: {
      repository,
      identity,
      repositoryId: identity.key,
      remoteUrl: `${serverUrl}/${repository}`,
      refInput: ref,
      ...resolveRefRequest(ref, repository, env),
      token,
      serverUrl,
      root,
      clonePath,
      holdLock,
      lockTimeoutSeconds,
      clean,
      fetchDepth,
      fetchTags,
      submodules,
      lfs,
      persistCredentials,
      cache,
      cacheKey
    }
  }
}

function pathProblem(error: unknown): InputProblem {
  if (error instanceof PathInputError) return { input: error.input, message: error.message }
  throw error
}

/** `parseInputs`, throwing one `InputError` that lists every bad input. */
export function readInputs(
  getInput: (name: string) => string,
  env: Record<string, string | undefined>,
  platform: Platform,
  homedir?: string
): ActionInputs {
  const result = parseInputs(getInput, env, platform, homedir)
  if (!result.ok) throw new InputError(result.problems)
  return result.inputs
}
