/**
 * Cache key derivation (§4): pure. The key names the OS, the host-independent repository
 * identity and the period; the restore key (same without the period) lets a fresh machine
 * start from last week's clone — the service returns the newest entry with that prefix —
 * and fetch only the difference.
 */

/** v2: the archive holds the object store (a bare repository), not a clone's `.git`. */
export const DEFAULT_CACHE_KEY_PREFIX = 'shared-checkout-v2'

export interface CacheKeyInput {
  /** process.platform of the runner (linux, darwin, win32). */
  platform: string
  /** Optional: git data is portable across architectures, so it is left out by default. */
  arch?: string
  /**
   * Identity of the repository that does not depend on the runner machine: the git server's
   * host plus owner/name, e.g. `github.com/Owner/Name` (compared case-insensitively).
   */
  repositoryId: string
  /** When the key is derived; the period is its ISO week (UTC). */
  now: Date
  /** The `cache-key` input (§1): replaces DEFAULT_CACHE_KEY_PREFIX. */
  prefix?: string
}

export interface CacheKeys {
  key: string
  restoreKeys: string[]
}

export function deriveCacheKey(input: CacheKeyInput): CacheKeys {
  const prefix = (input.prefix ?? '').trim() || DEFAULT_CACHE_KEY_PREFIX
  const parts = [prefix, input.platform.toLowerCase()]
  if (input.arch) parts.push(input.arch.toLowerCase())
  parts.push(normalizeRepositoryId(input.repositoryId))
  const stem = `${parts.join('-')}-`
  const key = `${stem}${isoWeek(input.now)}`
  // The service refuses keys with commas or longer than 512 characters (@actions/cache checkKey).
  if (key.includes(',') || key.length > 512) {
    throw new Error(
      `cache key "${key}" is not accepted by the Actions cache (no commas, at most 512 ` +
        'characters): shorten or fix the cache-key input'
    )
  }
  return { key, restoreKeys: [stem] }
}

/** `HTTPS://GitHub.com/Owner/Name.git/` → `github.com/owner/name`. */
export function normalizeRepositoryId(repositoryId: string): string {
  return repositoryId
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
}

/** ISO 8601 week of `date` in UTC, e.g. `2026-W48`; the year is the week-year. */
export function isoWeek(date: Date): string {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
  const dayMs = 86_400_000
  const weekday = (new Date(day).getUTCDay() + 6) % 7 // Monday = 0
  const thursday = day + (3 - weekday) * dayMs
  const weekYear = new Date(thursday).getUTCFullYear()
  const firstThursday =
    Date.UTC(weekYear, 0, 4) +
    (3 - ((new Date(Date.UTC(weekYear, 0, 4)).getUTCDay() + 6) % 7)) * dayMs
  const week = 1 + Math.round((thursday - firstThursday) / (7 * dayMs))
  return `${weekYear}-W${String(week).padStart(2, '0')}`
}
