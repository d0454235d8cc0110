/**
 * The benchmark's upstream repository: generated once per set of parameters and kept in the temp
 * dir between runs (generation is deterministic, so a cached copy is the same repository), or
 * any local repository the user names. Each run works on its own bare copy, because the
 * incremental-sync benchmark appends commits to it.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { generateRepo } from '../../testkit/generate-repo.js'

const execFileAsync = promisify(execFile)
/** Bump when the generator or the preparation below changes what ends up in the cache. */
const CACHE_VERSION = 1

export interface RepoParameters {
  commits: number
  files: number
  seed: number
}

export interface PreparedRepo {
  /** Bare repository to copy from. */
  source: string
  description: string
  /** Seconds spent generating (0 when it came from the cache or the user). */
  generatedSeconds: number
  fromCache: boolean
}

export function cacheDirFor(p: RepoParameters): string {
  return path.join(
    tmpdir(),
    'shared-checkout-bench-repos',
    `v${CACHE_VERSION}-c${p.commits}-f${p.files}-s${p.seed}.git`
  )
}

export async function generatedRepo(
  p: RepoParameters,
  log: (line: string) => void
): Promise<PreparedRepo> {
  const dir = cacheDirFor(p)
  const description = `generated: ${p.commits} commits, ${p.files} files (seed ${p.seed})`
  if (existsSync(path.join(dir, 'bench-complete'))) {
    return { source: dir, description, generatedSeconds: 0, fromCache: true }
  }
  log(`generating the repository (${p.commits} commits, ${p.files} files) into ${dir} ...`)
  const partial = `${dir}.partial-${process.pid}`
  await rm(partial, { recursive: true, force: true })
  const made = await generateRepo(partial, { commits: p.commits, files: p.files, seed: p.seed })
  // Generation wrote only to `partial`: a killed run never leaves a half repository in the cache.
  await writeFile(path.join(partial, 'bench-complete'), `${made.head}\n`)
  await rm(dir, { recursive: true, force: true })
  await rename(partial, dir)
  return { source: dir, description, generatedSeconds: made.elapsedMs / 1000, fromCache: false }
}

/** A user's repository (bare or not): cloned bare once per run, so it is never modified. */
export async function userRepo(repoPath: string): Promise<PreparedRepo> {
  const resolved = path.resolve(repoPath)
  if (!existsSync(resolved)) throw new Error(`bench: --repo ${resolved} does not exist`)
  return {
    source: resolved,
    description: `local: ${resolved}`,
    generatedSeconds: 0,
    fromCache: false
  }
}

/**
 * Copies `source` into `<serverRoot>/<owner>/<name>.git` (a mirror clone for a user repository,
 * a plain copy for a generated one, which keeps the generator's config for appendCommits).
 */
export async function installUpstream(
  repo: PreparedRepo,
  serverRoot: string,
  owner: string,
  name: string
): Promise<string> {
  const bare = path.join(serverRoot, owner, `${name}.git`)
  await mkdir(path.dirname(bare), { recursive: true })
  if (repo.description.startsWith('generated')) await execFileAsync('cp', ['-a', repo.source, bare])
  else await execFileAsync('git', ['clone', '--quiet', '--mirror', repo.source, bare])
  return bare
}

export async function headOf(bare: string, branch: string): Promise<string> {
  const { stdout } = await execFileAsync('git', ['rev-parse', `refs/heads/${branch}`], {
    cwd: bare
  })
  return stdout.trim()
}

/** The default branch of a bare repository (its HEAD). */
export async function defaultBranch(bare: string): Promise<string> {
  const { stdout } = await execFileAsync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: bare })
  return stdout.trim()
}
