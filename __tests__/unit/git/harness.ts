/** Shared set-up for the git tests: upstream repos, the smart-HTTP server, an isolated HOME. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createUpstreamRoot, removeUpstreamRoot } from '../../../testkit/git-fixtures.js'
import { startGitServer, type GitServer } from '../../../testkit/git-server.js'
import type { SyncRequest } from '../../../src/git/index.js'

export const TOKEN = 'ghs_testTOKEN0123456789abcdefABCDEF'

export interface Harness {
  upstream: string
  server: GitServer
  /** Temp dir holding clones and the isolated HOME. */
  dir: string
  /** Environment with an isolated global config (HOME/.gitconfig). */
  env: NodeJS.ProcessEnv
  globalConfig: string
  request(owner: string, name: string, overrides?: Partial<SyncRequest>): SyncRequest
  close(): Promise<void>
}

export async function openHarness(): Promise<Harness> {
  const upstream = createUpstreamRoot()
  const server = await startGitServer({ root: upstream, token: TOKEN })
  const dir = mkdtempSync(path.join(tmpdir(), 'sc-git-test-'))
  const home = path.join(dir, 'home')
  mkdirSync(home)
  const globalConfig = path.join(home, '.gitconfig')
  writeFileSync(globalConfig, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1'
  }
  return {
    upstream,
    server,
    dir,
    env,
    globalConfig,
    request: (owner, name, overrides = {}) => ({
      clonePath: path.join(dir, 'clones', owner, name),
      remoteUrl: server.repoUrl(owner, name),
      serverUrl: server.url,
      token: TOKEN,
      ref: 'main',
      fetchDepth: 0,
      fetchTags: false,
      clean: true,
      submodules: false,
      lfs: false,
      env,
      ...overrides
    }),
    close: async () => {
      await server.stop()
      removeUpstreamRoot(upstream)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Plain git in a directory, with the harness environment (no auth). */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync('git', args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

/** Every file under a directory (recursively, not following symlinks). */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    const st = statSync(full, { throwIfNoEntry: false })
    if (!st) continue
    if (st.isDirectory()) out.push(...filesUnder(full))
    else if (st.isFile()) out.push(full)
  }
  return out
}

/** Files under `dir` whose bytes contain any of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  return filesUnder(dir).filter(file => {
    const data = readFileSync(file)
    return needles.some(needle => data.includes(needle))
  })
}

/** Snapshot of a clone a failed sync must not change: HEAD and every worktree file. */
export function snapshot(
  clonePath: string,
  env: NodeJS.ProcessEnv
): { head: string; files: Record<string, string> } {
  const files: Record<string, string> = {}
  for (const file of filesUnder(clonePath)) {
    const rel = path.relative(clonePath, file)
    if (rel.startsWith('.git' + path.sep)) continue
    files[rel] = readFileSync(file, 'latin1')
  }
  return { head: git(clonePath, ['rev-parse', 'HEAD'], env), files }
}

/** Deterministic incompressible-ish content, for repos big enough to measure transfers. */
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
