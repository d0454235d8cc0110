import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import {
  INPUT_NAMES,
  InputError,
  LITERAL_DEFAULTS,
  parseBoolean,
  parseInputs,
  readInputs,
  resolveRefRequest,
  type InputName
} from '../../../src/inputs.js'
import { readActionInputs } from '../../../testkit/emulator-core.js'

const env = {
  HOME: '/home/u',
  GITHUB_REPOSITORY: 'Acme/Widgets',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com'
}

/** What the runner passes when the workflow says nothing: action.yml's defaults, evaluated. */
const runnerDefaults: Record<string, string> = {
  repository: 'Acme/Widgets',
  token: 'ghs_secret',
  'github-server-url': 'https://github.com',
  ...(LITERAL_DEFAULTS as Record<string, string>)
}

const reader =
  (given: Record<string, string>) =>
  (name: string): string =>
    given[name] ?? runnerDefaults[name] ?? ''

describe('readInputs: good values', () => {
  it('returns every input of action.yml, typed, with the defaults', () => {
    const inputs = readInputs(reader({}), env, 'linux')
    expect(inputs).toEqual({
      repository: 'Acme/Widgets',
      identity: expect.objectContaining({ key: 'github.com/acme/widgets' }),
      repositoryId: 'github.com/acme/widgets',
      remoteUrl: 'https://github.com/Acme/Widgets',
      refInput: '',
      ref: 'refs/heads/main',
      commit: 'a'.repeat(40),
      token: 'ghs_secret',
      serverUrl: 'https://github.com',
      root: '/home/u/.cache/shared-checkout',
      clonePath: '/home/u/.cache/shared-checkout/github.com/acme/widgets',
      holdLock: 'job',
      lockTimeoutSeconds: -1,
      clean: true,
      fetchDepth: 0,
      fetchTags: false,
      submodules: false,
      lfs: false,
      persistCredentials: false,
      cache: true,
      cacheKey: ''
    })
  })

  it('treats an input passed explicitly empty as its default (reusable workflows pass text)', () => {
    const empty = readInputs(() => '', env, 'linux')
    expect(empty).toMatchObject({
      repository: 'Acme/Widgets',
      holdLock: 'job',
      clean: true,
      cache: true,
      fetchDepth: 0,
      lockTimeoutSeconds: -1
    })
    expect(empty.serverUrl).toBe('https://github.com')
  })

  const good: [InputName, string, Record<string, unknown>][] = [
    ['repository', 'octo-org/my_repo.js', { repository: 'octo-org/my_repo.js' }],
    ['repository', 'acme/widgets.git', { repository: 'acme/widgets' }],
    ['repository', 'emu_user/x', { repository: 'emu_user/x' }],
    ['ref', 'main', { refInput: 'main', ref: 'main', commit: '' }],
    ['ref', 'v1.2.3', { ref: 'v1.2.3' }],
    ['ref', 'refs/pull/12/merge', { ref: 'refs/pull/12/merge', commit: '' }],
    ['ref', 'feature/a-b_c', { ref: 'feature/a-b_c' }],
    ['ref', 'B'.repeat(40), { refInput: 'B'.repeat(40), ref: '', commit: 'b'.repeat(40) }],
    ['ref', 'c'.repeat(64), { ref: '', commit: 'c'.repeat(64) }],
    ['github-server-url', 'https://ghes.example.com/', { serverUrl: 'https://ghes.example.com' }],
    [
      'github-server-url',
      'http://127.0.0.1:8080',
      {
        serverUrl: 'http://127.0.0.1:8080',
        remoteUrl: 'http://127.0.0.1:8080/Acme/Widgets',
        clonePath: '/home/u/.cache/shared-checkout/127.0.0.1_8080/acme/widgets'
      }
    ],
    ['token', '', { token: '' }],
    ['path', 'mine', { clonePath: '/home/u/.cache/shared-checkout/mine' }],
    ['path', '/srv/clones/w', { clonePath: '/srv/clones/w' }],
    ['root', '/srv/sc', { root: '/srv/sc', clonePath: '/srv/sc/github.com/acme/widgets' }],
    ['root', '~/sc', { root: '/home/u/sc' }],
    ['hold-lock', 'sync', { holdLock: 'sync' }],
    ['hold-lock', 'JOB', { holdLock: 'job' }],
    ['lock-timeout', '0', { lockTimeoutSeconds: 0 }],
    ['lock-timeout', '300', { lockTimeoutSeconds: 300 }],
    ['lock-timeout', '2.5', { lockTimeoutSeconds: 2.5 }],
    ['clean', 'False', { clean: false }],
    ['clean', 'TRUE', { clean: true }],
    ['fetch-depth', '1', { fetchDepth: 1 }],
    ['fetch-depth', ' 50 ', { fetchDepth: 50 }],
    ['fetch-tags', 'true', { fetchTags: true }],
    ['submodules', 'Recursive', { submodules: 'recursive' }],
    ['submodules', 'TRUE', { submodules: true }],
    ['submodules', 'False', { submodules: false }],
    ['lfs', 'True', { lfs: true }],
    ['persist-credentials', 'true', { persistCredentials: true }],
    ['cache', 'false', { cache: false }],
    ['cache-key', 'v2-linux/x:y+z=w@1', { cacheKey: 'v2-linux/x:y+z=w@1' }],
    ['cache-key', 'k'.repeat(512), { cacheKey: 'k'.repeat(512) }]
  ]
  it.each(good)('%s = %j is accepted', (input, value, expected) => {
    expect(readInputs(reader({ [input]: value }), env, 'linux')).toMatchObject(expected)
  })
})

describe('readInputs: bad values name the input, the value and what is accepted', () => {
  // [input, value, a fragment of the "accepted" text]
  const bad: [InputName, string, RegExp][] = [
    ['repository', 'a/b/c', /expected owner\/name/],
    ['repository', 'a', /expected owner\/name/],
    ['repository', '/b', /expected owner\/name/],
    ['repository', 'a/', /expected owner\/name/],
    ['repository', 'ac me/widgets', /expected owner\/name/],
    ['repository', '-acme/widgets', /expected owner\/name/],
    ['repository', 'acme/..', /expected owner\/name/],
    ['repository', 'acme/wid;gets', /expected owner\/name/],
    ['ref', 'a..b', /'\.\.' is not allowed.*expected a branch, tag/],
    ['ref', '-c', /leading '-'.*expected a branch/],
    ['ref', '--upload-pack=evil', /leading '-'/],
    ['ref', 'has space', /spaces and control characters/],
    ['ref', 'tab\there', /control characters/],
    ['ref', 'main@{1}', /'@\{'/],
    ['ref', 'feature.lock', /ending in '\.lock'/],
    ['ref', 'refs/heads/x.lock/y', /ending in '\.lock'/],
    ['ref', 'a:b', /characters ~ \^ :/],
    ['ref', 'x~1', /characters ~ \^ :/],
    ['ref', 'trailing/', /empty path components/],
    ['ref', 'a//b', /empty path components/],
    ['ref', 'end.', /trailing '\.'/],
    ['ref', 'refs/.hidden', /starting with '\.'/],
    ['github-server-url', 'ftp://example.com', /expected an http\(s\) URL/],
    ['github-server-url', 'github.com', /expected an http\(s\) URL/],
    ['github-server-url', 'https://user:pw@github.com', /without user, password/],
    ['github-server-url', 'https://github.com/?x=1', /query or fragment/],
    ['path', '../outside', /leaves the root.*expected a directory inside the root/],
    ['path', '/', /root of a volume/],
    ['path', '/home/u', /is the home directory/],
    ['root', 'relative', /relative root.*expected an absolute directory/],
    ['root', '/', /root of a volume/],
    ['hold-lock', 'forever', /expected 'job' .* or 'sync'/],
    ['lock-timeout', 'soon', /expected seconds to wait: -1 \(forever\), 0 \(one try\)/],
    ['lock-timeout', '-2', /expected seconds to wait/],
    ['lock-timeout', '-0.5', /expected seconds to wait/],
    ['lock-timeout', '1e3', /expected seconds to wait/],
    ['clean', 'yes', /expected true or false/],
    ['clean', 'tRUE', /expected true or false/],
    ['fetch-depth', '-3', /expected a whole number >= 0 \(0 = full history\)/],
    ['fetch-depth', '1.5', /expected a whole number >= 0/],
    ['fetch-depth', '99999999999', /expected a whole number >= 0/],
    ['fetch-tags', '1', /expected true or false/],
    ['submodules', 'yes', /expected 'false', 'true' \(first level\) or 'recursive'/],
    ['lfs', 'on', /expected true or false/],
    ['persist-credentials', 'y', /expected true or false/],
    ['cache', 'maybe', /expected true or false/],
    ['cache-key', 'a,b', /expected letters, digits/],
    ['cache-key', 'has space', /expected letters, digits/],
    ['cache-key', 'k'.repeat(513), /at most 512 characters/]
  ]
  it('covers at least 30 bad values', () => expect(bad.length).toBeGreaterThanOrEqual(30))

  it.each(bad)('%s = %j is refused', (input, value, accepted) => {
    const result = parseInputs(reader({ [input]: value }), env, 'linux')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toHaveLength(1)
    const [{ input: named, message }] = result.problems
    expect(named).toBe(input)
    const shownValue = JSON.stringify(value.trim())
    const prefix = `Input '${input}' is ${shownValue.length > 200 ? shownValue.slice(0, 200) : shownValue}`
    expect(message.startsWith(prefix)).toBe(true)
    expect(message).toMatch(accepted)
    expect(() => readInputs(reader({ [input]: value }), env, 'linux')).toThrow(InputError)
  })

  it('uses the wording of the brief for fetch-depth', () => {
    expect(() => readInputs(reader({ 'fetch-depth': '-3' }), env, 'linux')).toThrow(
      `Input 'fetch-depth' is "-3": expected a whole number >= 0 (0 = full history)`
    )
  })

  it('never echoes the token', () => {
    const secret = 'ghs_abc\ndef'
    const result = parseInputs(reader({ token: secret }), env, 'linux')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toBe(
      `Input 'token' is (hidden): expected a token without whitespace or control characters`
    )
    expect(JSON.stringify(result.problems)).not.toContain('ghs_abc')
  })

  it('reports every bad input at once', () => {
    const given = {
      'fetch-depth': 'deep',
      clean: 'perhaps',
      'hold-lock': 'always',
      path: '../x',
      ref: '-x'
    }
    try {
      readInputs(reader(given), env, 'linux')
      throw new Error('not refused')
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      const problems = (error as InputError).details
      expect((error as InputError).problems).toEqual(problems.map(p => p.message))
      expect(problems.map(p => p.input).sort()).toEqual([
        'clean',
        'fetch-depth',
        'hold-lock',
        'path',
        'ref'
      ])
      expect((error as InputError).message.split('\n')).toHaveLength(5)
    }
  })

  it('shows control characters escaped and caps long values', () => {
    const result = parseInputs(reader({ 'cache-key': 'a\u0001' + 'x'.repeat(600) }), env, 'linux')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toContain('"a\\u0001xxx')
    expect(result.problems[0].message).toContain('(602 characters)')
  })

  it('applies Windows path rules when the platform says so', () => {
    const winEnv = {
      USERPROFILE: 'C:\\Users\\u',
      LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
      GITHUB_REPOSITORY: 'a/b'
    }
    expect(readInputs(reader({ repository: 'a/b' }), winEnv, 'win32').clonePath).toBe(
      'C:\\Users\\u\\AppData\\Local\\shared-checkout\\github.com\\a\\b'
    )
    expect(() => readInputs(reader({ repository: 'a/b', path: 'C:\\' }), winEnv, 'win32')).toThrow(
      /Input 'path' is "C:\\\\": it is the root of a volume/
    )
  })
})

describe('booleans follow @actions/core getBooleanInput', () => {
  it.each(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRUE', 'yes', '1', 'on', ''])(
    '%j',
    value => {
      process.env.INPUT_PROBE = value
      let expected: boolean | 'error'
      try {
        expected = core.getBooleanInput('probe')
      } catch {
        expected = 'error'
      }
      delete process.env.INPUT_PROBE
      const parsed = parseBoolean(value)
      expect(parsed.ok ? parsed.value : 'error').toBe(expected)
    }
  )
})

describe('resolveRefRequest (§1 ref default)', () => {
  it('uses the triggering commit on the workflow repository, compared case-insensitively', () => {
    expect(resolveRefRequest('', 'acme/WIDGETS', env)).toEqual({
      ref: 'refs/heads/main',
      commit: 'a'.repeat(40)
    })
  })
  it("means the remote's default branch on another repository", () => {
    expect(resolveRefRequest('', 'other/repo', env)).toEqual({ ref: '', commit: '' })
  })
  it('keeps an explicit ref, and turns a full SHA into a commit', () => {
    expect(resolveRefRequest('release', 'acme/widgets', env)).toEqual({
      ref: 'release',
      commit: ''
    })
    expect(resolveRefRequest('F'.repeat(40), 'other/repo', env)).toEqual({
      ref: '',
      commit: 'f'.repeat(40)
    })
  })
})

describe('INPUT_NAMES and LITERAL_DEFAULTS match action.yml', () => {
  it('declares the same inputs with the same literal defaults', () => {
    const actionYml = readFileSync(path.join(process.cwd(), 'action.yml'), 'utf8')
    const declared = readActionInputs(actionYml)
    expect(Object.keys(declared)).toEqual([...INPUT_NAMES])
    for (const name of INPUT_NAMES) {
      const literal = declared[name].default ?? ''
      if (literal.includes('${{')) continue
      expect([name, LITERAL_DEFAULTS[name] ?? '']).toEqual([name, literal])
    }
  })
})
