/**
 * Saving a freshly synced clone's `.git` for other machines (§4): only `.git`, never the
 * working tree, never credentials, logs, hooks or lock files. Never throws for cache or
 * service problems: the result says what happened.
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
import { removeStaleStaging, stagingPathFor } from './staging.js'

export interface SaveRequest {
  clonePath: string
  key: string
  logger: Logger
  /**
   * Values that must not leave the machine (the token): the save is refused when one appears
   * in any staged file outside objects/ (refs, config, packed-refs, …).
   */
  secrets?: string[]
  env?: Record<string, string | undefined>
}

export type SaveSkipReason =
  'service-unavailable' | 'not-a-clone' | 'uses-alternates' | 'exists' | 'credentials' | 'failed'

export type SaveResult =
  { saved: true; cacheId: number } | { saved: false; reason: SaveSkipReason; detail: string }

export async function saveCloneToCache(request: SaveRequest): Promise<SaveResult> {
  const { clonePath, key, logger } = request
  const skip = (reason: SaveSkipReason, detail: string, warn = false): SaveResult => {
    const message = `Cache save skipped: ${detail}`
    if (warn) logger.warning(message)
    else logger.info(message)
    return { saved: false, reason, detail }
  }
  const status = cacheServiceStatus(request.env ?? process.env)
  if (!status.available) return skip('service-unavailable', status.reason ?? '')
  const gitDir = join(clonePath, '.git')
  if (
    !(await lstat(gitDir).then(
      s => s.isDirectory(),
      () => false
    ))
  ) {
    return skip('not-a-clone', `${gitDir} is not a directory`, true)
  }
  if (
    await lstat(join(gitDir, 'objects', 'info', 'alternates')).then(
      () => true,
      () => false
    )
  ) {
    return skip(
      'uses-alternates',
      `${clonePath} borrows objects from another repository (alternates)`
    )
  }

  let toolkit
  try {
    toolkit = await loadCacheToolkit()
    // "Save when the cache has no entry for this period" (§4): a lookup is one small request,
    // an upload is the whole repository.
    const existing = await withToolkitWorkspace(clonePath, () =>
      toolkit!.restoreCache([...ARCHIVED_PATHS], key, [], { lookupOnly: true })
    )
    if (existing === key) return skip('exists', `the cache already has ${key}`)
  } catch (error) {
    return skip('failed', `cache lookup for ${key} failed: ${errorMessage(error)}`)
  }

  await removeStaleStaging(clonePath, logger)
  const stage = stagingPathFor(clonePath, 'cache-save')
  try {
    const { credentialKeys } = await stageGitDirForArchive(gitDir, join(stage, '.git'))
    if (credentialKeys.length > 0) {
      // Our design never writes these (§3.4); someone did. They are stripped from the copy.
      logger.warning(
        `${clonePath} has credential settings in its git config (${credentialKeys.join(', ')}); ` +
          'they were left out of the cache. Remove them from the clone.'
      )
    }
    const leaked = await findSecrets(stage, request.secrets ?? [])
    if (leaked) {
      return skip('credentials', `a secret appears in ${leaked}; nothing was uploaded`, true)
    }
    const cacheId = await withToolkitWorkspace(stage, () =>
      toolkit.saveCache([...ARCHIVED_PATHS], key)
    )
    // The toolkit logs its own warning or notice when it returns -1 (reservation taken, …).
    if (cacheId === -1) return skip('failed', `the cache service did not store ${key}`)
    logger.info(`Saved ${clonePath}/.git to the cache as ${key}.`)
    return { saved: true, cacheId }
  } catch (error) {
    return skip('failed', `${errorMessage(error)}`, true)
  } finally {
    await rm(stage, { recursive: true, force: true }).catch(error =>
      logger.warning(`Could not remove ${stage}: ${errorMessage(error)}; remove it by hand.`)
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
