/**
 * Warm start of a missing store from the Actions cache (§4, §3.1). Never throws for cache or
 * service problems: a miss, an unreachable service, a corrupt or foreign archive all end in
 * "fetch from the network", with a line in the log saying why.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.js'
import {
  sanitizeRestoredGitDir,
  verifyRestoredRepository,
  type RepositoryVerdict
} from './git-dir.js'
import {
  ARCHIVED_PATHS,
  cacheServiceStatus,
  errorMessage,
  loadCacheToolkit,
  withToolkitWorkspace
} from './service.js'

export interface RestoreRequest {
  /** Where the restored store goes; must not exist (the caller holds the store lock, §2). */
  storePath: string
  /** A private directory for the download (the repository's tmp/, same file system). */
  workDir: string
  key: string
  restoreKeys: string[]
  /** origin URL the restored store must have (checked when `verifyRepository` is not given). */
  expectedRemote: string
  /** The git layer's own check of a directory, run on the restored copy before it is used. */
  verifyRepository?: (dir: string) => Promise<RepositoryVerdict>
  logger: Logger
  /** Defaults to process.env: only read to decide whether the service is there at all. */
  env?: Record<string, string | undefined>
}

export interface RestoreResult {
  /**
   * true: a verified store is now at storePath; false: nothing usable in the cache (miss, or
   * an archive that was discarded); undefined: the cache was not consulted (no service).
   */
  hit: boolean | undefined
  matchedKey?: string
  /** matchedKey equals the primary key: this period already has an entry, no save needed. */
  exactMatch?: boolean
}

export async function restoreStoreFromCache(request: RestoreRequest): Promise<RestoreResult> {
  const { storePath, key, restoreKeys, logger } = request
  const status = cacheServiceStatus(request.env ?? process.env)
  if (!status.available) {
    logger.notice(`Cache restore skipped: ${status.reason}. Fetching from the network.`)
    return { hit: undefined }
  }
  if (await exists(storePath)) {
    logger.warning(
      `Cache restore skipped: ${storePath} already exists (only a missing store is warmed).`
    )
    return { hit: undefined }
  }
  // In the repository's tmp/: same file system (rename is atomic), and a job killed
  // mid-restore leaves a directory nothing mistakes for a store (§3.1).
  const staging = join(request.workDir, `cache-restore-${randomBytes(6).toString('hex')}`)
  try {
    await mkdir(staging, { recursive: true })
    let found: string | undefined
    let matchedKey: string | undefined
    try {
      const toolkit = await loadCacheToolkit()
      // Look up first, then download: the toolkit answers both a miss and a failed download
      // or extraction with `undefined` (logging its own warning); the lookup tells them apart.
      found = await withToolkitWorkspace(staging, () =>
        toolkit.restoreCache([...ARCHIVED_PATHS], key, restoreKeys, { lookupOnly: true })
      )
      if (found) {
        matchedKey = await withToolkitWorkspace(staging, () =>
          toolkit.restoreCache([...ARCHIVED_PATHS], key, restoreKeys)
        )
      }
    } catch (error) {
      logger.notice(`Cache restore skipped: ${errorMessage(error)}. Fetching from the network.`)
      return { hit: undefined }
    }
    if (!found) {
      logger.info(`No cache entry for ${key} or its restore keys. Fetching from the network.`)
      return { hit: false }
    }
    if (!matchedKey) {
      logger.warning(
        `Cache entry ${found} could not be downloaded or extracted (corrupt or truncated ` +
          'archive?); discarded it. Fetching from the network.'
      )
      return { hit: false, matchedKey: found }
    }
    const verdict = await checkRestored(staging, request)
    if (!verdict.valid) {
      logger.warning(
        `Cache entry ${matchedKey} does not hold a usable store of ${request.expectedRemote} ` +
          `(${verdict.reason}); discarded it. Fetching from the network.`
      )
      return { hit: false, matchedKey }
    }
    await rename(join(staging, '.git'), storePath)
    logger.info(`Restored the store ${storePath} from cache entry ${matchedKey}.`)
    return { hit: true, matchedKey, exactMatch: matchedKey === key }
  } catch (error) {
    logger.warning(
      `Cache restore into ${storePath} failed: ${errorMessage(error)}. Fetching from the network.`
    )
    return { hit: false }
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(error =>
      logger.warning(`Could not remove ${staging}: ${errorMessage(error)}; remove it by hand.`)
    )
  }
}

async function checkRestored(staging: string, request: RestoreRequest): Promise<RepositoryVerdict> {
  const entries = await readdir(staging)
  if (entries.length !== 1 || entries[0] !== '.git') {
    return {
      valid: false,
      reason: `archive holds ${entries.join(', ') || 'nothing'}, not just .git`
    }
  }
  try {
    await sanitizeRestoredGitDir(join(staging, '.git'))
  } catch (error) {
    return { valid: false, reason: errorMessage(error) }
  }
  return request.verifyRepository
    ? request.verifyRepository(join(staging, '.git'))
    : verifyRestoredRepository(join(staging, '.git'), request.expectedRemote)
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
