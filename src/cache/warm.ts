/**
 * The cache policy of §4, as the store's warmer: a missing store is restored from the Actions
 * cache (key: OS, repository identity, ISO week; restore key: the same without the week), and a
 * store this job created is saved back when the cache has no entry for this week. Loaded only
 * when a store is missing (its toolkit is large).
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { Logger } from '../logger.js'
import type { RepoId } from '../repo/identity.js'
import type { RepoLayout } from '../repo/layout.js'
import { deriveCacheKey } from './key.js'
import { restoreStoreFromCache } from './restore.js'
import { stageStoreForCache, uploadStagedStore } from './save.js'
import { cacheServiceStatus } from './service.js'

/** Staged uploads in tmp/ carry this prefix; the store's sweep leaves young ones alone. */
export const UPLOAD_STAGE_PREFIX = 'cache-upload-'

export interface WarmerOptions {
  repo: RepoId
  layout: RepoLayout
  platform: NodeJS.Platform
  /** The `cache-key` input ('' = the default prefix). */
  prefix: string
  now: Date
  logger: Logger
  secrets: string[]
  env?: Record<string, string | undefined>
}

export interface StoreWarmerState {
  /** undefined until consulted; then whether a usable archive was restored. */
  hit: boolean | undefined
}

export function createStoreWarmer(options: WarmerOptions): {
  restore(dir: string): Promise<boolean | undefined>
  stage(storeDir: string): Promise<(() => Promise<void>) | undefined>
  state: StoreWarmerState
} {
  const { key, restoreKeys } = deriveCacheKey({
    platform: options.platform,
    repositoryId: options.repo.key,
    now: options.now,
    prefix: options.prefix || undefined
  })
  const state: StoreWarmerState = { hit: undefined }
  let exactEntry = false
  let consulted = false
  return {
    state,
    async restore(dir) {
      consulted = true
      const result = await restoreStoreFromCache({
        storePath: dir,
        workDir: options.layout.tmp,
        key,
        restoreKeys,
        expectedRemote: options.repo.remoteUrl,
        logger: options.logger,
        env: options.env
      })
      state.hit = result.hit
      exactEntry = result.matchedKey === key
      return result.hit
    },
    async stage(storeDir) {
      if (!consulted || state.hit === undefined || exactEntry) return undefined
      if (!cacheServiceStatus(options.env ?? process.env).available) return undefined
      const stageDir = path.join(
        options.layout.tmp,
        `${UPLOAD_STAGE_PREFIX}${randomBytes(6).toString('hex')}`
      )
      const skip = await stageStoreForCache(storeDir, stageDir, options.logger)
      if (skip) return undefined
      return async () => {
        await uploadStagedStore({
          stageDir,
          key,
          logger: options.logger,
          secrets: options.secrets,
          env: options.env
        })
      }
    }
  }
}
