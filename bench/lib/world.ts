/**
 * One benchmark run's surroundings: the upstream repository served over loopback smart HTTP
 * (token required), scratch space, and the action build under test.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { startGitServer, type GitServer } from '../../testkit/git-server.js'
import type { ActionContext, PushEvent } from './action-process.js'
import type { Remote } from './git-baselines.js'
import { defaultBranch, installUpstream, type PreparedRepo } from './repo-cache.js'

const execFileAsync = promisify(execFile)

export const OWNER = 'acme'
export const NAME = 'big'

export interface BenchWorld {
  actionDir: string
  /** `owner/name` of the benchmark repository. */
  repository: string
  server: GitServer
  remote: Remote
  /** The bare repository the server serves. */
  upstream: string
  branch: string
  scratch: string
  /** A fresh directory under scratch. */
  freshDir(prefix: string): string
  /** The action's environment for a machine whose shared root is `root`. */
  action(root: string): ActionContext
  /** The push event for `sha` on the benchmark branch. */
  push(sha: string): PushEvent
  /** Points the upstream branch at `sha` (the incremental benchmark walks real history). */
  setBranch(sha: string): Promise<void>
  close(): Promise<void>
}

export async function createBenchWorld(repo: PreparedRepo, actionDir: string): Promise<BenchWorld> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'shared-checkout-bench-'))
  const serverRoot = path.join(scratch, 'upstream')
  const upstream = await installUpstream(repo, serverRoot, OWNER, NAME)
  const branch = await defaultBranch(upstream)
  const token = `ghs_${randomBytes(18).toString('base64url').slice(0, 36)}`
  const server = await startGitServer({ root: serverRoot, token })
  const home = path.join(scratch, 'home')
  mkdirSync(home)
  let counter = 0
  const remote: Remote = { url: server.repoUrl(OWNER, NAME), serverUrl: server.url, token, home }
  return {
    actionDir,
    repository: `${OWNER}/${NAME}`,
    server,
    remote,
    upstream,
    branch,
    scratch,
    freshDir(prefix) {
      const dir = path.join(scratch, `${prefix}-${++counter}`)
      mkdirSync(dir, { recursive: true })
      return dir
    },
    action(root) {
      return {
        actionDir,
        repository: `${OWNER}/${NAME}`,
        serverUrl: server.url,
        token,
        root,
        home,
        scratch: path.join(scratch, 'runner')
      }
    },
    push(sha) {
      return { sha, ref: `refs/heads/${branch}` }
    },
    async setBranch(sha) {
      await execFileAsync('git', ['update-ref', `refs/heads/${branch}`, sha], { cwd: upstream })
    },
    async close() {
      await server.stop()
      rmSync(scratch, { recursive: true, force: true })
    }
  }
}
