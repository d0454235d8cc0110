import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_CACHE_KEY_PREFIX,
  deriveCacheKey,
  isoWeek,
  normalizeRepositoryId
} from '../../../src/cache/key.js'
import { cacheServiceStatus, isCacheServiceAvailable } from '../../../src/cache/service.js'

describe('isoWeek', () => {
  it.each([
    ['2026-11-28T12:00:00Z', '2026-W48'],
    ['2026-11-23T00:00:00Z', '2026-W48'], // Monday starts the week
    ['2026-11-22T23:59:59Z', '2026-W47'], // Sunday ends the previous one
    ['2026-01-01T00:00:00Z', '2026-W01'], // Thursday: week 1 of its own year
    ['2027-01-01T00:00:00Z', '2026-W53'], // Friday: last week of the previous week-year
    ['2027-01-04T00:00:00Z', '2027-W01'],
    ['2024-12-30T08:00:00Z', '2025-W01'], // Monday in December, already next week-year
    ['2021-01-03T00:00:00Z', '2020-W53'],
    ['2020-12-31T23:59:59Z', '2020-W53']
  ])('%s is %s (UTC)', (when, expected) => {
    expect(isoWeek(new Date(when))).toBe(expected)
  })
})

describe('deriveCacheKey', () => {
  const now = new Date('2026-11-28T12:00:00Z')

  it('v2 archives hold a store, not a clone: the default prefix keeps v1 entries from matching', () => {
    expect(DEFAULT_CACHE_KEY_PREFIX).toBe('shared-checkout-v2')
    const { restoreKeys } = deriveCacheKey({
      platform: 'linux',
      repositoryId: 'github.com/o/n',
      now
    })
    expect('shared-checkout-v1-linux-github.com/o/n-2026-W47'.startsWith(restoreKeys[0])).toBe(
      false
    )
  })

  it.each([
    [
      { platform: 'linux', repositoryId: 'github.com/Owner/Name', now },
      'shared-checkout-v2-linux-github.com/owner/name-2026-W48'
    ],
    [
      { platform: 'darwin', arch: 'ARM64', repositoryId: 'github.com/owner/name', now },
      'shared-checkout-v2-darwin-arm64-github.com/owner/name-2026-W48'
    ],
    [
      { platform: 'win32', repositoryId: 'ghe.example.com/Team/Tool', now, prefix: 'mine' },
      'mine-win32-ghe.example.com/team/tool-2026-W48'
    ],
    [
      { platform: 'linux', repositoryId: 'github.com/o/n', now: new Date('2027-01-01T00:00:00Z') },
      'shared-checkout-v2-linux-github.com/o/n-2026-W53'
    ],
    [
      { platform: 'linux', repositoryId: 'github.com/o/n', now, prefix: '  ' },
      'shared-checkout-v2-linux-github.com/o/n-2026-W48'
    ]
  ])('%o → %s', (input, key) => {
    const derived = deriveCacheKey(input)
    expect(derived.key).toBe(key)
    // One restore key: the same without the period, so last week's entry warms this week.
    expect(derived.restoreKeys).toEqual([key.replace(/\d{4}-W\d{2}$/, '')])
  })

  it('treats the repository identity case-insensitively and ignores URL decoration', () => {
    const keys = [
      'github.com/Owner/Name',
      'GITHUB.COM/owner/name',
      'https://github.com/owner/name.git',
      'https://x-access-token@github.com/Owner/Name/'
    ].map(repositoryId => deriveCacheKey({ platform: 'linux', repositoryId, now }).key)
    expect(new Set(keys).size).toBe(1)
    expect(normalizeRepositoryId('HTTPS://GitHub.com/O/N.git')).toBe('github.com/o/n')
  })

  it('keeps repositories of different hosts apart', () => {
    const a = deriveCacheKey({ platform: 'linux', repositoryId: 'github.com/o/n', now })
    const b = deriveCacheKey({ platform: 'linux', repositoryId: 'ghe.example.com/o/n', now })
    expect(a.key).not.toBe(b.key)
    expect(b.key.startsWith(a.restoreKeys[0])).toBe(false)
  })

  it('rejects a prefix the cache service would refuse, naming the input', () => {
    expect(() =>
      deriveCacheKey({ platform: 'linux', repositoryId: 'github.com/o/n', now, prefix: 'a,b' })
    ).toThrow(/cache-key/)
  })
})

describe('cacheServiceStatus', () => {
  const v2 = {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/',
    ACTIONS_RUNTIME_TOKEN: 't'
  }

  it.each([
    [v2, true],
    [{ ...v2, GITHUB_SERVER_URL: 'https://github.com' }, true],
    [{ ...v2, GITHUB_SERVER_URL: 'https://acme.ghe.com' }, true],
    [{ ...v2, ACTIONS_RESULTS_URL: '' }, false],
    [{ ...v2, ACTIONS_RUNTIME_TOKEN: undefined }, false],
    // GHES: the toolkit falls back to the v1 service, which needs ACTIONS_CACHE_URL.
    [{ ...v2, GITHUB_SERVER_URL: 'https://git.example.com' }, false],
    [
      { ...v2, GITHUB_SERVER_URL: 'https://git.example.com', ACTIONS_CACHE_URL: 'https://c/' },
      true
    ],
    [{ ACTIONS_CACHE_URL: 'https://c/', ACTIONS_RUNTIME_TOKEN: 't' }, true],
    [{}, false]
  ])('%o → %s', (env, available) => {
    expect(isCacheServiceAvailable(env)).toBe(available)
    if (!available) expect(cacheServiceStatus(env).reason).toBeTruthy()
  })
})
