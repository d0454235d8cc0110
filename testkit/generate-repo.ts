/**
 * Deterministic generator of large git repositories, fast, through `git fast-import`.
 *
 * Same options → same SHAs on every machine and run: the content comes from a seeded PRNG,
 * author and committer are fixed, and commit i is dated BASE_EPOCH + i minutes (UTC).
 * Commit 0 adds every file; each later commit edits 1–3 files (one line each, so packs
 * delta well, like real history). Branches `branch-1..N` point at evenly spaced commits.
 *
 * CLI: node --import tsx testkit/generate-repo.ts --out DIR --commits 20000 --files 5000 [--branches 3]
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

export interface GenerateOptions {
  commits: number
  files: number
  branches?: number
  /** Varies the content (default 1); same seed → same SHAs. */
  seed?: number
}

export interface GeneratedRepo {
  path: string
  head: string
  commits: number
  files: number
  elapsedMs: number
}

const BASE_EPOCH = 1_700_000_000
const LINES_PER_FILE = 24
const IDENTITY = 'Repo Generator <generator@example.invalid>'
/** The environment every git call of the generator runs with: no user config, fixed zone. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  TZ: 'UTC'
}

/** mulberry32: tiny, fast, and the same on every platform. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda sigma omega'.split(
  ' '
)

export function filePath(index: number): string {
  return `src/module-${index % 40}/part-${index % 7}/file-${index}.txt`
}

/** Content of file `index` as of commit `commit` (the one that last touched it). */
function fileContent(index: number, commit: number, seed: number): string {
  const random = prng(seed * 1_000_003 + index)
  const lines: string[] = []
  for (let line = 0; line < LINES_PER_FILE; line++) {
    const words = Array.from({ length: 6 }, () => WORDS[Math.floor(random() * WORDS.length)])
    lines.push(`${index}:${line} ${words.join(' ')}`)
  }
  if (commit > 0) lines[commit % LINES_PER_FILE] = `edited in commit ${commit}`
  return `${lines.join('\n')}\n`
}

function dataBlock(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`
}

/** The fast-import commands of commit `index`, following `parent` (a mark or ref, or none). */
function commitCommands(index: number, files: number, seed: number, parent?: string): string {
  const when = `${BASE_EPOCH + index * 60} +0000`
  let out = `commit refs/heads/main\nmark :${index + 1}\n`
  out += `author ${IDENTITY} ${when}\ncommitter ${IDENTITY} ${when}\n`
  out += dataBlock(`Commit ${index}`)
  if (parent) out += `from ${parent}\n`
  if (index === 0) {
    for (let file = 0; file < files; file++) {
      out += `M 100644 inline ${filePath(file)}\n${dataBlock(fileContent(file, 0, seed))}`
    }
    return out
  }
  const random = prng(seed * 7919 + index)
  const edits = 1 + Math.floor(random() * 3)
  for (let n = 0; n < edits; n++) {
    const file = Math.floor(random() * files)
    out += `M 100644 inline ${filePath(file)}\n${dataBlock(fileContent(file, index, seed))}`
  }
  return out
}

function git(args: string[], cwd: string): string {
  const result = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr.trim()}`)
  }
  return result.stdout.trim()
}

/** Streams commands into `git fast-import`, honouring back-pressure. */
async function fastImport(
  repoPath: string,
  produce: (write: (s: string) => Promise<void>) => Promise<void>
): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: repoPath,
    env: GIT_ENV,
    stdio: ['pipe', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', chunk => (stderr += chunk))
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  let buffered = ''
  const flush = async (): Promise<void> => {
    if (!child.stdin.write(buffered)) {
      await new Promise<void>(resolve => child.stdin.once('drain', () => resolve()))
    }
    buffered = ''
  }
  await produce(async text => {
    buffered += text
    if (buffered.length > 1 << 20) await flush()
  })
  buffered += 'done\n'
  await flush()
  child.stdin.end()
  const code = await exited
  if (code !== 0)
    throw new Error(`git fast-import failed in ${repoPath} (exit ${code}): ${stderr.trim()}`)
}

/** Writes a new bare repository at `path` (which must not exist or be empty). */
export async function generateRepo(path: string, options: GenerateOptions): Promise<GeneratedRepo> {
  const started = performance.now()
  const { commits, files, branches = 0, seed = 1 } = options
  if (commits < 1 || files < 1) throw new Error('generateRepo: commits and files must be ≥ 1')
  await mkdir(path, { recursive: true })
  git(['init', '--quiet', '--bare', '--initial-branch=main'], path)
  git(['config', 'gc.auto', '0'], path)
  git(['config', 'generator.seed', String(seed)], path)
  git(['config', 'generator.files', String(files)], path)
  await fastImport(path, async write => {
    for (let index = 0; index < commits; index++) {
      await write(commitCommands(index, files, seed, index > 0 ? `:${index}` : undefined))
    }
    for (let branch = 1; branch <= branches; branch++) {
      const at = Math.max(1, Math.floor((commits * branch) / (branches + 1)))
      await write(`reset refs/heads/branch-${branch}\nfrom :${at}\n\n`)
    }
  })
  return {
    path,
    head: git(['rev-parse', 'refs/heads/main'], path),
    commits,
    files,
    elapsedMs: performance.now() - started
  }
}

/**
 * Adds `count` commits on top of `main` of a repository made by generateRepo (bare or not:
 * only refs and objects change), continuing its numbering so the result is deterministic too.
 * Returns the new head SHA.
 */
export async function appendCommits(repoPath: string, count: number): Promise<string> {
  const seed = Number(git(['config', 'generator.seed'], repoPath))
  const files = Number(git(['config', 'generator.files'], repoPath))
  const existing = Number(git(['rev-list', '--count', 'refs/heads/main'], repoPath))
  await fastImport(repoPath, async write => {
    for (let n = 0; n < count; n++) {
      const index = existing + n
      await write(commitCommands(index, files, seed, n === 0 ? 'refs/heads/main^0' : `:${index}`))
    }
  })
  return git(['rev-parse', 'refs/heads/main'], repoPath)
}

function parseCli(argv: string[]): { out: string } & GenerateOptions {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`)
    return at >= 0 ? argv[at + 1] : undefined
  }
  const out = value('out')
  if (!out)
    throw new Error(
      'usage: generate-repo.ts --out DIR --commits N --files N [--branches N] [--seed N]'
    )
  return {
    out,
    commits: Number(value('commits') ?? 20000),
    files: Number(value('files') ?? 5000),
    branches: Number(value('branches') ?? 0),
    seed: Number(value('seed') ?? 1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out, ...options } = parseCli(process.argv.slice(2))
  generateRepo(out, options).then(
    repo => {
      console.log(
        `generated ${repo.path}: ${repo.commits} commits, ${repo.files} files, head ${repo.head}, ` +
          `${(repo.elapsedMs / 1000).toFixed(1)} s`
      )
    },
    error => {
      console.error(String(error instanceof Error ? error.message : error))
      process.exitCode = 1
    }
  )
}
