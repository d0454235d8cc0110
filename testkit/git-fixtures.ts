/**
 * Upstream repositories for tests, demo and bench: bare repos under `<root>/<owner>/<name>.git`
 * (the layout testkit/git-server.ts serves), built through a work clone with fixed authors and
 * dates so every run produces the same SHAs.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export interface FixtureRepo {
  root: string
  owner: string
  name: string
  /** The bare repository the server serves. */
  bare: string
  /** A work clone used to author commits. */
  work: string
  /** file:// URL of the bare repository. */
  fileUrl: string
}

/** Environment that isolates fixture git commands from the machine's config. */
export const fixtureGitEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Fixture Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Fixture Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com',
  GIT_TERMINAL_PROMPT: '0'
}

const clocks = new Map<string, number>()

/** Runs git for fixtures; every commit gets the next fixed timestamp of its repository. */
export function fixtureGit(cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  const tick = (clocks.get(cwd) ?? 0) + 1
  clocks.set(cwd, tick)
  const date = `${1700000000 + tick * 60} +0000`
  return execFileSync('git', args, {
    cwd,
    env: { ...fixtureGitEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

/** A temp directory to hold upstream repositories; remove it with removeUpstreamRoot. */
export function createUpstreamRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'sc-upstream-'))
}

export function removeUpstreamRoot(root: string): void {
  rmSync(root, { recursive: true, force: true })
}

/** A bare repository with one commit on `main` holding `files` (path → content). */
export function createRepo(
  root: string,
  owner: string,
  name: string,
  files: Record<string, string | Buffer> = { 'README.md': `# ${owner}/${name}\n` }
): FixtureRepo {
  const bare = path.join(root, owner, `${name}.git`)
  const work = path.join(root, '.work', owner, name)
  mkdirSync(bare, { recursive: true })
  mkdirSync(work, { recursive: true })
  fixtureGit(bare, ['init', '--quiet', '--bare', '-b', 'main'])
  // GitHub serves any reachable commit by id (actions/checkout relies on it).
  fixtureGit(bare, ['config', 'uploadpack.allowReachableSHA1InWant', 'true'])
  fixtureGit(bare, ['config', 'uploadpack.allowFilter', 'true'])
  fixtureGit(work, ['init', '--quiet', '-b', 'main'])
  fixtureGit(work, ['remote', 'add', 'origin', bare])
  const repo: FixtureRepo = { root, owner, name, bare, work, fileUrl: pathToFileURL(bare).href }
  commitFiles(repo, files, 'initial commit')
  return repo
}

/** Writes files in the work clone, commits them on `branch` and pushes. Returns the SHA. */
export function commitFiles(
  repo: FixtureRepo,
  files: Record<string, string | Buffer>,
  message: string,
  branch = 'main'
): string {
  checkoutBranch(repo, branch)
  for (const [file, content] of Object.entries(files)) {
    const full = path.join(repo.work, file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  fixtureGit(repo.work, ['add', '--all'])
  fixtureGit(repo.work, ['commit', '--quiet', '--allow-empty', '-m', message])
  fixtureGit(repo.work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`])
  return fixtureGit(repo.work, ['rev-parse', 'HEAD'])
}

function checkoutBranch(repo: FixtureRepo, branch: string): void {
  const exists =
    fixtureGit(repo.work, ['branch', '--list', branch]).length > 0 ||
    fixtureGit(repo.work, ['ls-remote', '--heads', 'origin', branch]).length > 0
  if (!exists) fixtureGit(repo.work, ['checkout', '--quiet', '-b', branch])
  else if (fixtureGit(repo.work, ['branch', '--list', branch]).length > 0) {
    fixtureGit(repo.work, ['checkout', '--quiet', branch])
  } else {
    fixtureGit(repo.work, ['fetch', '--quiet', 'origin', branch])
    fixtureGit(repo.work, ['checkout', '--quiet', '-b', branch, 'FETCH_HEAD'])
  }
}

/** Adds `count` commits to `branch` (each changes one file) and pushes. Returns the new tip. */
export function advance(repo: FixtureRepo, count: number, branch = 'main'): string {
  let sha = ''
  for (let i = 0; i < count; i++) {
    const n = Number(fixtureGit(repo.work, ['rev-list', '--count', '--all']) || '0') + 1
    sha = commitFiles(
      repo,
      { [`history/${n}.txt`]: `change ${n}\n`.repeat(50) },
      `change ${n}`,
      branch
    )
  }
  return sha
}

/** Resolves a revision in the upstream (bare) repository. */
export function revParse(repo: FixtureRepo, rev: string): string {
  return fixtureGit(repo.bare, ['rev-parse', '--verify', `${rev}^{commit}`])
}

/** Points an arbitrary upstream ref at a commit (e.g. refs/pull/1/merge). */
export function setRef(repo: FixtureRepo, ref: string, sha: string): void {
  fixtureGit(repo.bare, ['update-ref', ref, sha])
}

export interface StandardRepo extends FixtureRepo {
  shas: {
    first: string
    v1: string
    main: string
    feature: string
    bothBranch: string
    bothTag: string
    pullHead: string
    pullMerge: string
  }
}

/**
 * main (3 commits, .gitattributes, a CRLF file, a binary), annotated tag v1.0 on main~1,
 * lightweight tag `light` on the first commit, branch `feature`, branch AND tag `both`
 * (different commits), refs/pull/1/head and refs/pull/1/merge (reachable only from those refs).
 * `baseFiles` go into the first commit, which every one of those refs shares (tests that count
 * how often shared objects cross the wire make them large).
 */
export function createStandardRepo(
  root: string,
  owner = 'acme',
  name = 'app',
  baseFiles: Record<string, string | Buffer> = {}
): StandardRepo {
  const repo = createRepo(root, owner, name, {
    ...baseFiles,
    'README.md': '# app\n',
    '.gitattributes': '*.sh text eol=lf\n*.bat text eol=crlf\n*.bin binary\n',
    'unix.txt': 'line one\nline two\n',
    'windows.txt': 'stored\r\nwith crlf\r\n',
    'run.sh': '#!/bin/sh\necho hi\n',
    'run.bat': '@echo off\necho hi\n',
    'data.bin': Buffer.from([0, 1, 2, 13, 10, 255, 0, 13, 10])
  })
  const first = revParse(repo, 'main')
  const v1 = commitFiles(repo, { 'two.txt': 'two\n' }, 'second')
  const main = commitFiles(repo, { 'three.txt': 'three\n' }, 'third')
  fixtureGit(repo.work, ['tag', '-a', 'v1.0', '-m', 'release 1.0', v1])
  fixtureGit(repo.work, ['tag', 'light', first])
  const feature = commitFiles(repo, { 'feature.txt': 'feature\n' }, 'feature work', 'feature')
  fixtureGit(repo.work, ['push', '--quiet', 'origin', `${feature}:refs/heads/both`])
  fixtureGit(repo.work, ['tag', 'both', first])
  fixtureGit(repo.work, ['push', '--quiet', 'origin', '--tags'])
  fixtureGit(repo.work, ['checkout', '--quiet', '-b', 'pr', 'feature'])
  fixtureGit(repo.work, ['commit', '--quiet', '--allow-empty', '-m', 'pull request work'])
  const pullHead = fixtureGit(repo.work, ['rev-parse', 'HEAD'])
  fixtureGit(repo.work, ['checkout', '--quiet', '--detach', main])
  fixtureGit(repo.work, ['merge', '--quiet', '--no-ff', '-m', 'Merge pull request #1', pullHead])
  const pullMerge = fixtureGit(repo.work, ['rev-parse', 'HEAD'])
  fixtureGit(repo.work, ['push', '--quiet', 'origin', `${pullHead}:refs/pull/1/head`])
  fixtureGit(repo.work, ['push', '--quiet', 'origin', `${pullMerge}:refs/pull/1/merge`])
  fixtureGit(repo.work, ['checkout', '--quiet', 'main'])
  fixtureGit(repo.work, ['branch', '--quiet', '-D', 'pr'])
  return {
    ...repo,
    shas: { first, v1, main, feature, bothBranch: feature, bothTag: first, pullHead, pullMerge }
  }
}

/** Commits a submodule (gitlink + .gitmodules entry with a RELATIVE url) and pushes. */
function addSubmodule(repo: FixtureRepo, subPath: string, url: string, sha: string): void {
  checkoutBranch(repo, 'main')
  const gitmodules = path.join(repo.work, '.gitmodules')
  const existing = existsSync(gitmodules) ? readFileSync(gitmodules, 'utf8') : ''
  writeFileSync(
    gitmodules,
    `${existing}[submodule "${subPath}"]\n\tpath = ${subPath}\n\turl = ${url}\n`
  )
  // An empty directory is an unpopulated submodule: later `add --all` keeps the gitlink.
  mkdirSync(path.join(repo.work, subPath), { recursive: true })
  fixtureGit(repo.work, ['update-index', '--add', '--cacheinfo', `160000,${sha},${subPath}`])
  fixtureGit(repo.work, ['add', '.gitmodules'])
  fixtureGit(repo.work, ['commit', '--quiet', '-m', `add submodule ${subPath}`])
  fixtureGit(repo.work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main'])
}

export interface SubmoduleRepos {
  superproject: FixtureRepo
  sub: FixtureRepo
  subsub: FixtureRepo
}

/** owner/super → libs/sub (../sub.git) → deep (../subsub.git): relative, nested submodules. */
export function createSubmoduleRepos(root: string, owner = 'acme'): SubmoduleRepos {
  const subsub = createRepo(root, owner, 'subsub', { 'deep.txt': 'deepest\n' })
  const sub = createRepo(root, owner, 'sub', { 'sub.txt': 'sub\n' })
  addSubmodule(sub, 'deep', '../subsub.git', revParse(subsub, 'main'))
  const superproject = createRepo(root, owner, 'super', { 'README.md': '# super\n' })
  addSubmodule(superproject, 'libs/sub', '../sub.git', revParse(sub, 'main'))
  // A later commit through `add --all` must keep the gitlink.
  commitFiles(superproject, { 'NOTES.md': 'notes\n' }, 'notes')
  return { superproject, sub, subsub }
}

/** Commits an LFS pointer for `content` and stores the object where the server serves it. */
export function addLfsFile(
  repo: FixtureRepo,
  file: string,
  content: Buffer | string
): { oid: string; size: number; sha: string } {
  const data = Buffer.from(content)
  const oid = createHash('sha256').update(data).digest('hex')
  const store = path.join(repo.bare, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4))
  mkdirSync(store, { recursive: true })
  writeFileSync(path.join(store, oid), data)
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${data.length}\n`
  const sha = commitFiles(
    repo,
    { '.gitattributes': `*.dat filter=lfs diff=lfs merge=lfs -text\n`, [file]: pointer },
    `add ${file} (LFS)`
  )
  return { oid, size: data.length, sha }
}

/**
 * `count` files of `bytesEach` deterministic, incompressible-ish bytes under `bulk/`: repositories
 * big enough that a test can tell a whole transfer from an incremental one.
 */
export function bulkFiles(count: number, bytesEach: number): Record<string, string> {
  const files: Record<string, string> = {}
  let block = 'seed'
  for (let i = 0; i < count; i++) {
    let text = ''
    while (text.length < bytesEach) {
      block = createHash('sha256').update(block).digest('hex')
      text += block
    }
    files[`bulk/file-${i}.txt`] = text.slice(0, bytesEach) + '\n'
  }
  return files
}
