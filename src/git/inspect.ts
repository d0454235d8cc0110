import {
  existsSync,
  openSync,
  readSync,
  closeSync,
  fstatSync,
  readdirSync,
  readFileSync,
  statSync
} from 'node:fs'
import path from 'node:path'
import { inflateSync } from 'node:zlib'
import { GitError, runGit, type GitContext } from './git.js'

export type CloneState =
  | { kind: 'missing' }
  | { kind: 'good'; head?: string; shallow: boolean }
  | { kind: 'wrong-origin'; origin: string }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'not-a-repo'; reason: string }

/**
 * A repository identity for comparing origins: scheme-less host, case-insensitive path
 * (GitHub treats owner/name case-insensitively), no credentials, no `.git`, no trailing '/'.
 * Local paths and file:// URLs compare by their absolute path. Pure.
 */
export function normalizeRemoteUrl(remote: string): string {
  const trimmed = remote.trim()
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const url = new URL(trimmed)
    if (url.protocol === 'file:')
      return `file:${stripGit(path.resolve(decodeURIComponent(url.pathname)))}`
    const port = url.port ? `:${url.port}` : ''
    return `${url.hostname.toLowerCase()}${port}${stripGit(url.pathname).toLowerCase()}`
  }
  const scp = /^(?:[^@/]+@)?([^:/]+):(.+)$/.exec(trimmed) // git@github.com:owner/name.git
  if (scp && !path.isAbsolute(trimmed))
    return `${scp[1].toLowerCase()}/${stripGit(scp[2]).toLowerCase()}`
  return `file:${stripGit(path.resolve(trimmed))}`
}

function stripGit(p: string): string {
  return p
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '')
}

export function sameRepository(a: string, b: string): boolean {
  return normalizeRemoteUrl(a) === normalizeRemoteUrl(b)
}

/**
 * Finds a damaged object store without reading every object (`git fsck` is too slow for big
 * clones): every loose object must inflate completely to its announced size, and every pack
 * must end with the checksum its index records (what git itself checks when it opens a pack).
 * Returns the first problem found, or undefined.
 */
export function findObjectStoreDamage(gitDir: string, hashBytes = 20): string | undefined {
  const objects = path.join(gitDir, 'objects')
  for (const fanout of safeReaddir(objects)) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue
    for (const name of safeReaddir(path.join(objects, fanout))) {
      if (!/^[0-9a-f]+$/.test(name)) continue // tmp_obj_* from a killed writer: harmless
      const file = path.join(objects, fanout, name)
      const problem = looseObjectProblem(file)
      if (problem) return `${file}: ${problem}`
    }
  }
  const packDir = path.join(objects, 'pack')
  for (const name of safeReaddir(packDir)) {
    if (!name.endsWith('.idx')) continue
    const idx = path.join(packDir, name)
    const pack = idx.replace(/\.idx$/, '.pack')
    if (!existsSync(pack)) return `${idx}: its pack file is missing`
    const recorded = readTail(idx, 2 * hashBytes)?.subarray(0, hashBytes)
    const actual = readTail(pack, hashBytes)
    if (!recorded || !actual || !recorded.equals(actual)) return `${pack}: truncated or damaged`
  }
  return undefined
}

function looseObjectProblem(file: string): string | undefined {
  let data: Buffer
  try {
    data = inflateSync(readFileSync(file))
  } catch (error) {
    return `cannot be inflated (${(error as Error).message})`
  }
  const nul = data.indexOf(0)
  const header = /^(blob|tree|commit|tag) (\d+)$/.exec(
    data.subarray(0, Math.max(nul, 0)).toString('latin1')
  )
  if (nul < 0 || !header) return 'has no valid object header'
  if (data.length - nul - 1 !== Number(header[2])) return 'is truncated'
  return undefined
}

function readTail(file: string, length: number): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const size = fstatSync(fd).size
    if (size < length) return undefined
    const buffer = Buffer.alloc(length)
    readSync(fd, buffer, 0, length, size - length)
    return buffer
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/**
 * Classifies an existing shared clone cheaply (§3.2): is it a git repository of its own
 * (not one found in a parent directory), is `origin` the requested repository, can HEAD's
 * commit and tree be read, is the object store intact.
 */
export async function inspectClone(
  ctx: GitContext,
  clonePath: string,
  remoteUrl: string
): Promise<CloneState> {
  let stat
  try {
    stat = statSync(clonePath)
  } catch {
    return { kind: 'missing' }
  }
  if (!stat.isDirectory()) return { kind: 'not-a-repo', reason: 'it is not a directory' }
  if (readdirSync(clonePath).length === 0) return { kind: 'missing' }
  const gitDir = path.join(clonePath, '.git')
  if (!existsSync(path.join(gitDir, 'HEAD'))) {
    return { kind: 'not-a-repo', reason: `${gitDir} is missing or has no HEAD` }
  }
  // The ceiling keeps git from answering with a repository in a parent directory.
  const env = { ...ctx.env, GIT_CEILING_DIRECTORIES: path.dirname(clonePath) }
  const local: GitContext = { ...ctx, env }
  try {
    await runGit(local, clonePath, ['rev-parse', '--absolute-git-dir'])
    const origin = (
      await runGit(local, clonePath, ['config', '--get', 'remote.origin.url'], { okExitCodes: [1] })
    ).stdout.trim()
    if (!sameRepository(origin, remoteUrl))
      return { kind: 'wrong-origin', origin: origin || '(none)' }
    const format = (
      await runGit(local, clonePath, ['rev-parse', '--show-object-format'])
    ).stdout.trim()
    const damage = findObjectStoreDamage(gitDir, format === 'sha256' ? 32 : 20)
    if (damage) return { kind: 'corrupt', reason: damage }
    const head = await runGit(
      local,
      clonePath,
      ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
      {
        okExitCodes: [1]
      }
    )
    const shallow = existsSync(path.join(gitDir, 'shallow'))
    if (head.exitCode !== 0) {
      // An unborn branch (a clone whose first checkout never happened) is fine; a detached
      // HEAD naming a missing commit is not.
      const symbolic = await runGit(local, clonePath, ['symbolic-ref', '-q', 'HEAD'], {
        okExitCodes: [1]
      })
      if (symbolic.exitCode === 0) return { kind: 'good', shallow }
      return { kind: 'corrupt', reason: 'HEAD names a commit that is not in the repository' }
    }
    const sha = head.stdout.trim()
    await runGit(local, clonePath, ['cat-file', '-e', `${sha}^{tree}`])
    return { kind: 'good', head: sha, shallow }
  } catch (error) {
    if (error instanceof GitError) return { kind: 'corrupt', reason: error.message }
    throw error
  }
}
