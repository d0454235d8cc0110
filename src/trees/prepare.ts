/**
 * Making a tree the action's again before any git command runs in it (§3.6). A tree is a
 * working directory whose git directory `.git` is its own — config, hooks, index, HEAD, info,
 * refs — and borrows every object from the store through `objects/info/alternates`. Whatever
 * the previous job did to it is undone here, under the tree's lock and after every process it
 * left in the tree was ended (§3.8): the git directory is reset by allow-list and its config
 * written afresh, local objects and refs are dropped (refs are rewritten from the store), and
 * an index that hides files is dropped.
 */
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync
} from 'node:fs'
import path from 'node:path'
import {
  entriesOf,
  isRealDirectory,
  pathExists,
  readRegularFile,
  writeFileAtomic
} from '../fs/write.js'
import { renderConfig, resetGitDir, type ConfigSection } from '../git/gitdir.js'
import { indexProblem, removeDamagedGitFiles, removeStaleGitLocks } from '../git/repair.js'
import type { Logger } from '../logger.js'
import type { RepoLayout } from '../repo/layout.js'
import { readRefs, renderPackedRefs } from '../store/refs-files.js'
import { moveAside } from '../store/store.js'
import { judgeIndex } from './index-file.js'
import { EVERY_PATH_PATTERNS, indexHasSkipWorktree, type SparseSpec } from './sparse.js'

/** What survives in a tree's git directory; everything else a job left is removed. */
export const TREE_KEEP: ReadonlySet<string> = new Set([
  'HEAD',
  'config',
  'index',
  'objects',
  'refs',
  'packed-refs',
  'shallow',
  'hooks',
  'info',
  'modules',
  'lfs'
])

export type { SparseSpec } from './sparse.js'

export interface TreeConfigInput {
  /** `origin` of the tree: where the job's own `git fetch` goes (HTTPS, or SSH with ssh-key). */
  originUrl: string
  objectFormat: 'sha1' | 'sha256'
  /** The store's partial-clone filter: objects left out are fetched on demand. */
  filter?: string
  platform: NodeJS.Platform
  sparse?: SparseSpec
  /**
   * `lfs: true`: git-lfs's own filter commands, so the job's `git status` sees LFS files as
   * unchanged without a global `git lfs install` (the action's commands skip the smudge).
   */
  lfs?: boolean
}

/**
 * What `git init` would write on this platform's usual file system, plus origin; nothing a job
 * could have planted survives because nothing else is written. Pure.
 */
export function treeConfig(input: TreeConfigInput): string {
  const partial = Boolean(input.filter)
  const extensions: [string, string][] = []
  if (input.objectFormat === 'sha256') extensions.push(['objectformat', 'sha256'])
  if (partial) extensions.push(['partialclone', 'origin'])
  const core: ConfigSection['values'] = [
    ['repositoryformatversion', extensions.length > 0 ? 1 : 0],
    ['filemode', input.platform !== 'win32'],
    ['bare', false],
    ['logallrefupdates', true],
    // An untracked cache a job left in the index would describe its files, not ours.
    ['untrackedCache', false]
  ]
  if (input.platform === 'win32') core.push(['symlinks', false], ['ignorecase', true])
  if (input.platform === 'darwin') core.push(['ignorecase', true], ['precomposeunicode', true])
  if (input.sparse && input.sparse.patterns.length > 0)
    core.push(['sparseCheckout', true], ['sparseCheckoutCone', input.sparse.cone])
  const origin: ConfigSection = {
    name: 'remote',
    subsection: 'origin',
    values: [
      ['url', input.originUrl],
      ['fetch', '+refs/heads/*:refs/remotes/origin/*']
    ]
  }
  if (partial) origin.values.push(['promisor', true], ['partialclonefilter', input.filter!])
  const lfsFilter: ConfigSection = {
    name: 'filter',
    subsection: 'lfs',
    values: input.lfs
      ? [
          ['clean', 'git-lfs clean -- %f'],
          ['smudge', 'git-lfs smudge -- %f'],
          ['process', 'git-lfs filter-process'],
          ['required', true]
        ]
      : []
  }
  return renderConfig([
    { name: 'core', values: core },
    { name: 'extensions', values: extensions },
    origin,
    lfsFilter,
    // The tree's own objects are dropped for the next job: packing them is wasted work.
    { name: 'gc', values: [['auto', 0]] }
  ])
}

export interface TreeSpec {
  layout: RepoLayout
  tree: number
  config: TreeConfigInput
  log: Logger
}

export interface PreparedTree {
  dir: string
  gitDir: string
  /** The tree was made now (no earlier checkout to update). */
  created: boolean
  /** What was removed or set aside, for the summary. */
  repairs: string[]
  setAside?: string
  /**
   * A full job over an index that flags entries skip-worktree (an earlier sparse job's): the
   * checkout must run sparse with every path (info/sparse-checkout is `/*`) to clear the bits.
   */
  expandSparse: boolean
}

/** A tree directory with an empty git directory borrowing from the store. */
function createTree(layout: RepoLayout, tree: number): void {
  const staging = path.join(layout.tmp, `tree-${tree}-${randomBytes(6).toString('hex')}`)
  const gitDir = path.join(staging, '.git')
  for (const dir of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'hooks', 'info'])
    mkdirSync(path.join(gitDir, dir), { recursive: true })
  writeFileAtomic(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n')
  mkdirSync(layout.treesDir, { recursive: true })
  renameSync(staging, layout.tree(tree))
}

/** Leftover tree builds of this tree number (a job killed while creating it). */
function removeStaleTreeBuilds(layout: RepoLayout, tree: number): void {
  for (const entry of entriesOf(layout.tmp)) {
    if (entry.startsWith(`tree-${tree}-`))
      rmSync(path.join(layout.tmp, entry), { recursive: true, force: true })
  }
}

/**
 * Brings tree `n` to a state in which the action alone decides what git does in it. Call under
 * the tree's lock, after ending the processes left in it.
 */
export function prepareTree(spec: TreeSpec): PreparedTree {
  const { layout, tree, log } = spec
  const dir = layout.tree(tree)
  const gitDir = path.join(dir, '.git')
  const repairs: string[] = []
  let setAside: string | undefined
  removeStaleTreeBuilds(layout, tree)

  if (pathExists(dir) && !isRealDirectory(dir)) {
    rmSync(dir, { force: true }) // a link or file planted where the tree belongs: never followed
    repairs.push(`${dir} (not a directory)`)
  }
  if (isRealDirectory(dir) && !isRealDirectory(gitDir)) {
    setAside = moveAside(layout, dir, `tree-${tree}`, `${gitDir} is not a git directory`, log)
  }
  let created = false
  if (!pathExists(dir)) {
    createTree(layout, tree)
    created = true
  }

  repairs.push(...removeStaleGitLocks(gitDir, log))
  const store = layout.store
  const lfsFilesLeft =
    hadLfsFilter(readRegularFile(path.join(gitDir, 'config'))) && !spec.config.lfs
  for (const entry of resetGitDir(gitDir, {
    keep: TREE_KEEP,
    config: treeConfig(spec.config),
    alternates: `${path.join(store, 'objects')}\n`
  })) {
    log.info(`removed .git/${entry} from tree ${tree} (left by an earlier job)`)
    repairs.push(path.join(gitDir, entry))
  }
  // The previous job's commits and fetches: the next job starts from the store alone.
  for (const entry of ['objects', 'refs', 'packed-refs', 'shallow']) {
    rmSync(path.join(gitDir, entry), { recursive: true, force: true })
  }
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
    mkdirSync(path.join(gitDir, sub), { recursive: true })
  writeFileAtomic(
    path.join(gitDir, 'objects', 'info', 'alternates'),
    `${path.join(store, 'objects')}\n`
  )
  // A shallow store's boundary commits lack parents: the tree must know it too.
  if (pathExists(path.join(store, 'shallow')))
    copyFileSync(path.join(store, 'shallow'), path.join(gitDir, 'shallow'))

  const sparse =
    spec.config.sparse && spec.config.sparse.patterns.length > 0 ? spec.config.sparse : undefined
  if (sparse)
    writeFileAtomic(path.join(gitDir, 'info', 'sparse-checkout'), sparseCheckoutFile(sparse))
  const index = path.join(gitDir, 'index')
  const hashBytes = spec.config.objectFormat === 'sha256' ? 32 : 20
  // --- issue 15: sparse checkout per tree (trees/sparse.ts) ---------------------------------
  // Skip-worktree bits are kept: every checkout recomputes them from patterns — the job's, or
  // for a full job `/*`, which writes only the files left out (dropping the index would rewrite
  // every file of the tree).
  const indexIssue =
    judgeIndexFile(index, hashBytes, true) ??
    // §1 lfs: the files hold LFS content that an LFS filter made look unchanged to git; only
    // a checkout without the index writes the pointers a job without `lfs` expects.
    (lfsFilesLeft && pathExists(index) ? 'an earlier job checked out LFS content' : undefined)
  if (indexIssue) {
    rmSync(index, { recursive: true, force: true })
    log.info(`dropped the index of tree ${tree}: ${indexIssue}; every file is written afresh`)
    repairs.push(`${index} (${indexIssue})`)
  }
  const expandSparse = !sparse && !indexIssue && indexHasSkipWorktree(index, hashBytes)
  if (expandSparse) {
    writeFileAtomic(path.join(gitDir, 'info', 'sparse-checkout'), EVERY_PATH_PATTERNS)
    log.info(
      `tree ${tree} was sparse for an earlier job: this checkout writes the files it left out`
    )
  }
  // --- end issue 15 ---------------------------------------------------------------------------
  sanitizeSubmoduleGitDirs(path.join(gitDir, 'modules'), dir)
  // A submodule's index left truncated by a killed job: derived data, rebuilt by its checkout.
  repairs.push(...removeDamagedGitFiles(gitDir, log).removed)
  return { dir, gitDir, created, repairs, setAside, expandSparse }
}

/** Did a tree's config (before it is rewritten) have an LFS filter? Pure. */
export function hadLfsFilter(config: string | undefined): boolean {
  return config !== undefined && /^\s*\[filter\s+"lfs"\]/im.test(config)
}

/**
 * The content of info/sparse-checkout (§1 sparse-checkout). Cone mode lists directories: each
 * directory's parents are included without their other subdirectories, as
 * `git sparse-checkout set --cone` writes it; otherwise the patterns are written as given. Pure.
 */
export function sparseCheckoutFile(sparse: SparseSpec): string {
  if (!sparse.cone) return sparse.patterns.join('\n') + '\n'
  const lines = ['/*', '!/*/']
  const seen = new Set<string>()
  const dirs = sparse.patterns
    .map(p => p.replace(/^\/+|\/+$/g, ''))
    .filter(p => p !== '')
    .sort()
  for (const dir of dirs) {
    const parts = dir.split('/')
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/')
      if (seen.has(parent)) continue
      seen.add(parent)
      lines.push(`/${parent}/`, `!/${parent}/*/`)
    }
    if (!seen.has(dir)) {
      seen.add(dir)
      lines.push(`/${dir}/`)
    }
  }
  return lines.join('\n') + '\n'
}

function judgeIndexFile(
  file: string,
  hashBytes: 20 | 32,
  allowSkipWorktree: boolean
): string | undefined {
  let data: Buffer
  try {
    if (!lstatSync(file).isFile()) return 'it is not a regular file'
    data = readFileSync(file)
  } catch {
    return undefined // no index: the checkout builds one
  }
  const damage = indexProblem(data)
  if (damage) return damage
  return judgeIndex(data, hashBytes, { allowSkipWorktree }).reason
}

/**
 * Submodules keep their own git directories under `.git/modules/` (full clones per tree); a
 * job could plant hooks and config there too. Their hooks and info go; their config keeps only
 * what a submodule clone needs (core settings, origin, a relative worktree).
 */
function sanitizeSubmoduleGitDirs(modulesDir: string, treeDir: string): void {
  if (!isRealDirectory(modulesDir)) return
  for (const gitDir of submoduleGitDirs(modulesDir)) {
    for (const dir of ['hooks', 'info']) {
      rmSync(path.join(gitDir, dir), { recursive: true, force: true })
      mkdirSync(path.join(gitDir, dir))
    }
    const configFile = path.join(gitDir, 'config')
    let text = ''
    try {
      text = readFileSync(configFile, 'utf8')
    } catch {
      continue
    }
    writeFileAtomic(configFile, submoduleConfig(text, { gitDir, treeDir }))
  }
}

function submoduleGitDirs(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const child = path.join(dir, entry.name)
    if (pathExists(path.join(child, 'HEAD')) && pathExists(path.join(child, 'config'))) {
      found.push(child)
      if (isRealDirectory(path.join(child, 'modules')))
        found.push(...submoduleGitDirs(path.join(child, 'modules')))
    } else found.push(...submoduleGitDirs(child))
  }
  return found
}

/**
 * Keeps the lines of a submodule's config that a clone needs, by a simple allow-list of keys in
 * the sections git writes for a submodule; everything else (filters, fsmonitor, hooksPath,
 * includes, url rewrites, sshCommand) is dropped. Pure.
 */
export function submoduleConfig(text: string, where?: { gitDir: string; treeDir: string }): string {
  const allowed: Record<string, RegExp> = {
    core: /^(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks|worktree)$/i,
    remote: /^(url|fetch)$/i,
    extensions: /^(objectformat)$/i
  }
  const out: string[] = []
  let section: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const header = /^\[([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\]$/.exec(line)
    if (header) {
      section = header[1].toLowerCase()
      const keep = section in allowed && (section !== 'remote' || header[2] === 'origin')
      if (keep) out.push(line)
      else section = undefined
      continue
    }
    if (!section || line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const key = /^([A-Za-z][A-Za-z0-9-]*)\s*(=|$)/.exec(line)?.[1]
    if (!key || !allowed[section].test(key)) continue
    // An absolute core.worktree, or one leading out of the tree, would point the submodule's
    // checkout at another tree or anywhere else.
    if (section === 'core' && /^worktree$/i.test(key)) {
      const value = /=\s*"?([^"]*)"?\s*$/.exec(line)?.[1] ?? ''
      if (!value.startsWith('../')) continue
      if (where) {
        const target = path.resolve(where.gitDir, value)
        const inside = path.relative(where.treeDir, target)
        if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) continue
      }
    }
    out.push(`\t${line}`)
  }
  return out.join('\n') + '\n'
}

/**
 * Writes the tree's refs: the store's remote branches and tags as of its last fetch, with the
 * ref this job asked for at the value it resolved to, and HEAD detached at the commit (§3.3).
 */
export function writeTreeRefs(
  layout: RepoLayout,
  gitDir: string,
  checkout: { sha: string; ref: string; refObject: string; targetKind: string }
): void {
  const refs = readRefs(layout.store, ['refs/remotes/origin', 'refs/tags'])
  const local = localRefName(checkout.ref, checkout.targetKind)
  if (local) refs.set(local, checkout.refObject || checkout.sha)
  writeFileAtomic(path.join(gitDir, 'packed-refs'), renderPackedRefs(refs))
  writeFileAtomic(path.join(gitDir, 'HEAD'), `${checkout.sha}\n`)
}

/** Where the tree shows the requested ref (actions/checkout's names). Pure. */
export function localRefName(ref: string, kind: string): string | undefined {
  if (ref === '') return undefined
  if (kind === 'branch') return ref.replace(/^refs\/heads\//, 'refs/remotes/origin/')
  if (kind === 'pull') return ref.replace(/^refs\//, 'refs/remotes/')
  return ref
}
