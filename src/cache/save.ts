/**
 * Saving a freshly created store for other machines (§4): the store only, never a working
 * tree, never credentials, logs, hooks or lock files. Two steps, so the store lock is held only
 * for the first: `stageStoreForCache` makes a hard-linked copy (milliseconds, under the lock, so
 * no fetch changes the store mid-copy); `uploadStagedStore` uploads it afterwards. Neither
 * throws for cache or service problems: the result says what happened.
 */
import { lstat, readdir, readFile, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Logger } from '../logger.js'
import { stageGitDirForArchive } from './git-dir.js'
import {
  ARCHIVED_PATHS,
  cacheServiceStatus,
  errorMessage,
  loadCacheToolkit,
  withToolkitWorkspace
} from './service.js'

export type SaveSkipReason =
  'service-unavailable' | 'not-a-store' | 'uses-alternates' | 'exists' | 'credentials' | 'failed'

export type SaveResult =
  { saved: true; cacheId: number } | { saved: false; reason: SaveSkipReason; detail: string }

function skipped(logger: Logger, reason: SaveSkipReason, detail: string, warn = false): SaveResult {
  const message = `Cache save skipped: ${detail}`
  if (warn) logger.warning(message)
  else logger.info(message)
  return { saved: false, reason, detail }
}

/**
 * Stages `storeDir` as `<stageDir>/.git` (hard links; configs rewritten from an allow-list).
 * Returns a reason to skip instead when the store cannot be archived.
 */
export async function stageStoreForCache(
  storeDir: string,
  stageDir: string,
  logger: Logger
): Promise<SaveResult | undefined> {
  const isDir = await lstat(storeDir).then(
    s => s.isDirectory(),
    () => false
  )
  if (!isDir) return skipped(logger, 'not-a-store', `${storeDir} is not a directory`, true)
  const alternates = await lstat(join(storeDir, 'objects', 'info', 'alternates')).then(
    () => true,
    () => false
  )
  if (alternates)
    return skipped(logger, 'uses-alternates', `${storeDir} borrows objects from another repository`)
  const { credentialKeys } = await stageGitDirForArchive(storeDir, join(stageDir, '.git'))
  if (credentialKeys.length > 0) {
    // The action never writes these (§3.4); someone did. They are stripped from the copy.
    logger.warning(
      `${storeDir} has credential settings in its git config (${credentialKeys.join(', ')}); ` +
        'they were left out of the cache.'
    )
  }
  return undefined
}

export interface UploadRequest {
  stageDir: string
  key: string
  logger: Logger
  /**
   * Values that must not leave the machine (the token): the upload is refused when one appears
   * in any staged file outside objects/ (refs, config, packed-refs, …).
   */
  secrets?: string[]
  env?: Record<string, string | undefined>
}

/** Uploads a staged store unless the cache already has an entry for `key`; removes the stage. */
export async function uploadStagedStore(request: UploadRequest): Promise<SaveResult> {
  const { stageDir, key, logger } = request
  try {
    const status = cacheServiceStatus(request.env ?? process.env)
    if (!status.available) return skipped(logger, 'service-unavailable', status.reason ?? '')
    const leaked = await findSecrets(stageDir, request.secrets ?? [])
    if (leaked)
      return skipped(
        logger,
        'credentials',
        `a secret appears in ${leaked}; nothing was uploaded`,
        true
      )
    const toolkit = await loadCacheToolkit()
    // "Save when the cache has no entry for this period" (§4): a lookup is one small request,
    // an upload is the whole repository.
    const existing = await withToolkitWorkspace(stageDir, () =>
      toolkit.restoreCache([...ARCHIVED_PATHS], key, [], { lookupOnly: true })
    )
    if (existing === key) return skipped(logger, 'exists', `the cache already has ${key}`)
    const cacheId = await withToolkitWorkspace(stageDir, () =>
      toolkit.saveCache([...ARCHIVED_PATHS], key)
    )
    // The toolkit logs its own warning or notice when it returns -1 (reservation taken, …).
    if (cacheId === -1) return skipped(logger, 'failed', `the cache service did not store ${key}`)
    logger.info(`Saved the store to the cache as ${key}.`)
    return { saved: true, cacheId }
  } catch (error) {
    return skipped(logger, 'failed', errorMessage(error), true)
  } finally {
    await rm(stageDir, { recursive: true, force: true }).catch(error =>
      logger.warning(`Could not remove ${stageDir}: ${errorMessage(error)}; remove it by hand.`)
    )
  }
}

/** First staged file (outside objects/) containing one of `secrets`, as a relative path. */
async function findSecrets(stage: string, secrets: string[]): Promise<string | undefined> {
  const needles = secrets.filter(secret => secret.length >= 4)
  if (needles.length === 0) return undefined
  const walk = async (dir: string): Promise<string | undefined> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (relative(stage, path) === join('.git', 'objects')) continue
        const found = await walk(path)
        if (found) return found
      } else if (entry.isFile()) {
        const text = await readFile(path, 'latin1')
        if (needles.some(secret => text.includes(secret))) return relative(stage, path)
      }
    }
    return undefined
  }
  return walk(stage)
}
