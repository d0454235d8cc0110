/**
 * Making a git directory the action's again (§3.6): whatever a job left in it — config keys
 * (filters, fsmonitor, hooksPath, include.path, url.*.insteadOf, core.sshCommand, diff.external,
 * …), hooks, info/attributes, alternates, a `commondir` or `gitdir` file that would make git read
 * another directory's config, old-style `remotes/`, rebase or merge state — is removed by an
 * allow-list, and the config is written afresh from what the action needs. The same function
 * serves the store (under the store lock) and each tree (under its tree lock).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../fs/write.js'

export interface GitDirSpec {
  /** Entries of the git directory that survive (everything else is removed). */
  keep: ReadonlySet<string>
  /** The complete config file. */
  config: string
  /** Content of objects/info/alternates; undefined: no alternates. */
  alternates?: string
}

/** Removed without a log line: ordinary by-products of git commands. */
const ROUTINE = new Set([
  'FETCH_HEAD',
  'ORIG_HEAD',
  'logs',
  'COMMIT_EDITMSG',
  'description',
  'branches',
  'gc.log',
  'gc.pid'
])

/**
 * Applies `spec` to `gitDir` (which must exist). Returns the unexpected entries it removed, for
 * the log (stale lock files and routine by-products are removed quietly by the callers' rules).
 */
export function resetGitDir(gitDir: string, spec: GitDirSpec): string[] {
  const removed: string[] = []
  for (const entry of readdirSync(gitDir)) {
    if (spec.keep.has(entry)) continue
    rmSync(path.join(gitDir, entry), { recursive: true, force: true })
    if (!ROUTINE.has(entry) && !entry.endsWith('.lock')) removed.push(entry)
  }
  // Hooks and info (attributes, exclude, sparse-checkout, grafts) start empty every time.
  for (const dir of ['hooks', 'info']) {
    rmSync(path.join(gitDir, dir), { recursive: true, force: true })
    mkdirSync(path.join(gitDir, dir))
  }
  const objectsInfo = path.join(gitDir, 'objects', 'info')
  mkdirSync(objectsInfo, { recursive: true })
  for (const name of ['alternates', 'http-alternates'])
    rmSync(path.join(objectsInfo, name), { force: true })
  if (spec.alternates !== undefined)
    writeFileAtomic(path.join(objectsInfo, 'alternates'), spec.alternates)
  writeFileAtomic(path.join(gitDir, 'config'), spec.config)
  return removed
}

/** One `[section]` or `[section "sub"]` block. */
export interface ConfigSection {
  name: string
  subsection?: string
  values: [string, string | number | boolean][]
}

/** Renders a git config file. Values are quoted and escaped; pure. */
export function renderConfig(sections: readonly ConfigSection[]): string {
  const quote = (value: string): string =>
    `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
  return sections
    .filter(section => section.values.length > 0)
    .map(section => {
      const header =
        section.subsection === undefined
          ? `[${section.name}]`
          : `[${section.name} ${quote(section.subsection)}]`
      const lines = section.values.map(
        ([key, value]) => `\t${key} = ${typeof value === 'string' ? quote(value) : String(value)}`
      )
      return `${header}\n${lines.join('\n')}\n`
    })
    .join('')
}

/** The object format of a repository, read from its config text ('sha1' when unset). Pure. */
export function objectFormatOf(configText: string): 'sha1' | 'sha256' {
  return /^\s*objectformat\s*=\s*"?sha256"?\s*$/im.test(configText) ? 'sha256' : 'sha1'
}
