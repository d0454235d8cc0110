/**
 * What is at a repository's directory before the action uses it (§3.2), and claiming it.
 * Reading is done before anything on disk changes (§7), so a directory that belongs to another
 * repository, or holds someone's files, is refused as an input error; a directory of the first
 * release's layout (a clone with `.git` and no marker) is recognised and set aside.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import path from 'node:path'
import { readRegularFile, writeFileAtomic } from '../fs/write.js'
import type { Logger } from '../logger.js'
import { normalizeRemoteUrl } from './identity.js'
import {
  asideNameFor,
  encodeMarker,
  LAYOUT_VERSION,
  MARKER_NAME,
  parseMarker,
  type RepoLayout
} from './layout.js'

export type RepoDirState =
  | { kind: 'absent' }
  | { kind: 'ours' }
  | { kind: 'other-repository'; repository: string }
  | { kind: 'newer-layout'; layout: number }
  /** A file, or a link, where the directory belongs (links are never followed, §2.9). */
  | { kind: 'not-a-directory' }
  /** No marker: a clone of the first release's layout (`old`), or unknown files. */
  | { kind: 'unmarked'; old: boolean; entries: string[] }

/** Our own entries: a directory holding only these (a job that stopped early) is not foreign. */
const OWN_ENTRIES = new Set(['locks', 'tmp', 'aside', 'trees', 'store', MARKER_NAME])

export function inspectRepoDir(layout: RepoLayout, repositoryKey: string): RepoDirState {
  let entries: string[]
  try {
    if (!lstatSync(layout.dir).isDirectory()) return { kind: 'not-a-directory' }
    entries = readdirSync(layout.dir)
  } catch {
    return { kind: 'absent' }
  }
  const text = readRegularFile(layout.marker)
  const marker = text === undefined ? undefined : parseMarker(text)
  if (marker) {
    if (marker.layout > LAYOUT_VERSION) return { kind: 'newer-layout', layout: marker.layout }
    if (marker.repository !== repositoryKey)
      return { kind: 'other-repository', repository: marker.repository }
    return { kind: 'ours' }
  }
  const foreign = entries.filter(entry => !OWN_ENTRIES.has(entry))
  if (foreign.length === 0) return { kind: 'absent' }
  return { kind: 'unmarked', old: foreign.includes('.git'), entries: foreign }
}

/** The nearest ancestor of `dir` (below `stopAt`, when given) that is a repository's directory. */
export function enclosingRepoDir(dir: string, stopAt?: string): string | undefined {
  let current = path.dirname(dir)
  for (;;) {
    if (stopAt && path.relative(stopAt, current).startsWith('..')) return undefined
    if (stopAt && path.resolve(current) === path.resolve(stopAt)) return undefined
    if (readRegularFile(path.join(current, MARKER_NAME)) !== undefined) return current
    const parent = path.dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

/**
 * Why the directory cannot be used for this repository, or undefined. `userChosen`: the
 * directory came from the `path` input (unknown files there are the user's, never set aside).
 */
export function repoDirProblem(
  layout: RepoLayout,
  repositoryKey: string,
  options: { userChosen: boolean; root?: string }
): string | undefined {
  const enclosing = enclosingRepoDir(layout.dir, options.userChosen ? undefined : options.root)
  if (enclosing)
    return `it is inside ${enclosing}, the directory of another repository; choose a directory outside it`
  const state = inspectRepoDir(layout, repositoryKey)
  if (state.kind === 'unmarked') {
    const nested = nestedRepoDir(layout.dir, state.entries)
    if (nested)
      return `${nested} below it is the directory of another repository; move that repository out of ${layout.dir}, or choose another directory`
    const origin = state.old ? originOf(path.join(layout.dir, '.git')) : undefined
    if (options.userChosen && origin !== undefined && normalizeRemoteUrl(origin) !== repositoryKey)
      return `it holds a clone of ${origin}, not of this repository; choose an empty or new directory`
  }
  switch (state.kind) {
    case 'other-repository':
      return `it holds the store and trees of ${state.repository}; choose another directory for this repository`
    case 'newer-layout':
      return `it was set up by a newer release of Shared Checkout (layout ${state.layout}); use that release, or another directory`
    case 'not-a-directory':
      return 'it exists and is not a directory (a file or a link); remove it, or choose another directory'
    case 'unmarked':
      if (options.userChosen && !state.old)
        return `it holds files that are not Shared Checkout's (${state.entries.slice(0, 3).join(', ')}${state.entries.length > 3 ? ', …' : ''}); choose an empty or new directory`
      return undefined
    default:
      return undefined
  }
}

/** Creates the directory and its `locks/` (the first change on disk a job makes). */
export function ensureLockDirectory(layout: RepoLayout): void {
  mkdirSync(layout.locksDir, { recursive: true })
}

/**
 * Makes the directory ours (call under the store lock, after `repoDirProblem` said it may be
 * used): what a first-release clone or unknown files left there is moved into `aside/`, then
 * the marker is written. Returns where things were set aside, if anything was.
 */
export function claimRepoDir(
  layout: RepoLayout,
  repositoryKey: string,
  log: Logger
): string | undefined {
  const state = inspectRepoDir(layout, repositoryKey)
  if (state.kind === 'not-a-directory')
    throw new Error(
      `${layout.dir} is not a directory (a file or a link); remove it, or choose another directory`
    )
  let setAside: string | undefined
  if (state.kind === 'unmarked') {
    const nested = nestedRepoDir(layout.dir, state.entries)
    if (nested)
      throw new Error(
        `${nested} is the directory of another repository, inside ${layout.dir}; move it out of there`
      )
    // Everything the old directory held goes, whatever its names (a first-release clone may
    // track its own `store/` or `tmp/`), except the locks this job already holds in `locks/`:
    // gathered under a private name first, then moved into aside/.
    const gathering = path.join(
      layout.dir,
      `.shared-checkout-set-aside-${randomBytes(6).toString('hex')}`
    )
    mkdirSync(gathering)
    const keep = new Set(['locks', path.basename(gathering), MARKER_NAME])
    if (isOwnAside(layout.aside)) keep.add('aside')
    const moving = readdirSync(layout.dir).filter(entry => !keep.has(entry))
    for (const entry of moving)
      renameSync(path.join(layout.dir, entry), path.join(gathering, entry))
    mkdirSync(layout.aside, { recursive: true })
    setAside = uniquePath(
      path.join(layout.aside, asideNameFor(state.old ? 'layout-v1' : 'unknown', new Date()))
    )
    renameSync(gathering, setAside)
    log.notice(
      state.old
        ? `${layout.dir} held a clone of Shared Checkout's first layout; it was moved to ${setAside} ` +
            'and the repository is set up afresh (store + trees). Delete it once you no longer need it.'
        : `${layout.dir} held files Shared Checkout did not create (${state.entries.join(', ')}); ` +
            `they were moved to ${setAside}.`
    )
  }
  for (const dir of [layout.tmp, layout.aside, layout.treesDir]) mkdirSync(dir, { recursive: true })
  if (!existsSync(layout.marker)) writeFileAtomic(layout.marker, encodeMarker(repositoryKey))
  return setAside
}

/** An aside/ that holds only what the action sets aside (an earlier claim's), not a clone's. */
function isOwnAside(dir: string): boolean {
  try {
    return readdirSync(dir).every(name =>
      /^(layout-v1|unknown|store|tree-\d+)-\d{8}T\d{6}(-\d+)?$/.test(name)
    )
  } catch {
    return false
  }
}

/** `origin` of a git directory's config, or undefined. */
function originOf(gitDir: string): string | undefined {
  try {
    const text = readFileSync(path.join(gitDir, 'config'), 'utf8')
    const section = /\[remote "origin"\]([^[]*)/.exec(text)?.[1] ?? ''
    return /^\s*url\s*=\s*(.+?)\s*$/m.exec(section)?.[1]
  } catch {
    return undefined
  }
}

const NESTED_DEPTH = 8
const NESTED_BUDGET = 20_000

/**
 * A repository directory (a marker) below `dir` among `entries`, looked for a few levels deep:
 * another repository's directory chosen inside this one must never be set aside with it.
 */
function nestedRepoDir(dir: string, entries: readonly string[]): string | undefined {
  let budget = NESTED_BUDGET
  const walk = (current: string, depth: number): string | undefined => {
    if (depth > NESTED_DEPTH || budget-- <= 0) return undefined
    if (depth > 0 && readRegularFile(path.join(current, MARKER_NAME)) !== undefined) return current
    let children: import('node:fs').Dirent[]
    try {
      children = readdirSync(current, { withFileTypes: true })
    } catch {
      return undefined
    }
    for (const child of children) {
      if (!child.isDirectory() || child.name === '.git' || child.name === 'node_modules') continue
      const found = walk(path.join(current, child.name), depth + 1)
      if (found) return found
    }
    return undefined
  }
  for (const entry of entries) {
    if (entry === '.git') continue
    const found = walk(path.join(dir, entry), 1)
    if (found) return found
  }
  return undefined
}

/** `base`, or `base-2`, `base-3`… whichever does not exist yet. */
export function uniquePath(base: string): string {
  let candidate = base
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}`
  return candidate
}
