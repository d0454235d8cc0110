/**
 * Issue 13.1 (§7): no input can place a path outside the root or the directory `path` names,
 * encoded separators, dots or NUL in a server URL included; all refused before anything on disk
 * changes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  parseCheckoutOptions,
  type InputName,
  type ReadOptionsContext
} from '../../../src/options/options.js'
import { parseRepository, parseServerUrl } from '../../../src/options/parse.js'
import { repoIdOf } from '../../../src/repo/identity.js'
import { layoutOf } from '../../../src/repo/layout.js'
import { resolveRepoDir } from '../../../src/repo/paths.js'

const HOSTILE_SERVER_URLS = [
  // encoded separators and dots in the path
  'https://h/x%2F..%2F..%2Fetc',
  'https://h/x%2f..%2f..%2fetc',
  'https://h/a%5C..%5C..%5Cb',
  'https://h/a%5c..%5cb',
  'https://h/%2e%2e',
  'https://h/%2E%2E/x',
  'https://h/%2e',
  'https://h/.%2e',
  'https://h/a%00b',
  'https://h/%00',
  // raw dot segments
  'https://h/a/../b',
  'https://h/..',
  'https://h/../../etc',
  'https://h/./x',
  'https://h/.',
  'https://h/a/./b',
  // control characters, spaces, backslashes
  'https://h/a\u0000b',
  'https://h/a\tb',
  'https://h/a\nb',
  'https://h/a\rb',
  'https://h/a\u007fb',
  'https://h/a b',
  'https://h/a%20b',
  'https://h\t/x',
  'https://h\n',
  'https://h\\..\\..\\etc',
  'https://h/a\\..\\..\\b',
  'https:\\\\h\\x',
  // hosts that are not host names
  'https://..',
  'https://../x',
  'https://.',
  'https://%2e%2e',
  'https://%2E%2E/x',
  'https://%2e',
  'https://a..b',
  'https://.h',
  'https://h.',
  'https://h%2f..',
  'https://h%5c..',
  'https://h%00',
  'https://my_host',
  'https://h_1:8080',
  'https://h:8080:9',
  'https://bücher.example',
  // other characters in path segments
  'https://h/é',
  'https://h/a;b',
  'https://h/a:b',
  'https://h/a%b',
  'https://h/a"b'
]

describe('hostile github-server-url values are refused (issue 13.1)', () => {
  it.each(HOSTILE_SERVER_URLS)('%j', value => {
    const parsed = parseServerUrl(value)
    expect(parsed.ok).toBe(false)
  })

  it('names the problem of each kind', () => {
    const reason = (value: string): string => {
      const parsed = parseServerUrl(value)
      return parsed.ok ? 'accepted' : parsed.expected
    }
    expect(reason('https://h/x%2F..')).toMatch(/no percent-encoding/)
    expect(reason('https://h/a/../b')).toMatch(/'\.' and '\.\.' path segments are not allowed/)
    expect(reason('https://h/./b')).toMatch(/'\.' and '\.\.' path segments are not allowed/)
    expect(reason('https://h/a b')).toMatch(/spaces, control characters and '\\' are not allowed/)
    expect(reason('https://h\t/x')).toMatch(/spaces, control characters and '\\' are not allowed/)
    expect(reason('https://h\\..')).toMatch(/spaces, control characters and '\\' are not allowed/)
    expect(reason('https://..')).toMatch(/the host must be a name of letters, digits, '-' and '\.'/)
    expect(reason('https://%2e%2e')).toMatch(/the host must be/)
    expect(reason('https://my_host')).toMatch(/a host name cannot contain '_'/)
  })

  describe('before anything on disk changes', () => {
    let scratch: string
    beforeAll(() => {
      scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-server-url-'))
    })
    afterAll(() => rmSync(scratch, { recursive: true, force: true }))

    /** Every path under `dir` with its kind and mtime. */
    function snapshot(dir: string): string[] {
      const out: string[] = []
      const walk = (d: string): void => {
        for (const entry of readdirSync(d).sort()) {
          const full = path.join(d, entry)
          const stats = statSync(full)
          out.push(`${full} ${stats.isDirectory() ? 'd' : 'f'} ${stats.mtimeMs}`)
          if (stats.isDirectory()) walk(full)
        }
      }
      walk(dir)
      return out
    }

    // Inputs are trimmed like @actions/core getInput does: 'https://h\n' arrives as 'https://h'.
    const untrimmed = HOSTILE_SERVER_URLS.filter(value => value === value.trim())
    it.each(untrimmed)('%j: an input error, and the disk untouched', value => {
      const root = path.join(scratch, 'root')
      mkdirSync(path.join(root, 'h'), { recursive: true })
      const before = snapshot(scratch)
      const inputs: Partial<Record<InputName, string>> = {
        repository: 'acme/app',
        'github-server-url': value,
        root
      }
      const result = parseCheckoutOptions(name => inputs[name] ?? '', {
        env: { HOME: path.join(scratch, 'home') },
        platform: 'linux'
      })
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.problems.map(p => p.input)).toEqual(['github-server-url'])
      expect(snapshot(scratch)).toEqual(before)
    })
  })
})

/** A small deterministic generator, so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const AUTHORITIES = [
  'h',
  'H.Example.com',
  '127.0.0.1:8080',
  '[::1]:9',
  '[::1]',
  'github.com:443',
  '..',
  '.',
  '%2e%2e',
  '%2E.',
  'a..b',
  'h.',
  'h_x',
  'h:0',
  'h\\..',
  'h%2f..',
  '~',
  '-',
  'user@h',
  'x.lock',
  'trees'
]
const PATH_SEGMENTS = [
  '',
  '.',
  '..',
  '%2e%2e',
  '%2E',
  '%2F',
  '%2f..',
  '%5C',
  '%5c..',
  '%00',
  'a',
  'A',
  '~x',
  '~',
  '...',
  '.a',
  'a.',
  'x.lock',
  'trees',
  'store',
  '..%2f',
  ' ',
  '\t',
  '\u0000',
  '\\',
  'é',
  ';',
  'a b',
  'acme',
  'app'
]
const OWNERS = ['acme', 'A-b', 'x_y', '..', '.', '-x', '~x', 'trees']
const NAMES = [
  'app',
  'x',
  'x.lock',
  'X.LOCK',
  'x.partial-abc',
  'x.queue',
  '.github',
  '...',
  '..',
  '.',
  '.git',
  '..git',
  'x.git',
  'trees',
  'store',
  'locks',
  'shared-checkout.json',
  'a%2f..',
  '~x',
  '.lock',
  '-'
]

function generatedCases(count: number): { serverUrl: string; repository: string }[] {
  const random = prng(13_1)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const cases: { serverUrl: string; repository: string }[] = []
  for (let i = 0; i < count; i++) {
    const segments = Array.from({ length: Math.floor(random() * 4) }, () => pick(PATH_SEGMENTS))
    const trailing = random() < 0.3 ? '/' : ''
    const scheme = pick(['https', 'http', 'HTTPS'])
    const serverUrl = `${scheme}://${pick(AUTHORITIES)}${segments.map(s => `/${s}`).join('')}${trailing}`
    cases.push({ serverUrl, repository: `${pick(OWNERS)}/${pick(NAMES)}` })
  }
  return cases
}

/** Strictly inside, by an independent rule: relative path non-empty, not climbing, not absolute. */
function strictlyInside(p: path.PlatformPath, root: string, dir: string): boolean {
  const relative = p.relative(root, dir)
  return (
    relative !== '' &&
    !p.isAbsolute(relative) &&
    relative.split(/[\\/]/).every(part => part !== '..' && part !== '.' && part !== '')
  )
}

describe('property: whatever the server URL and repository, the default directory is strictly inside the root', () => {
  const cases = generatedCases(3000)
  const machines = [
    { platform: 'linux' as const, p: path.posix, root: '/srv/sc', home: '/home/u' },
    { platform: 'win32' as const, p: path.win32, root: 'D:\\sc', home: 'C:\\Users\\u' }
  ]

  it.each(machines)('$platform', ({ platform, p, root, home }) => {
    let accepted = 0
    const context: ReadOptionsContext = {
      env: {},
      platform,
      homedir: home,
      inspectDisk: false
    }
    for (const { serverUrl, repository } of cases) {
      const inputs: Partial<Record<InputName, string>> = {
        repository,
        'github-server-url': serverUrl,
        root
      }
      const result = parseCheckoutOptions(name => inputs[name] ?? '', context)

      // The parsers and the options agree: accepted exactly when both values parse.
      const server = parseServerUrl(serverUrl.trim())
      const repo = parseRepository(repository)
      expect([serverUrl, repository, result.ok]).toEqual([
        serverUrl,
        repository,
        server.ok && repo.ok
      ])
      if (!result.ok || !server.ok || !repo.ok) continue
      accepted++
      const { dir } = result.options
      if (!strictlyInside(p, root, dir)) throw new Error(`${serverUrl} ${repository} → ${dir}`)
      // Every file of the layout stays inside the directory too.
      const layout = layoutOf(dir)
      for (const file of [layout.store, layout.storeLock, layout.tree(64), layout.treeLock(64)]) {
        expect(strictlyInside(p, dir, file)).toBe(true)
      }
      // The same through resolveRepoDir directly, and a validated URL parses to itself.
      const repoId = repoIdOf(server.value, repo.value)
      expect(resolveRepoDir({ platform, root, pathInput: '', repo: repoId, homedir: home })).toBe(
        dir
      )
      expect(parseServerUrl(server.value)).toEqual({ ok: true, value: server.value })
    }
    // Not vacuous: a good share of the generated cases are valid and were checked.
    expect(accepted).toBeGreaterThan(200)
    expect(accepted).toBeLessThan(cases.length)
  })

  it.each([
    ['linux' as const, '/srv/abs/x', '/srv/sc', '/home/u'],
    ['linux' as const, '/srv/abs/../other/./x/', '/srv/sc', '/home/u'],
    ['win32' as const, 'E:\\abs\\x', 'D:\\sc', 'C:\\Users\\u'],
    ['win32' as const, 'E:/abs/x/', 'D:\\sc', 'C:\\Users\\u']
  ])(
    '%s: an absolute path %j stays where it says, whatever the server URL',
    (platform, pathInput, root, home) => {
      const p = platform === 'win32' ? path.win32 : path.posix
      const want = p.normalize(pathInput).replace(/[\\/]+$/, '')
      let checked = 0
      for (const { serverUrl, repository } of generatedCases(300)) {
        const inputs: Partial<Record<InputName, string>> = {
          repository,
          'github-server-url': serverUrl,
          root,
          path: pathInput
        }
        const result = parseCheckoutOptions(name => inputs[name] ?? '', {
          env: {},
          platform,
          homedir: home,
          inspectDisk: false
        })
        if (!result.ok) continue
        checked++
        expect(result.options.dir).toBe(want)
        expect(result.options.dirChosen).toBe(true)
      }
      expect(checked).toBeGreaterThan(20)
    }
  )
})
