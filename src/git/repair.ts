import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { entriesOf, isRealDirectory } from '../fs/write.js'
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

function looksLikeGitDir(dir: string): boolean {
  const names = new Set(entriesOf(dir))
  return names.has('HEAD') || (names.has('objects') && names.has('refs'))
}

function walkRefs(gitDir: string, relative: string, found: string[]): void {
  for (const name of entriesOf(path.join(gitDir, relative))) {
    const child = `${relative}/${name}`
    if (isRealDirectory(path.join(gitDir, child))) walkRefs(gitDir, child, found)
    else if (isGitLockFile(child)) found.push(path.join(gitDir, child))
  }
}

/** Submodule git dirs live at modules/<name>, and names may contain '/'. */
function walkModules(dir: string, found: string[]): void {
  for (const name of entriesOf(dir)) {
    const child = path.join(dir, name)
    if (!isRealDirectory(child)) continue
    if (looksLikeGitDir(child)) collectGitDirLocks(child, found)
    else walkModules(child, found)
  }
}

function collectGitDirLocks(gitDir: string, found: string[]): void {
  for (const name of entriesOf(gitDir)) {
    if (isGitLockFile(name)) found.push(path.join(gitDir, name))
  }
  // git maintenance skips silently while this exists: left by a killed run, it would switch
  // maintenance off for good.
  if (entriesOf(path.join(gitDir, 'objects')).includes('maintenance.lock'))
    found.push(path.join(gitDir, 'objects', 'maintenance.lock'))
  walkRefs(gitDir, 'refs', found)
  walkModules(path.join(gitDir, 'modules'), found)
  // Linked worktrees keep their own index/HEAD locks.
  for (const name of entriesOf(path.join(gitDir, 'worktrees'))) {
    const worktree = path.join(gitDir, 'worktrees', name)
    for (const file of entriesOf(worktree)) {
      if (isGitLockFile(file)) found.push(path.join(worktree, file))
    }
  }
}

/** The git directory and those of its submodules (`modules/**`), for the repairs below. */
function gitDirsUnder(gitDir: string): string[] {
  const found: string[] = [gitDir]
  const walk = (dir: string): void => {
    for (const name of entriesOf(dir)) {
      const child = path.join(dir, name)
      if (!isRealDirectory(child)) continue
      if (looksLikeGitDir(child)) {
        found.push(child)
        walk(path.join(child, 'modules'))
      } else walk(child)
    }
  }
  walk(path.join(gitDir, 'modules'))
  return found
}

/**
 * Is this the content of a usable loose ref file: an object id, or `ref: <name>`? Pure. A
 * zero-length or garbled ref (a crash or power loss before the data reached the disk) makes
 * every later fetch into it fail.
 */
export function isValidLooseRef(content: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})\s*$/.test(content) || /^ref: refs\/\S+\s*$/.test(content)
}

function walkRefFiles(gitDir: string, relative: string, found: string[]): void {
  for (const name of entriesOf(path.join(gitDir, relative))) {
    const child = `${relative}/${name}`
    const full = path.join(gitDir, child)
    if (isRealDirectory(full)) walkRefFiles(gitDir, child, found)
    else if (!isGitLockFile(child)) found.push(full)
  }
}

/** Loose ref files (clone and submodules) whose content is not a ref. Reads only. */
export function findBrokenRefs(gitDir: string): string[] {
  const broken: string[] = []
  for (const dir of gitDirsUnder(gitDir)) {
    const refs: string[] = []
    walkRefFiles(dir, 'refs', refs)
    for (const file of refs) {
      let content: string
      try {
        content = readFileSync(file, 'latin1')
      } catch {
        continue
      }
      if (!isValidLooseRef(content)) broken.push(file)
    }
  }
  return broken.sort()
}

/**
 * What is wrong with an index file's bytes, or undefined when git can read it: signature
 * `DIRC`, version 2–4, and the trailing checksum of everything before it (SHA-1 or SHA-256,
 * or zeros under index.skipHash). Pure.
 */
export function indexProblem(data: Buffer): string | undefined {
  if (data.length < 12 + 20) return 'it is shorter than an index header'
  if (data.toString('latin1', 0, 4) !== 'DIRC') return 'it has no index signature'
  const version = data.readUInt32BE(4)
  if (version < 2 || version > 4) return `it has an unknown index version ${version}`
  for (const [algorithm, size] of [
    ['sha1', 20],
    ['sha256', 32]
  ] as const) {
    if (data.length < 12 + size) continue
    const trailer = data.subarray(data.length - size)
    const body = data.subarray(0, data.length - size)
    if (trailer.every(b => b === 0)) return undefined
    if (createHash(algorithm).update(body).digest().equals(trailer)) return undefined
  }
  return 'its checksum does not match its content (truncated or overwritten)'
}

/** Index files (clone and submodules) that git could not read. Reads only. */
export function findDamagedIndexes(gitDir: string): { file: string; problem: string }[] {
  const damaged: { file: string; problem: string }[] = []
  for (const dir of gitDirsUnder(gitDir)) {
    const file = path.join(dir, 'index')
    let data: Buffer
    try {
      data = readFileSync(file)
    } catch {
      continue // no index: git treats it as empty, reset rebuilds it
    }
    const problem = indexProblem(data)
    if (problem) damaged.push({ file, problem })
  }
  return damaged
}

/**
 * Removes broken ref files and damaged index files (both derived data: refs are fetched again,
 * the index is rebuilt from HEAD). Safe only under the shared clone's lock (§3.2). Logs each.
 * Returns the removed paths and whether the clone's own index was among them.
 */
export function removeDamagedGitFiles(
  gitDir: string,
  logger: Logger
): { removed: string[]; rebuildIndex: boolean } {
  const removed: string[] = []
  for (const file of findBrokenRefs(gitDir)) {
    rmSync(file, { force: true })
    logger.info(`removed broken ref file ${file} (its content is not a ref); it is fetched again`)
    removed.push(file)
  }
  let rebuildIndex = false
  for (const { file, problem } of findDamagedIndexes(gitDir)) {
    rmSync(file, { force: true })
    logger.info(`removed damaged index ${file} (${problem}); it is rebuilt from HEAD`)
    removed.push(file)
    if (file === path.join(gitDir, 'index')) rebuildIndex = true
  }
  return { removed, rebuildIndex }
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

export interface StaleLockOptions {
  /** Refs under this prefix are someone else's to repair (a tree's pin, guarded by its tree lock). */
  except?: string
}

/**
 * Removes the lock files that killed git processes left behind. Safe only because the caller
 * holds the shared clone's lock (§3.2): no live git process of ours can own them. Logs each.
 */
export function removeStaleGitLocks(
  gitDir: string,
  logger: Logger,
  options: StaleLockOptions = {}
): string[] {
  const removed: string[] = []
  const skipped = options.except ? path.join(gitDir, ...options.except.split('/')) : undefined
  for (const file of findGitLockFiles(gitDir)) {
    if (skipped && file.startsWith(skipped)) continue
    rmSync(file, { force: true })
    logger.info(`removed stale git lock file ${file} (left by a git process that was killed)`)
    removed.push(file)
  }
  return removed
}
