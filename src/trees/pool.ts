/**
 * The pool of working trees (§1 `trees`, §3): up to N trees per repository, one job in each,
 * every job of the repository in one FIFO queue. Which free tree a job gets: one already at the
 * requested commit, else the most recently used existing tree (its files are closest to what a
 * job checks out next), else a new one — an existing tree is reused before a new one is made.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { isObjectId } from '../git/refs.js'
import type { RepoLayout } from '../repo/layout.js'

export interface TreeFacts {
  tree: number
  exists: boolean
  /** The commit its HEAD names (detached), if any. */
  head?: string
  /** When it was last checked out (ms since the epoch), 0 when unknown. */
  usedAt: number
}

/** Order of preference among trees 1..count. Pure. */
export function preferredTrees(facts: readonly TreeFacts[], commit?: string): number[] {
  const rank = (f: TreeFacts): number => (!f.exists ? 2 : commit && f.head === commit ? 0 : 1)
  return [...facts]
    .sort((a, b) => rank(a) - rank(b) || b.usedAt - a.usedAt || a.tree - b.tree)
    .map(f => f.tree)
}

export function readTreeFacts(layout: RepoLayout, tree: number): TreeFacts {
  const head = path.join(layout.tree(tree), '.git', 'HEAD')
  try {
    const stats = statSync(head)
    const content = readFileSync(head, 'latin1').trim()
    return {
      tree,
      exists: true,
      head: isObjectId(content) ? content : undefined,
      usedAt: stats.mtimeMs
    }
  } catch {
    return { tree, exists: false, usedAt: 0 }
  }
}

/** The lock pool of the trees: the queue every job joins and the tree locks in preferred order. */
export function treePool(
  layout: RepoLayout,
  count: number,
  commit?: string
): { queueDir: string; slots(): string[] } {
  const numbers = Array.from({ length: count }, (_, i) => i + 1)
  return {
    queueDir: layout.treeQueue,
    slots: () =>
      preferredTrees(
        numbers.map(n => readTreeFacts(layout, n)),
        commit
      ).map(n => layout.treeLock(n))
  }
}
