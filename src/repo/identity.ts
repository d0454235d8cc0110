/**
 * One repository on one server, named once (§1, §2 "Paths"): every other module takes a
 * RepoId rather than parsing `owner/name` or a server URL itself. GitHub names are
 * case-insensitive, so the identity is lower-cased: `Acme/App` and `acme/app` share one
 * directory, one store, one set of locks and one cache entry.
 */
export interface RepoId {
  /** `owner/name` as the user spelled it (a trailing `.git` dropped): for messages. */
  display: string
  /** Lower-cased owner and name. */
  owner: string
  name: string
  /** The server URL without a trailing slash, as given (validated by options/parse.ts). */
  serverUrl: string
  /** Host name lower-cased, with `:port` when not the scheme's default. */
  host: string
  /** Path prefix of the server URL (GHES behind a proxy, test servers), lower-cased segments. */
  prefix: string[]
  /**
   * Host-independent identity for cache keys and logs: `github.com/acme/app`, the prefix
   * included (`ghes.example.com/git/acme/app`).
   */
  key: string
  /** What `origin` is: `<server>/<owner>/<name>` (HTTPS; no credentials). */
  remoteUrl: string
  /**
   * Directory names under the root, in order: `[<host>[_port], ~<prefix>…, owner, name]`.
   * A prefix segment starts with '~', which no owner or repository name can: no server's
   * prefix can make one repository's directory a parent of another's.
   */
  segments: string[]
}

/** `127.0.0.1:8080` → `127.0.0.1_8080`; `[::1]:8080` → `[--1]_8080` (':' is not a file-name character on Windows). */
export function hostDirectory(url: URL): string {
  const hostname = url.hostname.toLowerCase().replace(/:/g, '-')
  return url.port ? `${hostname}_${url.port}` : hostname
}

/**
 * Builds the identity from a validated server URL and `owner/name`. Throws for values the
 * option parsers would have refused (a programming error, not user input).
 */
export function repoIdOf(serverUrl: string, repository: string): RepoId {
  const url = new URL(serverUrl)
  const parts = repository.replace(/\.git$/i, '').split('/')
  if (parts.length !== 2 || !parts[0] || !parts[1] || /^\.{1,2}$/.test(parts[1])) {
    throw new Error(`repository ${JSON.stringify(repository)} is not owner/name`)
  }
  const [owner, name] = parts.map(part => part.toLowerCase())
  const prefix = url.pathname
    .split('/')
    .filter(segment => segment !== '')
    .map(segment => segment.toLowerCase())
  const host = url.host.toLowerCase()
  const base = serverUrl.replace(/\/+$/, '')
  const segments = [hostDirectory(url), ...prefix.map(segment => `~${segment}`), owner, name]
  // Each is one directory name under the root (§7): never empty, '.', '..' or a separator.
  if (segments.some(segment => /^\.{0,2}$/.test(segment) || /[\\/]/.test(segment))) {
    throw new Error(`${serverUrl} and ${repository} do not name a directory under the root`)
  }
  return {
    display: `${parts[0]}/${parts[1]}`,
    owner,
    name,
    serverUrl: base,
    host,
    prefix,
    key: [host, ...prefix, owner, name].join('/'),
    remoteUrl: `${base}/${parts[0]}/${parts[1]}`,
    segments
  }
}

/**
 * A remote URL reduced to what identifies the repository: host and path lower-cased, no
 * credentials, no `.git`, no trailing '/'. Local paths and file:// URLs compare by absolute
 * path. Used wherever an `origin` is checked (store, cache archive). Pure.
 */
export function normalizeRemoteUrl(remote: string): string {
  const trimmed = remote.trim()
  const stripGit = (p: string): string =>
    p
      .replace(/\/+$/, '')
      .replace(/\.git$/i, '')
      .replace(/\/+$/, '')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const url = new URL(trimmed)
    if (url.protocol === 'file:') return `file:${stripGit(decodeURIComponent(url.pathname))}`
    const port = url.port ? `:${url.port}` : ''
    return `${url.hostname.toLowerCase()}${port}${stripGit(url.pathname).toLowerCase()}`
  }
  const scp = /^(?:[^@/]+@)?([^:/]+):(.+)$/.exec(trimmed) // git@github.com:owner/name.git
  if (scp && !trimmed.startsWith('/'))
    return `${scp[1].toLowerCase()}/${stripGit(scp[2]).toLowerCase().replace(/^\/+/, '')}`
  return `file:${stripGit(trimmed)}`
}

export function sameRepository(a: string, b: string): boolean {
  return normalizeRemoteUrl(a) === normalizeRemoteUrl(b)
}
