import { lstatSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Logger } from '../logger.js'

/** Lock files git keeps at the top of a git directory (§3.2). */
const GITDIR_LOCKS = new Set([
  'index.lock',
  'shallow.lock',
  'HEAD.lock',
  'ORIG_HEAD.lock',
  'FETCH_HEAD.lock',
  'config.lock',
  'packed-refs.lock'
])

/**
 * Is `relative` (a path inside a git directory, '/'-separated) one of git's own lock files?
 * Pure. `refs/**\/*.lock` at any depth; the fixed names only at the top of a git directory.
 */
export function isGitLockFile(relative: string): boolean {
  const parts = relative.split('/')
  const name = parts[parts.length - 1]
  if (parts.length === 1) return GITDIR_LOCKS.has(name)
  return parts[0] === 'refs' && name.endsWith('.lock')
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function isDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory() // lstat: never follow a symlink out of the clone
  } catch {
    return false
  }
}

function looksLikeGitDir(dir: string): boolean {
  const names = new Set(entries(dir))
  return names.has('HEAD') || (names.has('objects') && names.has('refs'))
}

function walkRefs(gitDir: string, relative: string, found: string[]): void {
  for (const name of entries(path.join(gitDir, relative))) {
    const child = `${relative}/${name}`
    if (isDirectory(path.join(gitDir, child))) walkRefs(gitDir, child, found)
    else if (isGitLockFile(child)) found.push(path.join(gitDir, child))
  }
}

/** Submodule git dirs live at modules/<name>, and names may contain '/'. */
function walkModules(dir: string, found: string[]): void {
  for (const name of entries(dir)) {
    const child = path.join(dir, name)
    if (!isDirectory(child)) continue
    if (looksLikeGitDir(child)) collectGitDirLocks(child, found)
    else walkModules(child, found)
  }
}

function collectGitDirLocks(gitDir: string, found: string[]): void {
  for (const name of entries(gitDir)) {
    if (isGitLockFile(name)) found.push(path.join(gitDir, name))
  }
  walkRefs(gitDir, 'refs', found)
  walkModules(path.join(gitDir, 'modules'), found)
  // Linked worktrees keep their own index/HEAD locks.
  for (const name of entries(path.join(gitDir, 'worktrees'))) {
    const worktree = path.join(gitDir, 'worktrees', name)
    for (const file of entries(worktree)) {
      if (isGitLockFile(file)) found.push(path.join(worktree, file))
    }
  }
}

/**
 * Lists git's lock files under a git directory and its submodules' git directories
 * (`.git/modules/**`, including submodules that have no worktree any more). Reads only.
 */
export function findGitLockFiles(gitDir: string): string[] {
  const found: string[] = []
  collectGitDirLocks(gitDir, found)
  return found.sort()
}

/**
 * Removes the lock files that killed git processes left behind. Safe only because the caller
 * holds the shared clone's lock (§3.2): no live git process of ours can own them. Logs each.
 */
export function removeStaleGitLocks(gitDir: string, logger: Logger): string[] {
  const removed: string[] = []
  for (const file of findGitLockFiles(gitDir)) {
    rmSync(file, { force: true })
    logger.info(`removed stale git lock file ${file} (left by a git process that was killed)`)
    removed.push(file)
  }
  return removed
}
