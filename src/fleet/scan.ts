/**
 * What is on a machine's root (§6): the repositories' directories and, for each, its trees,
 * locks, queue and store, read without taking any lock and without changing anything.
 *
 * A repository's directory is one that holds the marker (`shared-checkout.json`), wherever it is
 * below the root: `<host>[_port]/[~prefix/…]<owner>/<name>` by default, or a relative `path`.
 * Names starting with '_' directly under the root are the fleet tools' own (`_settings.json`,
 * `_fleet/`, `_evicting-…`): no host directory can start with '_'.
 */
import { lstatSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { entriesOf, isRealDirectory } from '../fs/write.js'
import { readLockHolder, type LockRecord } from '../lock/index.js'
import {
  layoutOf,
  MARKER_NAME,
  parseMarker,
  treeNumberOfLock,
  type RepoLayout
} from '../repo/layout.js'
import { mtimeOf, repositoryLastUse, storeLastFetch, storeLastUse, treeLastUse } from './usage.js'

/** Deep enough for a host, several server prefixes, owner and name, or a relative `path`. */
const MAX_DEPTH = 10
const TICKET = /^\d{12}$/
const TREE_DIR = /^[1-9]\d{0,2}$/

function isFile(file: string): boolean {
  try {
    return lstatSync(file).isFile()
  } catch {
    return false
  }
}

/** Is this name under the root one of the fleet tools' own entries? */
export function isFleetEntry(name: string): boolean {
  return name.startsWith('_')
}

/** Every repository directory below `root`, sorted. */
export function findRepositories(root: string): string[] {
  const found: string[] = []
  const walk = (dir: string, depth: number): void => {
    if (isFile(path.join(dir, MARKER_NAME))) {
      found.push(dir)
      return // a repository's own directories (trees, store) are never other repositories
    }
    if (depth >= MAX_DEPTH) return
    for (const name of entriesOf(dir)) {
      if (depth === 0 && isFleetEntry(name)) continue
      const child = path.join(dir, name)
      if (isRealDirectory(child)) walk(child, depth + 1)
    }
  }
  if (isRealDirectory(root)) walk(root, 0)
  return found.sort()
}

export interface TreeFacts {
  tree: number
  dir: string
  /** The tree's directory exists. */
  exists: boolean
  lockFile: string
  /** A lock file is there: held, or left by a job that is gone (a try of the lock tells). */
  locked: boolean
  holder?: LockRecord
  lastUse?: number
}

export interface WaiterFacts {
  ticket: string
  file: string
  record?: LockRecord
}

export interface RepositoryFacts {
  dir: string
  layout: RepoLayout
  /** The repository the marker names (`github.com/acme/app`), or the directory when unreadable. */
  key: string
  storeExists: boolean
  lastFetch?: number
  storeLastUse?: number
  storeLock: { locked: boolean; holder?: LockRecord }
  trees: TreeFacts[]
  /** Jobs waiting for a tree, in queue order. */
  queue: WaiterFacts[]
  /** Waiting for the store lock. */
  storeQueue: WaiterFacts[]
  lastUse: number
  /** What was set aside (a corrupt store or tree, an old layout), with its mtime. */
  aside: { name: string; path: string; mtime: number }[]
}

/** The tree numbers a repository has: its tree directories and its tree lock files. */
export function treeNumbers(layout: RepoLayout): number[] {
  const numbers = new Set<number>()
  for (const name of entriesOf(layout.treesDir)) {
    if (TREE_DIR.test(name) && isRealDirectory(path.join(layout.treesDir, name)))
      numbers.add(Number(name))
  }
  for (const name of entriesOf(layout.locksDir)) {
    const tree = treeNumberOfLock(name)
    if (tree !== undefined) numbers.add(tree)
  }
  return [...numbers].sort((a, b) => a - b)
}

/** Tickets in a queue directory, in order (files only: a planted link is never followed). */
export function queueTickets(queueDir: string): string[] {
  return entriesOf(queueDir)
    .filter(name => TICKET.test(name) && isFile(path.join(queueDir, name)))
    .sort()
}

async function holderOf(file: string): Promise<LockRecord | undefined> {
  try {
    return await readLockHolder(file)
  } catch {
    return undefined // a link or directory planted at the name: not a holder we can name
  }
}

async function waiters(queueDir: string): Promise<WaiterFacts[]> {
  const result: WaiterFacts[] = []
  for (const ticket of queueTickets(queueDir)) {
    const file = path.join(queueDir, ticket)
    result.push({ ticket, file, record: await holderOf(file) })
  }
  return result
}

function markerKey(layout: RepoLayout): string {
  try {
    return parseMarker(readFileSync(layout.marker, 'utf8'))?.repository ?? layout.dir
  } catch {
    return layout.dir
  }
}

/** Reads one repository's directory. `holders`: also read who holds each lock (status). */
export async function readRepository(
  dir: string,
  options: { holders?: boolean } = {}
): Promise<RepositoryFacts> {
  const layout = layoutOf(dir)
  const numbers = treeNumbers(layout)
  const trees: TreeFacts[] = []
  for (const tree of numbers) {
    const lockFile = layout.treeLock(tree)
    const locked = isFile(lockFile)
    trees.push({
      tree,
      dir: layout.tree(tree),
      exists: isRealDirectory(layout.tree(tree)),
      lockFile,
      locked,
      holder: locked && options.holders ? await holderOf(lockFile) : undefined,
      lastUse: treeLastUse(layout, tree)
    })
  }
  const storeLocked = isFile(layout.storeLock)
  const storeUse = storeLastUse(layout, numbers)
  const aside = entriesOf(layout.aside).map(name => {
    const file = path.join(layout.aside, name)
    return { name, path: file, mtime: mtimeOf(file) ?? 0 }
  })
  return {
    dir,
    layout,
    key: markerKey(layout),
    storeExists: isRealDirectory(layout.store),
    lastFetch: storeLastFetch(layout),
    storeLastUse: storeUse,
    storeLock: {
      locked: storeLocked,
      holder: storeLocked && options.holders ? await holderOf(layout.storeLock) : undefined
    },
    trees,
    queue: await waiters(layout.treeQueue),
    storeQueue: await waiters(`${layout.storeLock}.queue`),
    lastUse: repositoryLastUse({
      marker: mtimeOf(layout.marker),
      store: storeUse,
      trees: trees.map(t => t.lastUse)
    }),
    aside
  }
}
