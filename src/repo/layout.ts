/**
 * Everything kept for one repository lives inside its directory (§2 "Paths", §3), under names
 * only the action chooses, so no file of one repository can be a file of another whatever the
 * repository names (`x`, `x.lock`, `x.partial-abc`, `.github` are all directories of their own):
 *
 *   <dir>/shared-checkout.json   marker: layout version and which repository this is
 *   <dir>/store/                 the object store: a bare repository only the action writes
 *   <dir>/trees/<n>/             working tree n; its git directory <n>/.git is its own
 *   <dir>/locks/                 store.lock, tree-<n>.lock, their guards, the trees' queue
 *   <dir>/tmp/                   builds in progress (a store or tree before its rename)
 *   <dir>/aside/                 what was set aside: a corrupt store or tree, an old layout
 *
 * Pure: paths only.
 */
import path from 'node:path'

export const MARKER_NAME = 'shared-checkout.json'
export const LAYOUT_VERSION = 2
/** The store keeps one ref per tree so maintenance never drops a commit a tree has out (§3.7). */
export const PIN_REF_PREFIX = 'refs/shared-checkout/trees/'

export interface RepoLayout {
  dir: string
  marker: string
  store: string
  treesDir: string
  locksDir: string
  storeLock: string
  /** The FIFO queue every job of the repository joins to get a tree (§2.7). */
  treeQueue: string
  tmp: string
  aside: string
  tree(n: number): string
  treeLock(n: number): string
}

export function layoutOf(dir: string): RepoLayout {
  const locksDir = path.join(dir, 'locks')
  return {
    dir,
    marker: path.join(dir, MARKER_NAME),
    store: path.join(dir, 'store'),
    treesDir: path.join(dir, 'trees'),
    locksDir,
    storeLock: path.join(locksDir, 'store.lock'),
    treeQueue: path.join(locksDir, 'trees.queue'),
    tmp: path.join(dir, 'tmp'),
    aside: path.join(dir, 'aside'),
    tree: n => path.join(dir, 'trees', String(n)),
    treeLock: n => path.join(locksDir, `tree-${n}.lock`)
  }
}

/** Which tree a tree lock guards (`…/tree-3.lock` → 3), or undefined for other files. */
export function treeNumberOfLock(lockPath: string): number | undefined {
  const match = /^tree-([1-9]\d{0,2})\.lock$/.exec(path.basename(lockPath))
  return match ? Number(match[1]) : undefined
}

export function pinRefOf(tree: number): string {
  return `${PIN_REF_PREFIX}${tree}`
}

/** `<aside>/<what>-<yyyymmddThhmmss>` (UTC); the caller adds a suffix when it exists. Pure. */
export function asideNameFor(what: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
  return `${what}-${stamp}`
}

export interface Marker {
  layout: number
  /** RepoId.key of the repository the directory belongs to. */
  repository: string
}

export function encodeMarker(repositoryKey: string): string {
  return `${JSON.stringify({ layout: LAYOUT_VERSION, repository: repositoryKey })}\n`
}

export function parseMarker(text: string): Marker | undefined {
  try {
    const value = JSON.parse(text) as Partial<Marker>
    if (typeof value.layout === 'number' && typeof value.repository === 'string')
      return { layout: value.layout, repository: value.repository }
  } catch {
    // not ours, or damaged: the caller decides
  }
  return undefined
}
