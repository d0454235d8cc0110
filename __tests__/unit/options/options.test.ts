import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  INPUT_NAMES,
  InputError,
  LITERAL_DEFAULTS,
  parseCheckoutOptions,
  readCheckoutOptions,
  resolveRefRequest,
  type InputName,
  type ReadOptionsContext
} from '../../../src/options/options.js'
import { encodeMarker, layoutOf } from '../../../src/repo/layout.js'
import { readActionInputs } from '../../../testkit/emulator-core.js'

const env = {
  HOME: '/home/u',
  GITHUB_REPOSITORY: 'Acme/Widgets',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SERVER_URL: 'https://github.com'
}
const linux: ReadOptionsContext = { env, platform: 'linux', inspectDisk: false }

/** What the runner passes when the workflow says nothing: action.yml's defaults, evaluated. */
const runnerDefaults: Record<string, string> = {
  repository: 'Acme/Widgets',
  token: 'ghs_secret',
  'github-server-url': 'https://github.com',
  ...(LITERAL_DEFAULTS as Record<string, string>)
}

const reader =
  (given: Partial<Record<InputName, string>>) =>
  (name: InputName): string =>
    given[name] ?? runnerDefaults[name] ?? ''

const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n`

describe('readCheckoutOptions: good values', () => {
  it('returns every setting, typed, with the defaults', () => {
    const options = readCheckoutOptions(reader({}), linux)
    expect(options).toEqual({
      repository: 'Acme/Widgets',
      repo: expect.objectContaining({
        key: 'github.com/acme/widgets',
        remoteUrl: 'https://github.com/Acme/Widgets'
      }),
      refInput: '',
      ref: 'refs/heads/main',
      commit: 'a'.repeat(40),
      token: 'ghs_secret',
      serverUrl: 'https://github.com',
      root: '/home/u/.cache/shared-checkout',
      dir: '/home/u/.cache/shared-checkout/github.com/acme/widgets',
      dirChosen: false,
      trees: 1,
      holdLock: 'job',
      lockTimeoutSeconds: -1,
      clean: true,
      fetchDepth: 0,
      fetchTags: false,
      submodules: false,
      lfs: false,
      persistCredentials: false,
      cache: true,
      cacheKey: '',
      sshKey: '',
      sshKnownHosts: '',
      sshStrict: true,
      sshUser: 'git',
      sparseCheckout: [],
      sparseCheckoutConeMode: true,
      filter: '',
      showProgress: true,
      setSafeDirectory: true
    })
  })

  it('reads every input of INPUT_NAMES, and nothing else', () => {
    const asked: string[] = []
    readCheckoutOptions(name => {
      asked.push(name)
      return runnerDefaults[name] ?? ''
    }, linux)
    expect([...new Set(asked)].sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('treats an input passed explicitly empty (or blank) as its default: reusable workflows pass text', () => {
    for (const blank of ['', '  ', '\n']) {
      const options = readCheckoutOptions(() => blank, linux)
      expect(options).toMatchObject({
        repository: 'Acme/Widgets', // from GITHUB_REPOSITORY
        serverUrl: 'https://github.com', // from GITHUB_SERVER_URL
        trees: 1,
        holdLock: 'job',
        clean: true,
        cache: true,
        fetchDepth: 0,
        lockTimeoutSeconds: -1,
        sshStrict: true,
        sshUser: 'git',
        sshKey: '',
        sparseCheckout: [],
        sparseCheckoutConeMode: true,
        showProgress: true,
        setSafeDirectory: true
      })
    }
  })

  it('github-server-url falls back to GITHUB_SERVER_URL, then https://github.com', () => {
    const ghes = { ...env, GITHUB_SERVER_URL: 'https://ghes.example.com/' }
    expect(readCheckoutOptions(() => '', { ...linux, env: ghes }).serverUrl).toBe(
      'https://ghes.example.com'
    )
    const none = { ...env, GITHUB_SERVER_URL: '' }
    expect(readCheckoutOptions(() => '', { ...linux, env: none }).serverUrl).toBe(
      'https://github.com'
    )
  })

  const good: [InputName, string, Record<string, unknown>][] = [
    ['repository', 'octo-org/my_repo.js', { repository: 'octo-org/my_repo.js' }],
    ['repository', 'acme/widgets.git', { repository: 'acme/widgets' }],
    ['repository', ' acme/x.lock ', { repository: 'acme/x.lock' }],
    ['ref', 'main', { refInput: 'main', ref: 'main', commit: '' }],
    ['ref', ' v1.2.3 ', { refInput: 'v1.2.3', ref: 'v1.2.3' }],
    ['ref', 'refs/pull/12/merge', { ref: 'refs/pull/12/merge', commit: '' }],
    ['ref', 'B'.repeat(40), { refInput: 'B'.repeat(40), ref: '', commit: 'b'.repeat(40) }],
    ['ref', 'c'.repeat(64), { ref: '', commit: 'c'.repeat(64) }],
    ['github-server-url', 'https://ghes.example.com/', { serverUrl: 'https://ghes.example.com' }],
    [
      'github-server-url',
      'http://127.0.0.1:8080',
      {
        serverUrl: 'http://127.0.0.1:8080',
        repo: expect.objectContaining({ remoteUrl: 'http://127.0.0.1:8080/Acme/Widgets' }),
        dir: '/home/u/.cache/shared-checkout/127.0.0.1_8080/acme/widgets'
      }
    ],
    [
      'github-server-url',
      'https://ghes.example.com/Git/',
      { dir: '/home/u/.cache/shared-checkout/ghes.example.com/~git/acme/widgets' }
    ],
    ['token', '', { token: '' }],
    ['path', 'mine', { dir: '/home/u/.cache/shared-checkout/mine', dirChosen: true }],
    ['path', '/srv/clones/w', { dir: '/srv/clones/w', dirChosen: true }],
    ['root', '/srv/sc', { root: '/srv/sc', dir: '/srv/sc/github.com/acme/widgets' }],
    ['root', '~/sc', { root: '/home/u/sc' }],
    ['trees', '4', { trees: 4 }],
    ['trees', ' 64 ', { trees: 64 }],
    ['hold-lock', 'JOB', { holdLock: 'job' }],
    ['lock-timeout', '0', { lockTimeoutSeconds: 0 }],
    ['lock-timeout', '2.5', { lockTimeoutSeconds: 2.5 }],
    ['clean', 'False', { clean: false }],
    ['fetch-depth', ' 50 ', { fetchDepth: 50 }],
    ['fetch-tags', 'true', { fetchTags: true }],
    ['submodules', 'Recursive', { submodules: 'recursive' }],
    ['submodules', 'TRUE', { submodules: true }],
    ['lfs', 'True', { lfs: true }],
    ['persist-credentials', 'true', { persistCredentials: true }],
    ['cache', 'false', { cache: false }],
    ['cache-key', 'v2-linux/x:y+z=w@1', { cacheKey: 'v2-linux/x:y+z=w@1' }],
    ['ssh-key', `\n${KEY}\n`, { sshKey: KEY }],
    ['ssh-known-hosts', 'h ssh-ed25519 AAAA\n', { sshKnownHosts: 'h ssh-ed25519 AAAA' }],
    ['ssh-strict', 'false', { sshStrict: false }],
    ['ssh-user', 'deploy', { sshUser: 'deploy' }],
    ['sparse-checkout', 'src\n  docs\n', { sparseCheckout: ['src', 'docs'] }],
    ['sparse-checkout-cone-mode', 'false', { sparseCheckoutConeMode: false }],
    ['filter', 'blob:none', { filter: 'blob:none' }],
    ['show-progress', 'FALSE', { showProgress: false }],
    ['set-safe-directory', 'false', { setSafeDirectory: false }]
  ]
  it.each(good)('%s = %j is accepted', (input, value, expected) => {
    expect(readCheckoutOptions(reader({ [input]: value }), linux)).toMatchObject(expected)
  })
})

describe('readCheckoutOptions: bad values name the input, the value and what is accepted', () => {
  // [input, value, a fragment of the "accepted" text]
  const bad: [InputName, string, RegExp][] = [
    ['repository', 'a/b/c', /: expected owner\/name/],
    ['repository', 'acme/..', /: expected owner\/name/],
    ['repository', '-acme/widgets', /: expected owner\/name/],
    ['ref', 'a..b', /: '\.\.' is not allowed; expected a branch, tag/],
    ['ref', '--upload-pack=evil', /: a leading '-' is not allowed; expected a branch/],
    ['ref', 'feature.lock', /ending in '\.lock'/],
    ['github-server-url', 'ftp://example.com', /: expected an http\(s\) URL/],
    ['github-server-url', 'https://github.com/?x=1', /query or fragment/],
    ['github-server-url', 'https://h/x%2F..%2Fetc', /no percent-encoding/],
    ['github-server-url', 'https://my_host', /cannot contain '_'/],
    [
      'path',
      '../outside',
      /: it leaves the root through '\.\.'; expected a directory inside the root/
    ],
    ['path', '/', /root of a volume/],
    ['path', '/home/u', /is the home directory/],
    ['path', '/home/u/.cache/shared-checkout', /is the root itself/],
    ['root', 'relative', /relative root would differ per job; expected an absolute directory/],
    ['root', '/', /root of a volume/],
    ['trees', '0', /: expected a whole number from 1 to 64/],
    ['trees', '65', /: expected a whole number from 1 to 64/],
    ['hold-lock', 'forever', /: expected 'job'/],
    ['lock-timeout', 'soon', /: expected -1 \(wait forever\), 0 \(try once\)/],
    ['lock-timeout', '-2', /expected -1 \(wait forever\)/],
    ['lock-timeout', '1e3', /expected -1 \(wait forever\)/],
    ['clean', 'yes', /: expected true or false/],
    ['clean', 'tRUE', /expected true or false/],
    ['fetch-depth', '-3', /: expected a whole number >= 0 \(0 = full history\)/],
    ['fetch-depth', '99999999999', /expected a whole number >= 0/],
    ['fetch-tags', '1', /expected true or false/],
    ['submodules', 'yes', /: expected 'false', 'true' \(first level\) or 'recursive'/],
    ['lfs', 'on', /expected true or false/],
    ['persist-credentials', 'y', /expected true or false/],
    ['cache', 'maybe', /expected true or false/],
    ['cache-key', 'a,b', /: expected letters, digits/],
    ['cache-key', 'k'.repeat(513), /: expected at most 512 characters/],
    ['ssh-known-hosts', 'h\u0000k', /: expected known_hosts lines/],
    ['ssh-strict', 'sometimes', /expected true or false/],
    ['ssh-user', '-oProxyCommand=x', /: expected a login name/],
    ['sparse-checkout', 'src\n--no-cone', /: pattern "--no-cone" is not usable/],
    ['sparse-checkout-cone-mode', 'cone', /expected true or false/],
    ['filter', 'sparse:oid=x', /: expected a partial-clone filter/],
    ['show-progress', 'quiet', /expected true or false/],
    ['set-safe-directory', 'no', /expected true or false/]
  ]
  it('covers at least 40 bad values', () => expect(bad.length).toBeGreaterThanOrEqual(40))

  it.each(bad)('%s = %j is refused', (input, value, accepted) => {
    const result = parseCheckoutOptions(reader({ [input]: value }), linux)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toHaveLength(1)
    const [{ input: named, message }] = result.problems
    expect(named).toBe(input)
    const keepsSpaces = input === 'sparse-checkout' || input === 'ssh-known-hosts'
    const shownValue = JSON.stringify(keepsSpaces ? value : value.trim())
    const prefix = `Input '${input}' is ${shownValue.length > 200 ? shownValue.slice(0, 200) : shownValue}`
    expect(message.startsWith(prefix)).toBe(true)
    expect(message).toMatch(accepted)
    expect(() => readCheckoutOptions(reader({ [input]: value }), linux)).toThrow(InputError)
  })

  it('uses the exact wording "Input \'x\' is "v": expected …"', () => {
    expect(() => readCheckoutOptions(reader({ 'fetch-depth': '-3' }), linux)).toThrow(
      `Input 'fetch-depth' is "-3": expected a whole number >= 0 (0 = full history)`
    )
    expect(() => readCheckoutOptions(reader({ trees: '0' }), linux)).toThrow(
      `Input 'trees' is "0": expected a whole number from 1 to 64: how many jobs of this repository may run at once on this machine`
    )
  })

  it('refuses hold-lock: sync, saying what to use instead', () => {
    const result = parseCheckoutOptions(reader({ 'hold-lock': 'sync' }), linux)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      {
        input: 'hold-lock',
        message: expect.stringMatching(
          /^Input 'hold-lock' is "sync": 'sync' is not accepted with working trees: .*Use trees: N to run N jobs of this repository at once, each in its own tree, and keep 'job'/
        )
      }
    ])
  })

  it('never quotes the token', () => {
    const secret = 'ghs_abc\ndef'
    const result = parseCheckoutOptions(reader({ token: secret }), linux)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toBe(
      `Input 'token' is (hidden): expected a token without whitespace or control characters`
    )
    expect(JSON.stringify(result.problems)).not.toContain('ghs_abc')
  })

  it('never quotes the ssh-key', () => {
    const secret = 'not-a-key-but-secret-material'
    const result = parseCheckoutOptions(reader({ 'ssh-key': secret }), linux)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toMatch(
      /^Input 'ssh-key' is \(hidden\): expected a private key/
    )
    expect(JSON.stringify(result.problems)).not.toContain('secret-material')
  })

  it('never quotes a password written into the server URL', () => {
    const result = parseCheckoutOptions(
      reader({ 'github-server-url': 'https://user:hunter2@ghes.example.com' }),
      linux
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toMatch(
      /^Input 'github-server-url' is "https:\/\/\*\*\*@ghes\.example\.com": a user or password/
    )
    expect(JSON.stringify(result.problems)).not.toContain('hunter2')
  })

  it('reports every bad input at once', () => {
    const given = {
      'fetch-depth': 'deep',
      clean: 'perhaps',
      'hold-lock': 'sync',
      path: '../x',
      ref: '-x',
      trees: '100',
      filter: 'x',
      token: 'a b'
    }
    try {
      readCheckoutOptions(reader(given), linux)
      throw new Error('not refused')
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      const problems = (error as InputError).details
      expect((error as InputError).problems).toEqual(problems.map(p => p.message))
      expect(problems.map(p => p.input).sort()).toEqual(
        ['clean', 'fetch-depth', 'filter', 'hold-lock', 'path', 'ref', 'token', 'trees'].sort()
      )
      expect((error as InputError).message.split('\n')).toHaveLength(8)
      expect((error as InputError).name).toBe('InputError')
    }
  })

  it('shows control characters escaped and caps long values', () => {
    const result = parseCheckoutOptions(reader({ 'cache-key': 'a\u0001' + 'x'.repeat(600) }), linux)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0].message).toContain('"a\\u0001xxx')
    expect(result.problems[0].message).toContain('(602 characters)')
    expect(result.problems[0].message.length).toBeLessThan(400)
  })

  it('refuses an empty repository when GITHUB_REPOSITORY is not set either', () => {
    const result = parseCheckoutOptions(() => '', { ...linux, env: { HOME: '/home/u' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(p => p.message)).toEqual([
      expect.stringMatching(/^Input 'repository' is "": expected owner\/name/)
    ])
  })

  it('applies Windows path rules when the platform says so', () => {
    const winEnv = {
      USERPROFILE: 'C:\\Users\\u',
      LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
      GITHUB_REPOSITORY: 'a/b'
    }
    const win: ReadOptionsContext = { env: winEnv, platform: 'win32', inspectDisk: false }
    expect(readCheckoutOptions(reader({ repository: 'a/b' }), win).dir).toBe(
      'C:\\Users\\u\\AppData\\Local\\shared-checkout\\github.com\\a\\b'
    )
    expect(() => readCheckoutOptions(reader({ repository: 'a/b', path: 'C:\\' }), win)).toThrow(
      /Input 'path' is "C:\\\\": it is the root of a volume/
    )
    expect(() => readCheckoutOptions(reader({ repository: 'a/b', path: 'C:dir' }), win)).toThrow(
      /Input 'path' is "C:dir": a drive-relative path/
    )
  })
})

describe('resolveRefRequest (§1 ref default)', () => {
  it('uses the triggering commit on the workflow repository, compared case-insensitively', () => {
    expect(resolveRefRequest('', 'acme/WIDGETS', env)).toEqual({
      ref: 'refs/heads/main',
      commit: 'a'.repeat(40)
    })
  })
  it('lower-cases the triggering commit', () => {
    expect(
      resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_SHA: 'ABC'.repeat(13) + 'D' })
    ).toEqual({
      ref: 'refs/heads/main',
      commit: 'abc'.repeat(13) + 'd'
    })
  })
  it('an all-zero GITHUB_SHA (e.g. a deleted branch) is no commit: the ref is fetched', () => {
    expect(resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_SHA: '0'.repeat(40) })).toEqual({
      ref: 'refs/heads/main',
      commit: ''
    })
    expect(resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_SHA: '0'.repeat(64) })).toEqual({
      ref: 'refs/heads/main',
      commit: ''
    })
  })
  it('a malformed or missing GITHUB_SHA is no commit', () => {
    expect(resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_SHA: 'xyz' }).commit).toBe('')
    expect(resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_SHA: undefined }).commit).toBe('')
  })
  it("means the remote's default branch on another repository, or without GITHUB_REPOSITORY", () => {
    expect(resolveRefRequest('', 'other/repo', env)).toEqual({ ref: '', commit: '' })
    expect(resolveRefRequest('', 'acme/widgets', { ...env, GITHUB_REPOSITORY: '' })).toEqual({
      ref: '',
      commit: ''
    })
  })
  it('keeps an explicit ref, and turns a full SHA into a commit', () => {
    expect(resolveRefRequest('release', 'acme/widgets', env)).toEqual({
      ref: 'release',
      commit: ''
    })
    expect(resolveRefRequest(' release ', 'acme/widgets', env)).toEqual({
      ref: 'release',
      commit: ''
    })
    expect(resolveRefRequest('F'.repeat(40), 'other/repo', env)).toEqual({
      ref: '',
      commit: 'f'.repeat(40)
    })
  })
})

describe('the repository directory is checked before anything on disk changes', () => {
  let scratch: string
  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-options-'))
  })
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it("refuses a path that holds another repository's store, naming the path input", () => {
    const root = path.join(scratch, 'root')
    const other = path.join(scratch, 'other')
    mkdirSync(other, { recursive: true })
    writeFileSync(layoutOf(other).marker, encodeMarker('github.com/someone/else'))
    const context: ReadOptionsContext = { env, platform: 'linux', homedir: '/home/u' }
    const result = parseCheckoutOptions(reader({ root, path: other }), context)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      {
        input: 'path',
        message: `Input 'path' is ${JSON.stringify(other)}: it holds the store and trees of github.com/someone/else; choose another directory for this repository`
      }
    ])
    // inspectDisk: false skips the look (the command-line tool's dry runs).
    expect(
      parseCheckoutOptions(reader({ root, path: other }), { ...context, inspectDisk: false }).ok
    ).toBe(true)
  })
})

describe('INPUT_NAMES and LITERAL_DEFAULTS match action.yml', () => {
  const declared = readActionInputs(readFileSync(path.join(process.cwd(), 'action.yml'), 'utf8'))

  it('every literal default is the default of an input', () => {
    for (const name of Object.keys(LITERAL_DEFAULTS)) expect(INPUT_NAMES).toContain(name)
  })

  // Fails until action.yml declares every input of INPUT_NAMES (§1 lists them all).
  it('declares the same inputs, in the same order, with the same literal defaults', () => {
    expect(Object.keys(declared)).toEqual([...INPUT_NAMES])
    for (const name of INPUT_NAMES) {
      const literal = declared[name].default ?? ''
      if (literal.includes('${{')) continue
      expect([name, LITERAL_DEFAULTS[name] ?? '']).toEqual([name, literal])
    }
  })
})
