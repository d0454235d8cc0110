/**
 * When a tree, a store and a repository were last used: defined here once, for eviction and
 * status alike (§6).
 *
 * - A tree: the mtime of `trees/<n>/.git/HEAD`, which every checkout rewrites (trees/prepare.ts
 *   writeTreeRefs); a tree whose HEAD is missing counts from its directory's mtime.
 * - The store's last fetch: the mtime of `store/FETCH_HEAD`, which every fetch writes.
 * - The store's last use: its last fetch, or the last pin a checkout wrote
 *   (`store/refs/shared-checkout/trees/<n>`, rewritten at every checkout), whichever is later.
 * - A repository: the latest of its store's and its trees' last use, and never earlier than its
 *   marker (written when the directory was claimed), so a repository a job is creating right
 *   now never looks unused.
 */
import { lstatSync } from 'node:fs'
import path from 'node:path'
import { pinRefOf, type RepoLayout } from '../repo/layout.js'

/** mtime in ms, or undefined when the file is missing or unreadable (a link is not followed). */
export function mtimeOf(file: string): number | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false })?.mtimeMs
  } catch {
    return undefined
  }
}

export function treeHeadFile(layout: RepoLayout, tree: number): string {
  return path.join(layout.tree(tree), '.git', 'HEAD')
}

export function pinFile(layout: RepoLayout, tree: number): string {
  return path.join(layout.store, ...pinRefOf(tree).split('/'))
}

/** When tree `n` was last checked out; undefined when the tree does not exist. */
export function treeLastUse(layout: RepoLayout, tree: number): number | undefined {
  return mtimeOf(treeHeadFile(layout, tree)) ?? mtimeOf(layout.tree(tree))
}

/** When the store was last fetched into; undefined when unknown (no fetch since its last lock). */
export function storeLastFetch(layout: RepoLayout): number | undefined {
  return mtimeOf(path.join(layout.store, 'FETCH_HEAD'))
}

/** The latest of the defined values, or undefined. Pure. */
export function latest(values: readonly (number | undefined)[]): number | undefined {
  let result: number | undefined
  for (const value of values)
    if (value !== undefined && (result === undefined || value > result)) result = value
  return result
}

/** The store's last use: its last fetch or its latest pin. */
export function storeLastUse(layout: RepoLayout, trees: readonly number[]): number | undefined {
  return latest([storeLastFetch(layout), ...trees.map(tree => mtimeOf(pinFile(layout, tree)))])
}

/** A repository's last use from its parts' (see above). Pure. */
export function repositoryLastUse(parts: {
  marker?: number
  store?: number
  trees: readonly (number | undefined)[]
}): number {
  return latest([parts.marker, parts.store, ...parts.trees]) ?? 0
}
