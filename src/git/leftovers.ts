/**
 * State an earlier job left in the shared clone that would change what this job checks out, or
 * make every later sync fail (§3.2 "never silently used"): repository-layout and redirect
 * settings in its config, a sparse checkout, index entries flagged skip-worktree or
 * assume-unchanged. Undone under the lock, each undoing logged.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Logger } from '../logger.js'
import { runGit, type GitContext } from './git.js'

export interface ConfigValue {
  key: string
  value: string
}

export type ConfigRepair = { key: string; set: string; why: string } | { key: string; why: string }

/** `git config --list --null` output: `key\nvalue\0` records (a key alone for `[x] y`). Pure. */
export function parseConfigList(output: string): ConfigValue[] {
  return output
    .split('\0')
    .filter(record => record !== '')
    .map(record => {
      const newline = record.indexOf('\n')
      return newline < 0
        ? { key: record, value: 'true' }
        : { key: record.slice(0, newline), value: record.slice(newline + 1) }
    })
}

/**
 * Which settings of the clone's own config files to undo. Pure. Keys come lower-cased from git
 * except URL subsections, which are matched case-insensitively here.
 */
export function configRepairs(values: readonly ConfigValue[]): ConfigRepair[] {
  const repairs: ConfigRepair[] = []
  const seen = new Set<string>()
  for (const { key, value } of values) {
    const lower = key.toLowerCase()
    if (seen.has(key)) continue
    if (lower === 'core.bare' && /^(true|yes|on|1)$/i.test(value)) {
      repairs.push({ key, set: 'false', why: 'a shared clone has a working tree' })
    } else if (lower === 'core.worktree') {
      repairs.push({ key, why: 'it moves the working tree out of the shared clone' })
    } else if (/^url\..+\.(insteadof|pushinsteadof)$/.test(lower)) {
      repairs.push({ key, why: 'it would redirect fetches away from the requested server' })
    } else if (/^http\.(.+\.)?extraheader$/.test(lower)) {
      repairs.push({ key, why: 'a stored header clashes with the credentials of each job' })
    } else continue
    seen.add(key)
  }
  return repairs
}

export interface FlaggedPaths {
  /** Tag `S`: git neither checks these out nor looks at them. */
  skipWorktree: string[]
  /** Lower-case tag: git does not notice changes to these. */
  assumeUnchanged: string[]
}

/** Index entries flagged by an earlier job, from `git ls-files -v -z` output. Pure. */
export function flaggedIndexPaths(lsFilesV: string): FlaggedPaths {
  const flagged: FlaggedPaths = { skipWorktree: [], assumeUnchanged: [] }
  for (const line of lsFilesV.split('\0')) {
    if (line.length < 3) continue
    const tag = line[0]
    if (tag === 'S') flagged.skipWorktree.push(line.slice(2))
    else if (tag >= 'a' && tag <= 'z') flagged.assumeUnchanged.push(line.slice(2))
  }
  return flagged
}

const PATHS_PER_CALL = 500

function isSparseCheckoutOn({ key, value }: ConfigValue): boolean {
  return key.toLowerCase() === 'core.sparsecheckout' && /^(true|yes|on|1)$/i.test(value)
}

function mayHaveReplaceRefs(gitDir: string): boolean {
  if (existsSync(path.join(gitDir, 'refs', 'replace'))) return true
  try {
    return readFileSync(path.join(gitDir, 'packed-refs'), 'latin1').includes(' refs/replace/')
  } catch {
    return false
  }
}

/** Undoes what an earlier job left (see the module comment). Returns one line per undoing. */
export async function undoLeftovers(
  ctx: GitContext,
  clonePath: string,
  log: Logger
): Promise<string[]> {
  const undone: string[] = []
  const gitDir = path.join(clonePath, '.git')
  let sparse = false
  for (const file of [path.join(gitDir, 'config'), path.join(gitDir, 'config.worktree')]) {
    if (!existsSync(file)) continue
    // --file: readable even when core.worktree/core.bare make the repository unusable.
    const listed = await runGit(ctx, clonePath, ['config', '--file', file, '--list', '--null'], {
      okExitCodes: [1]
    })
    const values = parseConfigList(listed.stdout)
    sparse = sparse || values.some(v => isSparseCheckoutOn(v))
    for (const repair of configRepairs(values)) {
      const args =
        'set' in repair
          ? ['config', '--file', file, repair.key, repair.set]
          : ['config', '--file', file, '--unset-all', repair.key]
      await runGit(ctx, clonePath, args, { okExitCodes: [5] })
      const what = 'set' in repair ? `set ${repair.key}=${repair.set}` : `removed ${repair.key}`
      const line = `${what} in ${file} (${repair.why})`
      log.info(`${line}; it was left by an earlier job`)
      undone.push(line)
    }
  }

  if (sparse) {
    await runGit(ctx, clonePath, ['sparse-checkout', 'disable'])
    const line = `disabled the sparse checkout of ${clonePath}`
    log.info(`${line}; it was left by an earlier job and would hide files of this checkout`)
    undone.push(line)
  }

  // Looked up only when some exist: a warm sync should not pay a git process for nothing.
  if (mayHaveReplaceRefs(gitDir)) {
    const refs = await runGit(ctx, clonePath, [
      'for-each-ref',
      '--format=%(refname)',
      'refs/replace/'
    ])
    for (const ref of refs.stdout.split('\n').filter(Boolean)) {
      await runGit(ctx, clonePath, ['update-ref', '-d', ref])
      const line = `removed ${ref} from ${clonePath}`
      log.info(`${line} (left by an earlier job; it would swap the content of a commit)`)
      undone.push(line)
    }
  }

  const listing = await runGit(ctx, clonePath, ['ls-files', '-v', '-z'], { okExitCodes: [128] })
  const flagged = flaggedIndexPaths(listing.exitCode === 0 ? listing.stdout : '')
  // One flag per call: update-index applies only one of --no-skip-worktree/--no-assume-unchanged.
  for (const [flag, paths] of [
    ['--no-skip-worktree', flagged.skipWorktree],
    ['--no-assume-unchanged', flagged.assumeUnchanged]
  ] as const) {
    for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
      await runGit(ctx, clonePath, [
        'update-index',
        flag,
        '--',
        ...paths.slice(i, i + PATHS_PER_CALL)
      ])
    }
    if (paths.length > 0) {
      const line = `cleared ${flag.slice(5)} on ${paths.length} index entries of ${clonePath}`
      log.info(`${line} (left by an earlier job; git would not check those files out)`)
      undone.push(line)
    }
  }
  return undone
}
