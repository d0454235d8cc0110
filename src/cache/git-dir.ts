/**
 * What may travel through the cache, on the way out (save) and on the way in (restore): a
 * `.git` directory without credentials, logs, hooks or lock files, whose config holds only
 * what a clone needs. A restored archive is untrusted input (any job of the repository can
 * write a cache entry), hence the allow-list rather than a deny-list.
 */
import { execFile } from 'node:child_process'
import { copyFile, link, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { sameRepository } from '../repo/identity.js'

/** Entries of a git dir (or of a submodule's git dir under modules/) never archived. */
const EXCLUDED_NAMES = new Set([
  'hooks', // executable code: never carried from one job to another
  'logs', // reflogs: local history, may name fetch URLs
  'FETCH_HEAD', // names the fetch URL
  'ORIG_HEAD',
  'index', // describes a working tree, which is never archived
  'gc.pid',
  'gc.log'
])

/** git's own lock files (§3.2) and ours are never archived. */
function isExcluded(name: string): boolean {
  return EXCLUDED_NAMES.has(name) || name.endsWith('.lock') || name.startsWith('tmp_')
}

/** Config keys a clone needs; everything else (credential helpers, extraheaders, hooksPath,
 * fsmonitor, filters, includes, …) is dropped. */
const ALLOWED_CONFIG_KEY =
  /^(core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks)|remote\.origin\.(url|fetch|tagopt|promisor|partialclonefilter)|extensions\.[a-z]+|submodule\..+\.(url|active)|branch\..+\.(remote|merge)|lfs\.repositoryformatversion)$/
const URL_KEY = /^(remote\.origin|submodule\..+)\.url$/
const CREDENTIAL_KEY = /(^credential\.|extraheader$|^include\.|^includeif\.)/i

export interface SanitizedConfig {
  text: string
  /** Keys that carried or could lead to credentials (stripped). */
  credentialKeys: string[]
  dropped: string[]
}

/** `https://user:token@host/x` → `https://host/x`; other strings unchanged. */
export function stripUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
}

/**
 * Pure: from `git config --list --null` output to an allow-listed config file. `worktreeRoot`
 * (submodule git dirs only) lets a relative core.worktree through when it stays inside.
 */
export function sanitizeConfig(
  listing: string,
  options: { gitDir?: string; cloneRoot?: string } = {}
): SanitizedConfig {
  const sections = new Map<string, string[]>()
  const credentialKeys: string[] = []
  const dropped: string[] = []
  for (const record of listing.split('\0')) {
    if (!record) continue
    const newline = record.indexOf('\n')
    const key = newline < 0 ? record : record.slice(0, newline)
    let value = newline < 0 ? 'true' : record.slice(newline + 1)
    const lower = key.toLowerCase()
    if (CREDENTIAL_KEY.test(lower)) credentialKeys.push(key)
    let allowed = ALLOWED_CONFIG_KEY.test(lower)
    if (lower === 'core.worktree' && options.gitDir && options.cloneRoot && !isAbsolute(value)) {
      allowed = isInside(options.cloneRoot, resolve(options.gitDir, value))
    }
    if (!allowed) {
      dropped.push(key)
      continue
    }
    if (URL_KEY.test(lower) && stripUrlCredentials(value) !== value) {
      credentialKeys.push(key)
      value = stripUrlCredentials(value)
    }
    const first = key.indexOf('.')
    const last = key.lastIndexOf('.')
    const section = key.slice(0, first)
    const header =
      first === last
        ? `[${section}]`
        : `[${section} "${escapeSubsection(key.slice(first + 1, last))}"]`
    const lines = sections.get(header) ?? []
    lines.push(`\t${key.slice(last + 1)} = ${quoteValue(value)}`)
    sections.set(header, lines)
  }
  const text = [...sections].map(([header, lines]) => `${header}\n${lines.join('\n')}\n`).join('')
  return { text, credentialKeys, dropped }
}

function escapeSubsection(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

function quoteValue(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
  return `"${escaped}"`
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

export async function runGit(args: string[], cwd: string): Promise<string> {
  // Strip variables that would point git at another repository than `cwd`.
  const env = { ...process.env }
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) {
    delete env[name]
  }
  return new Promise((resolvePromise, reject) => {
    execFile('git', args, { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`git ${args[0]} failed in ${cwd}: ${stderr.trim() || error.message}`))
      else resolvePromise(stdout)
    })
  })
}

/** Reads `configPath` through git (so includes/quoting are git's) and rewrites it sanitized. */
export async function sanitizeConfigFile(
  configPath: string,
  options: { gitDir?: string; cloneRoot?: string } = {}
): Promise<SanitizedConfig> {
  const listing = await runGit(
    ['config', '--file', configPath, '--no-includes', '--list', '--null'],
    '/'
  )
  const sanitized = sanitizeConfig(listing, options)
  // rm first: on save the staged file may be a hard link to the live config.
  await rm(configPath, { force: true })
  await writeFile(configPath, sanitized.text, { mode: 0o644 })
  return sanitized
}

/** Every git dir in a `.git`: itself and the submodule git dirs under modules/. */
async function submoduleGitDirs(gitDir: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue
      const child = join(dir, entry.name)
      const isGitDir = await lstat(join(child, 'HEAD')).then(
        () => true,
        () => false
      )
      if (isGitDir) found.push(child)
      await walk(isGitDir ? join(child, 'modules') : child)
    }
  }
  await walk(join(gitDir, 'modules'))
  return found
}

/**
 * Stages a copy of `sourceGitDir` at `targetGitDir` for archiving: hard links (cheap, same
 * file system: the stage is a sibling of the clone), with EXCLUDED entries left out and
 * every config rewritten sanitized (a new file, never written through a link).
 */
export async function stageGitDirForArchive(
  sourceGitDir: string,
  targetGitDir: string
): Promise<{ credentialKeys: string[] }> {
  const copyTree = async (from: string, to: string): Promise<void> => {
    await mkdir(to, { recursive: true })
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (isExcluded(entry.name)) continue
      const source = join(from, entry.name)
      const target = join(to, entry.name)
      if (entry.isDirectory()) await copyTree(source, target)
      else if (entry.isFile()) {
        await link(source, target).catch(() => copyFile(source, target))
      }
      // Symlinks and sockets are not part of a git dir git creates: left out.
    }
  }
  await copyTree(sourceGitDir, targetGitDir)
  const credentialKeys: string[] = []
  const cloneRoot = resolve(targetGitDir, '..')
  for (const gitDir of [targetGitDir, ...(await submoduleGitDirs(targetGitDir))]) {
    const config = join(gitDir, 'config')
    const exists = await lstat(config).then(
      () => true,
      () => false
    )
    if (!exists) continue
    const sanitized = await sanitizeConfigFile(config, { gitDir, cloneRoot })
    credentialKeys.push(
      ...sanitized.credentialKeys.map(key => `${relative(cloneRoot, config)}: ${key}`)
    )
  }
  return { credentialKeys }
}

/**
 * Makes a restored `.git` safe to use: no hooks, no alternates pointing into another
 * machine, allow-listed configs. Throws when a config cannot be read (corrupt archive).
 */
export async function sanitizeRestoredGitDir(gitDir: string): Promise<void> {
  const cloneRoot = resolve(gitDir, '..')
  for (const dir of [gitDir, ...(await submoduleGitDirs(gitDir))]) {
    for (const name of EXCLUDED_NAMES) {
      if (name !== 'index') await rm(join(dir, name), { recursive: true, force: true })
    }
    await rm(join(dir, 'objects', 'info', 'alternates'), { force: true })
    await sanitizeConfigFile(join(dir, 'config'), { gitDir: dir, cloneRoot })
  }
}

export type RepositoryVerdict = { valid: true } | { valid: false; reason: string }

/**
 * The minimal check of a restored store when the caller plugs in none: a git directory whose
 * origin is `expectedRemote` (compared as repository identities: case-insensitive, `.git` and
 * scheme details aside) and that holds at least one commit a ref names.
 */
export async function verifyRestoredRepository(
  gitDir: string,
  expectedRemote: string
): Promise<RepositoryVerdict> {
  try {
    const origin = (
      await runGit(['--git-dir', gitDir, 'config', '--get', 'remote.origin.url'], gitDir).catch(
        () => ''
      )
    ).trim()
    if (!sameRepository(origin, expectedRemote)) {
      return {
        valid: false,
        reason: `its origin is ${origin || '(none)'}, expected ${expectedRemote}`
      }
    }
    const first = (
      await runGit(
        ['--git-dir', gitDir, 'for-each-ref', '--count=1', '--format=%(objectname)', 'refs/'],
        gitDir
      )
    ).trim()
    if (!first) return { valid: false, reason: 'it has no refs' }
    await runGit(['--git-dir', gitDir, 'cat-file', '-e', `${first}^{commit}`], gitDir)
    return { valid: true }
  } catch (error) {
    return { valid: false, reason: error instanceof Error ? error.message : String(error) }
  }
}

/** Reads a small file, or '' when it is missing. */
export async function readIfPresent(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '')
}
