/**
 * How we reach @actions/cache: whether the service is there (pure), and one wrapper that runs a
 * toolkit call with the path strings fixed, shared by restore and save.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type Env = Record<string, string | undefined>
export type CacheToolkit = typeof import('@actions/cache')

/**
 * The one path we hand to @actions/cache, relative, on save and on restore. The toolkit hashes
 * the path strings (plus compression method and a salt) into the cache entry's "version", and
 * a lookup only matches entries of the same version; it tars paths relative to
 * GITHUB_WORKSPACE (else cwd) and extracts into the same. An absolute clone path would make
 * the version differ on every machine whose root differs, so nobody else could restore it.
 * So the archive always holds exactly `.git/…`, taken from (and unpacked into) a directory
 * chosen per call: see withToolkitWorkspace.
 */
export const ARCHIVED_PATHS = ['.git']

export interface ServiceStatus {
  available: boolean
  /** Why not, for the notice (§4: skip with a notice, never fail). */
  reason?: string
}

/**
 * What @actions/cache's isFeatureAvailable() checks, plus the token its calls require, read from
 * `env` instead of process.env so the glue can decide before importing the toolkit.
 */
export function cacheServiceStatus(env: Env): ServiceStatus {
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com'
  let host = ''
  try {
    host = new URL(serverUrl).hostname.toUpperCase()
  } catch {
    return { available: false, reason: `GITHUB_SERVER_URL is not a URL: ${serverUrl}` }
  }
  const ghes = host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST')
  // The toolkit forces the legacy service on GHES even when v2 is flagged (config.js).
  const v2 = !ghes && Boolean(env.ACTIONS_CACHE_SERVICE_V2)
  const urlVariable = v2 ? 'ACTIONS_RESULTS_URL' : 'ACTIONS_CACHE_URL'
  if (!env[urlVariable]) {
    return {
      available: false,
      reason: `the Actions cache service is not available here (${urlVariable} is not set${
        ghes ? `; ${host.toLowerCase()} is treated as GitHub Enterprise Server` : ''
      })`
    }
  }
  if (!env.ACTIONS_RUNTIME_TOKEN) {
    return { available: false, reason: 'ACTIONS_RUNTIME_TOKEN is not set' }
  }
  return { available: true }
}

export function isCacheServiceAvailable(env: Env): boolean {
  return cacheServiceStatus(env).available
}

/** Loaded on first use only: bundles and runs that never consult the cache skip its start-up. */
export async function loadCacheToolkit(): Promise<CacheToolkit> {
  return import('@actions/cache')
}

/**
 * Runs `call` with cwd and GITHUB_WORKSPACE set to `workspace` (the toolkit globs ARCHIVED_PATHS
 * against cwd and tars/extracts relative to GITHUB_WORKSPACE) and RUNNER_TEMP set to a private
 * directory (the toolkit leaves its per-call temp folders behind). Everything is put back
 * afterwards. Process-wide state: the caller must not run other work concurrently — main runs
 * the cache step alone, under the clone lock.
 */
export async function withToolkitWorkspace<T>(
  workspace: string,
  call: () => Promise<T>
): Promise<T> {
  const saved = {
    GITHUB_WORKSPACE: process.env.GITHUB_WORKSPACE,
    RUNNER_TEMP: process.env.RUNNER_TEMP
  }
  const savedCwd = process.cwd()
  const privateTemp = await mkdtemp(
    join(process.env.RUNNER_TEMP || tmpdir(), 'shared-checkout-cache-')
  )
  try {
    process.env.GITHUB_WORKSPACE = workspace
    process.env.RUNNER_TEMP = privateTemp
    process.chdir(workspace)
    return await call()
  } finally {
    process.chdir(savedCwd)
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await rm(privateTemp, { recursive: true, force: true })
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
