import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createStandardRepo } from '../../../testkit/git-fixtures.js'
import {
  failureHint,
  platformConfigEntries,
  syncConfigEntries,
  syncSharedClone
} from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { openHarness, type Harness } from './harness.js'

describe('platformConfigEntries (issue 7.3)', () => {
  it('turns on core.longpaths on Windows only', () => {
    expect(platformConfigEntries('win32')).toEqual([{ key: 'core.longpaths', value: 'true' }])
    for (const platform of ['linux', 'darwin', 'freebsd'] as const)
      expect(platformConfigEntries(platform)).toEqual([])
  })

  it('is part of every sync command on that platform, after the hook and fsmonitor guards', () => {
    const keys = (platform: NodeJS.Platform): string[] =>
      syncConfigEntries({ remoteUrl: 'https://github.com/a/b', lfs: false, platform }).map(
        e => e.key
      )
    expect(keys('win32')).toEqual(['core.hooksPath', 'core.fsmonitor', 'core.longpaths'])
    expect(keys('linux')).toEqual(['core.hooksPath', 'core.fsmonitor'])
  })
})

/** GIT_CONFIG_KEY_n=VALUE_n pairs from a NUL-separated /proc/<pid>/environ. */
function configOfEnviron(environ: string): string[] {
  const vars = new Map(
    environ
      .split('\0')
      .filter(Boolean)
      .map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const)
  )
  const out: string[] = []
  for (let i = 0; i < Number(vars.get('GIT_CONFIG_COUNT') ?? 0); i++)
    out.push(`${vars.get(`GIT_CONFIG_KEY_${i}`)}=${vars.get(`GIT_CONFIG_VALUE_${i}`)}`)
  return out
}

describe('a sync for win32 hands core.longpaths to its git processes', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    createStandardRepo(h.upstream, 'acme', 'app')
  })
  afterAll(() => h.close())

  it.each([
    ['win32', true],
    ['linux', false]
  ] as const)('platform %s → core.longpaths given: %s', async (platform, expected) => {
    const configs: string[][] = []
    const request = h.request('acme', `app`, {
      clonePath: `${h.dir}/clones/${platform}/app`,
      platform,
      onGitProcess: pid => {
        try {
          // Before exec, /proc/PID/environ is still the forked parent's: no GIT_CONFIG_* yet.
          const config = configOfEnviron(readFileSync(`/proc/${pid}/environ`, 'latin1'))
          if (config.length > 0) configs.push(config)
        } catch {
          // exited before we looked
        }
      }
    })
    await syncSharedClone(request, memoryLogger())
    expect(configs.length).toBeGreaterThan(0)
    for (const config of configs) expect(config.includes('core.longpaths=true')).toBe(expected)
  })
})

describe('failureHint', () => {
  it('explains a refused token, a missing repository and an unreachable server', () => {
    expect(
      failureHint(
        "fatal: could not read Username for 'http://127.0.0.1:1': terminal prompts disabled"
      )
    ).toMatch(/refused the credentials/)
    expect(failureHint("remote: Not Found\nfatal: repository 'http://h/a/b/' not found")).toMatch(
      /no such repository/
    )
    expect(
      failureHint(
        "fatal: unable to access 'http://127.0.0.1:9/a/b/': Failed to connect to 127.0.0.1"
      )
    ).toMatch(/could not be reached/)
    expect(failureHint('fatal: bad object HEAD')).toBeUndefined()
  })
})
