/**
 * Shared set-up for end-to-end tests: one upstream root served by a real smart-HTTP git server
 * (token required), a fresh shared-clone root, and `job()` that runs the built action through
 * the runner emulator with the inputs a test gives.
 *
 * E2E_ACTION_DIR points the emulator at another build of the action (a directory with
 * action.yml + dist/); E2E_NODE at another Node binary (CI runs the suite under Node 24 too).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startGitServer, type GitServer } from './git-server.js'
import {
  createStandardRepo,
  createUpstreamRoot,
  removeUpstreamRoot,
  type StandardRepo
} from './git-fixtures.js'
import { REPO_ROOT, runJob, type JobHandle, type JobSpec } from './emulator.js'

export const ACTION_DIR = process.env.E2E_ACTION_DIR
  ? path.resolve(process.env.E2E_ACTION_DIR)
  : REPO_ROOT
export const NODE_PATH = process.env.E2E_NODE || process.execPath

/** A token shaped like a GitHub installation token, so masking is tested realistically. */
export function fakeToken(): string {
  return `ghs_${randomBytes(18).toString('base64url').slice(0, 36)}`
}

export interface E2EWorld {
  upstream: string
  server: GitServer
  token: string
  /** SHARED_CHECKOUT_ROOT of the emulated machine. */
  root: string
  /** A scratch directory removed at the end. */
  scratch: string
  /** Runs a job of this world: action inputs merged over repository/token/server defaults. */
  job(spec?: JobSpec & { repository?: string }): JobHandle
  close(): Promise<void>
}

export async function createWorld(): Promise<E2EWorld> {
  const upstream = createUpstreamRoot()
  const token = fakeToken()
  const server = await startGitServer({ root: upstream, token })
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-e2e-'))
  const root = path.join(scratch, 'shared')
  return {
    upstream,
    server,
    token,
    root,
    scratch,
    job(spec = {}) {
      const { repository = 'acme/app', ...rest } = spec
      return runJob({
        actionDir: ACTION_DIR,
        nodePath: NODE_PATH,
        ...rest,
        with: {
          repository,
          'github-server-url': server.url,
          ...(spec.with ?? {})
        },
        github: { repository, token, ...(spec.github ?? {}) },
        env: { SHARED_CHECKOUT_ROOT: root, HOME: scratch, ...(spec.env ?? {}) }
      })
    },
    async close() {
      await server.stop()
      removeUpstreamRoot(upstream)
      rmSync(scratch, { recursive: true, force: true })
    }
  }
}

/** A world whose upstream holds the standard fixture repository `acme/app`. */
export async function createStandardWorld(): Promise<{ world: E2EWorld; repo: StandardRepo }> {
  const world = await createWorld()
  return { world, repo: createStandardRepo(world.upstream) }
}
