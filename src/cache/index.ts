/**
 * Warm start through the Actions cache (§4). Import this module with `await import()` only when
 * the cache is consulted; it loads @actions/cache lazily in turn.
 */
export { deriveCacheKey, isoWeek, normalizeRepositoryId, DEFAULT_CACHE_KEY_PREFIX } from './key.js'
export type { CacheKeyInput, CacheKeys } from './key.js'
export { restoreStoreFromCache } from './restore.js'
export type { RestoreRequest, RestoreResult } from './restore.js'
export { stageStoreForCache, uploadStagedStore } from './save.js'
export type { SaveResult, SaveSkipReason, UploadRequest } from './save.js'
export { cacheServiceStatus, isCacheServiceAvailable, ARCHIVED_PATHS } from './service.js'
export type { ServiceStatus } from './service.js'
export { verifyRestoredRepository } from './git-dir.js'
export type { RepositoryVerdict } from './git-dir.js'
export { createStoreWarmer, UPLOAD_STAGE_PREFIX } from './warm.js'
export type { WarmerOptions, StoreWarmerState } from './warm.js'
