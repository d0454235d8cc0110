/**
 * Where repositories live on a machine (§1 `root` and `path`). Pure: the platform, environment
 * and home directory are parameters, so every OS's rules are testable on any OS.
 */
import path from 'node:path'
import type { RepoId } from './identity.js'

export type Platform = NodeJS.Platform

/** A `path` or `root` value that cannot be used; `input` names the action input to blame. */
export class PathInputError extends Error {
  constructor(
    readonly input: 'path' | 'root',
    readonly value: string,
    readonly reason: string
  ) {
    super(`Input '${input}' is ${JSON.stringify(value)}: ${reason}`)
    this.name = 'PathInputError'
  }
}

const pathFor = (platform: Platform): path.PlatformPath =>
  platform === 'win32' ? path.win32 : path.posix

/** win32 and darwin (APFS/HFS+ default) compare file names case-insensitively. */
const caseInsensitive = (platform: Platform): boolean =>
  platform === 'win32' || platform === 'darwin'

/**
 * Default machine-wide root (SPEC §1): env SHARED_CHECKOUT_ROOT, else `~/.cache/shared-checkout`
 * (Windows: `%LOCALAPPDATA%\shared-checkout`). XDG_CACHE_HOME is deliberately NOT honoured:
 * every runner instance on the machine must agree on the root, and a runner started as a
 * service usually has no XDG variables while one started from a shell does — two roots would
 * mean two stores and two sets of locks for one repository.
 */
export function defaultRoot(options: {
  platform: Platform
  env: Record<string, string | undefined>
  homedir: string
}): string {
  const { platform, env, homedir } = options
  const fromEnv = (env.SHARED_CHECKOUT_ROOT ?? '').trim()
  if (fromEnv) return fromEnv
  const p = pathFor(platform)
  if (platform === 'win32') {
    const localAppData = (env.LOCALAPPDATA ?? '').trim()
    const base = localAppData || (homedir ? p.join(homedir, 'AppData', 'Local') : '')
    if (!base) {
      throw new PathInputError(
        'root',
        '',
        'no root given and neither LOCALAPPDATA nor a home directory is known; set `root` or SHARED_CHECKOUT_ROOT'
      )
    }
    return p.join(base, 'shared-checkout')
  }
  if (!homedir) {
    throw new PathInputError(
      'root',
      '',
      'no root given and HOME is not set; set `root` or SHARED_CHECKOUT_ROOT'
    )
  }
  return p.join(homedir, '.cache', 'shared-checkout')
}

/** `C:`, `C:\`, `\\server\share`: the root of a volume. */
function isFilesystemRoot(p: path.PlatformPath, absolute: string): boolean {
  return p.dirname(absolute) === absolute || p.parse(absolute).root === absolute
}

function comparable(platform: Platform, p: path.PlatformPath, absolute: string): string {
  const normal = p.normalize(absolute).replace(/[\\/]+$/, '') || p.sep
  return caseInsensitive(platform) ? normal.toLowerCase() : normal
}

/** Is `child` equal to `parent` or inside it (platform rules, case per platform)? */
export function isInside(platform: Platform, parent: string, child: string): boolean {
  const p = pathFor(platform)
  const a = comparable(platform, p, parent)
  const b = comparable(platform, p, child)
  if (a === b) return true
  const withSep = a.endsWith(p.sep) ? a : a + p.sep
  return b.startsWith(withSep)
}

/**
 * Rejects what no platform could mean: control characters, and on Windows the forms whose
 * meaning depends on the process's current drive or that bypass normalisation.
 */
function checkSyntax(
  input: 'path' | 'root',
  value: string,
  platform: Platform,
  accepted: string
): void {
  const refuse = (reason: string): PathInputError =>
    new PathInputError(input, value, `${reason}; expected ${accepted}`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw refuse('control characters are not allowed in a path')
  }
  if (platform === 'win32') {
    if (/^\\\\[?.]\\/.test(value) || /^\/\/[?.]\//.test(value)) {
      throw refuse(
        'device paths (\\\\?\\ and \\\\.\\) are not accepted; use C:\\dir or \\\\server\\share\\dir'
      )
    }
    if (/^[A-Za-z]:(?![\\/])/.test(value)) {
      throw refuse(
        'a drive-relative path (C:dir) depends on the current directory of that drive; write C:\\dir'
      )
    }
    if (/^[\\/](?![\\/])/.test(value)) {
      throw refuse(
        'a path rooted without a drive (\\dir) depends on the current drive; write C:\\dir'
      )
    }
    if (/[<>"|?*]/.test(value.replace(/^[A-Za-z]:/, ''))) {
      throw refuse('Windows file names cannot contain < > " | ? *')
    }
  } else {
    if (value.includes('\\')) {
      throw refuse(`backslashes are not path separators on ${platform}; use '/'`)
    }
    if (/^[A-Za-z]:/.test(value)) {
      throw refuse(
        `a Windows drive letter has no meaning on ${platform}; use an absolute path such as /srv/clones`
      )
    }
  }
}

/** `~`, `~/x` (and `~\x` on Windows) expand to the home directory: YAML users write them. */
function expandHome(value: string, homedir: string, platform: Platform): string {
  if (value === '~') return homedir
  const sep = platform === 'win32' ? /^~[\\/]/ : /^~\//
  return sep.test(value) ? pathFor(platform).join(homedir, value.slice(2)) : value
}

/**
 * The effective root: the `root` input (absolute, `~` expanded) or `defaultRoot`. A volume
 * root is refused: a root must hold only Shared Checkout's repositories, and `/` would make the "stays inside
 * the root" rule for `path` meaningless.
 */
export function resolveRoot(options: {
  platform: Platform
  rootInput: string
  env: Record<string, string | undefined>
  homedir: string
}): string {
  const { platform, env, homedir } = options
  const p = pathFor(platform)
  const given = options.rootInput.trim()
  const raw = given || defaultRoot({ platform, env, homedir })
  const accepted =
    platform === 'win32'
      ? 'an absolute directory such as D:\\shared-checkout or \\\\server\\share\\dir'
      : 'an absolute directory such as /srv/shared-checkout or ~/shared-checkout'
  checkSyntax('root', raw, platform, accepted)
  const value = expandHome(raw, homedir, platform)
  if (!p.isAbsolute(value)) {
    const from = given ? '' : ' (from SHARED_CHECKOUT_ROOT)'
    throw new PathInputError(
      'root',
      raw,
      `a relative root would differ per job${from}; expected ${accepted}`
    )
  }
  const root = p.normalize(value)
  if (isFilesystemRoot(p, root)) {
    throw new PathInputError(
      'root',
      raw,
      `the root of a volume cannot hold repositories; expected ${accepted}`
    )
  }
  return root.replace(/[\\/]+$/, '')
}

/**
 * The repository's directory (§1 `path`): `<root>/<host>/<owner>/<name>` by default; a relative
 * `path` resolves against `root` and must stay inside it; an absolute one may be anywhere
 * except places whose loss would hurt: a volume root, the home directory, the root itself, or
 * any directory that contains the home directory or the root (what the directory held before
 * is set aside, and `clean` deletes untracked files: §3.2, §3.3).
 */
export function resolveRepoDir(options: {
  platform: Platform
  root: string
  pathInput: string
  repo: RepoId
  homedir: string
}): string {
  const { platform, root, repo, homedir } = options
  const p = pathFor(platform)
  const raw = options.pathInput.trim()
  const accepted = `a directory inside the root (${root}), given relative to it, or an absolute directory that is not a volume root, the home directory, or a directory containing either`

  let resolved: string
  if (raw === '') {
    resolved = p.join(root, ...repo.segments)
  } else {
    checkSyntax('path', raw, platform, accepted)
    const value = expandHome(raw, homedir, platform)
    if (p.isAbsolute(value)) {
      resolved = p.normalize(value)
    } else {
      resolved = p.resolve(root, value)
      if (!isInside(platform, root, resolved)) {
        throw new PathInputError(
          'path',
          raw,
          `it leaves the root through '..'; expected ${accepted}`
        )
      }
    }
  }
  if (isFilesystemRoot(p, resolved)) {
    throw new PathInputError('path', raw, `it is the root of a volume; expected ${accepted}`)
  }
  resolved = resolved.replace(/[\\/]+$/, '')
  if (homedir && isInside(platform, resolved, homedir)) {
    const what =
      comparable(platform, p, resolved) === comparable(platform, p, homedir)
        ? 'is the home directory'
        : `contains the home directory (${homedir})`
    throw new PathInputError('path', raw, `it ${what}; expected ${accepted}`)
  }
  if (isInside(platform, resolved, root)) {
    const what =
      comparable(platform, p, resolved) === comparable(platform, p, root)
        ? 'is the root itself, which holds every repository'
        : `contains the root (${root})`
    throw new PathInputError('path', raw, `it ${what}; expected ${accepted}`)
  }
  return resolved
}
