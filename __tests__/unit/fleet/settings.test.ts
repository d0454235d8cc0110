/** Per-machine settings of eviction (§6): parsing, precedence, validation. Pure. */
import { describe, expect, it } from '@jest/globals'
import { parseSize } from '../../../src/cli/args.js'
import {
  AUTO_MIN_FREE_BYTES,
  DEFAULT_REPO_DAYS,
  DEFAULT_TREE_DAYS,
  minFreeBytes,
  parseDays,
  parseMinFree,
  resolveSettings,
  SettingsError,
  withOverrides
} from '../../../src/fleet/settings.js'

const GiB = 1024 ** 3
const FILE = '/srv/sc/_settings.json'

describe('parseDays', () => {
  it.each([
    ['7', 7],
    ['0.5', 0.5],
    [' 30 ', 30],
    ['off', null],
    ['never', null],
    ['OFF', null]
  ])('%j → %j', (text, days) => expect(parseDays(text)).toBe(days))

  it.each(['0', '-1', '', 'seven', '7d', '1e3', '.5', 'Infinity'])('refuses %j', text =>
    expect(parseDays(text)).toBeUndefined()
  )
})

describe('sizes', () => {
  it.each([
    ['2048', 2048],
    ['500M', 500 * 1024 ** 2],
    ['20G', 20 * GiB],
    ['20GiB', 20 * GiB],
    ['20gb', 20 * GiB],
    ['1.5T', 1.5 * 1024 ** 4],
    ['12 K', 12 * 1024]
  ])('parseSize(%j) = %d', (text, bytes) => expect(parseSize(text)).toBe(bytes))

  it.each(['', 'G', '-1G', '1X', '1.2.3G', '10 %'])('parseSize refuses %j', text =>
    expect(parseSize(text)).toBeUndefined()
  )

  it.each([
    ['auto', { kind: 'auto' }],
    ['15%', { kind: 'percent', percent: 15 }],
    ['2.5 %', { kind: 'percent', percent: 2.5 }],
    ['20G', { kind: 'bytes', bytes: 20 * GiB }],
    ['off', { kind: 'off' }],
    ['0', { kind: 'off' }]
  ])('parseMinFree(%j)', (text, expected) => expect(parseMinFree(text)).toEqual(expected))

  it.each(['0%', '100%', '150%', 'lots', '-5G', ''])('parseMinFree refuses %j', text =>
    expect(parseMinFree(text)).toBeUndefined()
  )
})

describe('minFreeBytes', () => {
  it('auto is 10 GiB or 10 % of the file system, whichever is smaller', () => {
    expect(minFreeBytes({ kind: 'auto' }, 1000 * GiB)).toBe(AUTO_MIN_FREE_BYTES) // 10 % would be 100 GiB
    expect(minFreeBytes({ kind: 'auto' }, 40 * GiB)).toBe(4 * GiB) // 10 GiB would be a quarter
    expect(minFreeBytes({ kind: 'percent', percent: 25 }, 40 * GiB)).toBe(10 * GiB)
    expect(minFreeBytes({ kind: 'bytes', bytes: 123 }, 40 * GiB)).toBe(123)
    expect(minFreeBytes({ kind: 'off' }, 40 * GiB)).toBe(0)
  })
})

describe('resolveSettings', () => {
  it('defaults: 7 and 30 days, auto', () => {
    expect(resolveSettings({ env: {}, file: FILE })).toEqual({
      treeDays: DEFAULT_TREE_DAYS,
      repoDays: DEFAULT_REPO_DAYS,
      minFree: { kind: 'auto' },
      sources: { treeDays: 'default', repoDays: 'default', minFree: 'default' }
    })
    expect([DEFAULT_TREE_DAYS, DEFAULT_REPO_DAYS]).toEqual([7, 30])
  })

  it('environment over file over defaults, key by key', () => {
    const fileText = JSON.stringify({ evictTreeDays: 3, evictRepoDays: '60', evictMinFree: '15%' })
    const settings = resolveSettings({
      env: { SHARED_CHECKOUT_EVICT_TREE_DAYS: '1.5', SHARED_CHECKOUT_EVICT_MIN_FREE: ' ' },
      fileText,
      file: FILE
    })
    expect(settings).toEqual({
      treeDays: 1.5,
      repoDays: 60,
      minFree: { kind: 'percent', percent: 15 },
      sources: { treeDays: 'environment', repoDays: 'file', minFree: 'file' }
    })
  })

  it('off in the file switches a rule off', () => {
    const settings = resolveSettings({
      env: {},
      fileText: '{"evictRepoDays":"off","evictMinFree":"off"}',
      file: FILE
    })
    expect(settings.repoDays).toBeNull()
    expect(settings.minFree).toEqual({ kind: 'off' })
  })

  it.each([
    [
      { SHARED_CHECKOUT_EVICT_TREE_DAYS: 'week' },
      undefined,
      /SHARED_CHECKOUT_EVICT_TREE_DAYS is "week"; expected a number of days/
    ],
    [
      { SHARED_CHECKOUT_EVICT_REPO_DAYS: '0' },
      undefined,
      /SHARED_CHECKOUT_EVICT_REPO_DAYS is "0"; expected .*'off'/
    ],
    [
      { SHARED_CHECKOUT_EVICT_MIN_FREE: 'lots' },
      undefined,
      /SHARED_CHECKOUT_EVICT_MIN_FREE is "lots"; expected a size such as 20G/
    ],
    [{}, '{"evictTreeDays": 7,', /_settings.json is not valid JSON .*expected an object/],
    [{}, '[7]', /_settings.json must hold a JSON object/],
    [
      {},
      '{"evictTreesDays": 7}',
      /unknown key "evictTreesDays"; accepted keys: evictTreeDays, evictRepoDays, evictMinFree/
    ],
    [{}, '{"evictTreeDays": true}', /evictTreeDays is true; expected a number of days/],
    [
      {},
      '{"evictMinFree": "50 percent"}',
      /evictMinFree in \/srv\/sc\/_settings.json is "50 percent"/
    ]
  ])('refuses %j / %j naming where, what and what is accepted', (env, fileText, message) => {
    const resolve = (): unknown => resolveSettings({ env, fileText, file: FILE })
    expect(resolve).toThrow(SettingsError)
    expect(resolve).toThrow(message)
  })

  it('a bad value in the file is refused even when the environment overrides it', () => {
    expect(() =>
      resolveSettings({
        env: { SHARED_CHECKOUT_EVICT_REPO_DAYS: '2' },
        fileText: '{"evictRepoDays": -3}',
        file: FILE
      })
    ).toThrow(/evictRepoDays in .* is "-3"/)
  })

  it('flags of `evict` override both periods and the threshold', () => {
    const base = resolveSettings({ env: {}, file: FILE })
    const over = withOverrides(base, { olderThanDays: 2, minFree: { kind: 'bytes', bytes: 5 } })
    expect(over).toMatchObject({ treeDays: 2, repoDays: 2, minFree: { kind: 'bytes', bytes: 5 } })
    expect(over.sources).toEqual({ treeDays: 'flag', repoDays: 'flag', minFree: 'flag' })
    expect(withOverrides(base, { olderThanDays: null })).toMatchObject({
      treeDays: null,
      repoDays: null
    })
    expect(base.treeDays).toBe(7) // not changed in place
  })
})
