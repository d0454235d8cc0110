/**
 * Warm start through the Actions cache (§4). Import this module with `await import()` only when
 * the cache is consulted; it loads @actions/cache lazily in turn.
 */
export { deriveCacheKey, isoWeek, normalizeRepositoryId, DEFAULT_CACHE_KEY_PREFIX } from './key.js'
export type { CacheKeyInput, CacheKeys } from './key.js'
export { restoreCloneFromCache } from './restore.js'
export type { RestoreRequest, RestoreResult } from './restore.js'
export { saveCloneToCache } from './save.js'
export type { SaveRequest, SaveResult, SaveSkipReason } from './save.js'
export { cacheServiceStatus, isCacheServiceAvailable, ARCHIVED_PATHS } from './service.js'
export type { ServiceStatus } from './service.js'
export { verifyRestoredRepository, sameRemote } from './git-dir.js'
export type { RepositoryVerdict } from './git-dir.js'
