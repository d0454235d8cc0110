/**
 * Single-value parsers for every setting of a checkout (§1): a string in, the parsed value or
 * a sentence saying what is accepted out. Pure and toolkit-free: the action's inputs and the
 * command-line flags of `shared-checkout` go through the same functions.
 */
import { isFullSha } from '../git/refs.js'
import { parseTimeoutSeconds, TIMEOUT_ACCEPTED } from '../lock/index.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string }
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
export const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected })

/** `false`: none; `true`: first level; `recursive`: all levels (as in actions/checkout). */
export type SubmodulesMode = false | true | 'recursive'

/** Exactly @actions/core getBooleanInput's rule (YAML 1.2 core schema booleans). */
export function parseBoolean(value: string): Parsed<boolean> {
  if (['true', 'True', 'TRUE'].includes(value)) return ok(true)
  if (['false', 'False', 'FALSE'].includes(value)) return ok(false)
  return bad('expected true or false (also True, TRUE, False, FALSE)')
}

/**
 * `job` only. `sync` (release once the checkout is ready) was the way to run jobs in parallel
 * before working trees; with trees a released tree is cleaned by the next job while this job's
 * steps still use it, so it is refused with what to use instead (README "hold-lock").
 */
export function parseHoldLock(value: string): Parsed<'job'> {
  const v = value.toLowerCase()
  if (v === 'job') return ok('job')
  if (v === 'sync')
    return bad(
      "'sync' is not accepted with working trees: once released, the tree would be cleaned by " +
        'the next job while the steps of this job still use it. Use trees: N to run N jobs of ' +
        "this repository at once, each in its own tree, and keep 'job' (the tree is released by the post step)"
    )
  return bad("expected 'job' (the working tree is held until the post step)")
}

export function parseSubmodules(value: string): Parsed<SubmodulesMode> {
  const v = value.toLowerCase()
  if (v === 'false') return ok(false)
  if (v === 'true') return ok(true)
  if (v === 'recursive') return ok('recursive')
  return bad("expected 'false', 'true' (first level) or 'recursive'")
}

/**
 * -1, or seconds >= 0 with at most 3 decimals: the lock's own rule (src/lock/options.ts), so the
 * action's `lock-timeout`, the lock CLI's `--timeout` and `shared-checkout --lock-timeout` agree.
 */
export function parseLockTimeout(value: string): Parsed<number> {
  try {
    return ok(parseTimeoutSeconds(value, 'lock-timeout'))
  } catch {
    return bad(`expected ${TIMEOUT_ACCEPTED}`)
  }
}

const MAX_DEPTH = 2147483647 // git stores depth in an int

export function parseFetchDepth(value: string): Parsed<number> {
  if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_DEPTH) return ok(Number(value))
  return bad('expected a whole number >= 0 (0 = full history)')
}

/** More trees than this would be a configuration mistake, not a machine (each is a checkout). */
export const MAX_TREES = 64

export function parseTrees(value: string): Parsed<number> {
  if (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_TREES)
    return ok(Number(value))
  return bad(
    `expected a whole number from 1 to ${MAX_TREES}: how many jobs of this repository may run at once on this machine`
  )
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
  const name = rawName.replace(/\.git$/i, '')
  if (!OWNER.test(owner) || !NAME.test(name) || name === '.' || name === '..') return bad(expected)
  return ok(`${owner}/${name}`)
}

/** One definition of a full commit SHA (40 or 64 hex digits): git's (src/git/refs.ts). */
export { isFullSha }

/**
 * A branch, tag, full SHA or fully qualified ref, by git check-ref-format's rules, plus: no
 * leading '-' (it would read as an option to git, argument injection).
 */
export function parseRef(value: string): Parsed<string> {
  const expected =
    'expected a branch, tag, full commit SHA (40 or 64 hex digits) or a ref such as refs/pull/12/merge, in git check-ref-format form'
  if (value === '' || isFullSha(value)) return ok(value)
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

/**
 * http(s) only, no credentials (they would reach logs), no query or fragment. The path (GHES
 * behind a proxy, test servers) becomes part of the repository's directory, so it is held to
 * plain segments: no percent-encoding (an encoded '/' or '\' would become a separator), no '.'
 * or '..' segments, no control characters (§7). The host may not contain '_', which the
 * directory name uses before a port. The host is also the first directory name: it is checked
 * as written, because URL parsing would silently drop tabs and newlines, turn '\' into '/' and
 * decode `%2e%2e` into a host named '..'.
 */
export function parseServerUrl(value: string): Parsed<string> {
  const expected =
    'expected an http(s) URL such as https://github.com or https://ghes.example.com/prefix, without user, password, query or fragment'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(value))
    return bad(`spaces, control characters and '\\' are not allowed; ${expected}`)
  const raw = /^(https?):\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(value)
  if (!raw) return bad(expected)
  if (raw[2].includes('@'))
    return bad(`a user or password in the URL would reach logs; ${expected}`)
  if (raw[2].includes('_')) return bad(`a host name cannot contain '_'; ${expected}`)
  const host = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::\d{1,5})?$/
  if (!host.test(raw[2]))
    return bad(
      `the host must be a name of letters, digits, '-' and '.' (no empty parts), or an IP address, optionally with :port; ${expected}`
    )
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return bad(expected)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad(expected)
  if (url.username || url.password || url.search || url.hash || !url.hostname) return bad(expected)
  const segments = (raw[3] ?? '').split('/').filter(s => s !== '')
  for (const segment of segments) {
    if (!/^[A-Za-z0-9._~-]+$/.test(segment))
      return bad(
        `the path may hold only letters, digits, '.', '_', '~' and '-' between slashes (no percent-encoding, spaces or control characters); ${expected}`
      )
    if (segment === '.' || segment === '..')
      return bad(`'.' and '..' path segments are not allowed; ${expected}`)
  }
  const path = segments.length > 0 ? `/${segments.join('/')}` : ''
  return ok(`${url.protocol}//${url.host}${path}`)
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

/** `git clone --filter` specs: blob:none, blob:limit=<n>[kmg], tree:<depth>, sparse:oid=… excluded. */
export function parseFilter(value: string): Parsed<string> {
  if (value === '') return ok('')
  if (/^blob:none$|^blob:limit=\d+[kmg]?$|^tree:\d+$/i.test(value)) return ok(value.toLowerCase())
  return bad("expected a partial-clone filter such as 'blob:none', 'blob:limit=1m' or 'tree:0'")
}

/**
 * Newline-separated sparse-checkout patterns (§1). Empty lines and surrounding spaces are
 * dropped; a pattern may not start with '-' (git would read an option) or hold control
 * characters. Returns [] for a full checkout.
 */
export function parseSparseCheckout(value: string): Parsed<string[]> {
  const patterns = value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
  for (const pattern of patterns) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(pattern) || pattern.startsWith('-'))
      return bad(
        `pattern ${JSON.stringify(pattern)} is not usable: expected one path or pattern per line, not starting with '-'`
      )
  }
  return ok(patterns)
}

/** `ssh-user`: a login name. */
export function parseSshUser(value: string): Parsed<string> {
  if (/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/.test(value)) return ok(value)
  return bad("expected a login name such as 'git' (letters, digits, '.', '_', '-')")
}

/**
 * `ssh-key`: a private key in OpenSSH or PEM form. Only its shape is checked here; ssh tells
 * whether the server accepts it.
 */
export function parseSshKey(value: string): Parsed<string> {
  if (value === '') return ok('')
  if (
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value) &&
    /-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(value)
  ) {
    // issue 15: nothing can type a passphrase in a job (ssh runs with BatchMode).
    if (isEncryptedPrivateKey(value))
      return bad(
        'the private key is protected by a passphrase, which nothing can type in a job: use a key without one (a deploy key)'
      )
    return ok(value.replace(/\r\n/g, '\n').trim() + '\n')
  }
  return bad('expected a private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----)')
}

/**
 * A passphrase-protected key: PEM with `Proc-Type: 4,ENCRYPTED`, PKCS#8 `ENCRYPTED PRIVATE
 * KEY`, or an OpenSSH key whose cipher is not `none` (the name follows the `openssh-key-v1`
 * magic in the base64 body).
 */
export function isEncryptedPrivateKey(value: string): boolean {
  if (/Proc-Type:\s*4,ENCRYPTED|-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(value)) return true
  const body =
    /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(value)
  if (!body) return false
  const data = Buffer.from(body[1].replace(/\s+/g, ''), 'base64')
  const magic = 'openssh-key-v1\0'
  if (data.length < magic.length + 4 || data.toString('latin1', 0, magic.length) !== magic)
    return false
  const length = data.readUInt32BE(magic.length)
  const cipher = data.toString('latin1', magic.length + 4, magic.length + 4 + length)
  return cipher !== 'none'
}

/** `ssh-known-hosts`: known_hosts lines; control characters other than newlines refused. */
export function parseKnownHosts(value: string): Parsed<string> {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
    return bad('expected known_hosts lines (host key-type key), one per line')
  return ok(value.replace(/\r\n/g, '\n').trim())
}
