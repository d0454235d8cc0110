/**
 * Sparse checkout per tree (§1 `sparse-checkout`, `sparse-checkout-cone-mode`): which files a
 * cone-mode checkout writes, and how a tree that an earlier job left sparse becomes complete.
 *
 * A tree keeps its index from job to job, skip-worktree bits included; every checkout of the
 * action recomputes those bits from patterns, so no file stays hidden:
 * - a sparse job checks out with its own patterns;
 * - a full job whose index still has skip-worktree entries checks out once with the pattern
 *   `/*` (everything), which clears the bits and writes only the files that were left out,
 *   in the same pass as the move to the new commit. This is what `git sparse-checkout disable`
 *   does, without its extra pass over the tree; dropping the index instead would rewrite every
 *   file of the tree.
 */
import { readFileSync } from 'node:fs'
import type { ConfigEntry } from '../git/env.js'
import { indexProblem } from '../git/repair.js'
import { judgeIndex } from './index-file.js'

export interface SparseSpec {
  patterns: string[]
  cone: boolean
}

/** info/sparse-checkout of a full job's checkout over a sparse index: every path. */
export const EVERY_PATH_PATTERNS = '/*\n'

/** Settings of that one checkout (the tree's config stays non-sparse for the job). */
export const EXPAND_CHECKOUT_CONFIG: readonly ConfigEntry[] = [
  { key: 'core.sparseCheckout', value: 'true' },
  { key: 'core.sparseCheckoutCone', value: 'false' }
]

/** The directories of cone-mode patterns, without leading or trailing slashes. Pure. */
export function coneDirectories(patterns: readonly string[]): string[] {
  return patterns.map(p => p.replace(/^\/+|\/+$/g, '')).filter(p => p !== '')
}

/**
 * Does a cone-mode checkout of `dirs` write `file` (a path of the commit)? Git's cone rule:
 * every file at the top level, every file directly inside a parent of a listed directory, and
 * everything below a listed directory. `ignoreCase` as core.ignoreCase. Pure.
 */
export function inCone(file: string, dirs: readonly string[], ignoreCase = false): boolean {
  const fold = (s: string): string => (ignoreCase ? s.toLowerCase() : s)
  const name = fold(file)
  const slash = name.lastIndexOf('/')
  if (slash < 0) return true
  const parent = name.slice(0, slash)
  return dirs.some(raw => {
    const dir = fold(raw)
    return name.startsWith(`${dir}/`) || dir.startsWith(`${parent}/`)
  })
}

/**
 * Files git may read from the index rather than the working tree, even outside the sparse
 * paths (attributes, ignore rules, submodule and LFS settings): always part of a checkout's
 * objects. Pure.
 */
export function isGitMetadataFile(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1)
  return ['.gitattributes', '.gitignore', '.gitmodules', '.lfsconfig'].includes(base)
}

/**
 * Does the index at `file` (already judged usable) flag entries skip-worktree? Such an index,
 * left by a sparse job (or planted by any job), hides files from a checkout that does not
 * recompute the bits.
 */
export function indexHasSkipWorktree(file: string, hashBytes: 20 | 32): boolean {
  let data: Buffer
  try {
    data = readFileSync(file)
  } catch {
    return false
  }
  if (indexProblem(data)) return false
  return (
    judgeIndex(data, hashBytes, { allowSkipWorktree: true }).usable &&
    !judgeIndex(data, hashBytes, { allowSkipWorktree: false }).usable
  )
}
