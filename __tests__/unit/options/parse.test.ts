import { describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import {
  isFullSha,
  MAX_TREES,
  parseBoolean,
  parseCacheKey,
  parseFetchDepth,
  parseFilter,
  parseHoldLock,
  parseKnownHosts,
  parseLockTimeout,
  parseRef,
  parseRepository,
  parseServerUrl,
  parseSparseCheckout,
  parseSshKey,
  parseSshUser,
  parseSubmodules,
  parseToken,
  parseTrees,
  type Parsed
} from '../../../src/options/parse.js'

function valueOf<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`refused: ${parsed.expected}`)
  return parsed.value
}

function expectedOf<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`accepted as ${JSON.stringify(parsed.value)}`)
  return parsed.expected
}

describe('parseBoolean follows @actions/core getBooleanInput', () => {
  it.each([
    'true',
    'True',
    'TRUE',
    'false',
    'False',
    'FALSE',
    'tRUE',
    'yes',
    '1',
    'on',
    '',
    ' true'
  ])('%j', value => {
    process.env.INPUT_PROBE = value
    let expected: boolean | 'error'
    try {
      expected = core.getBooleanInput('probe', { trimWhitespace: false })
    } catch {
      expected = 'error'
    }
    delete process.env.INPUT_PROBE
    const parsed = parseBoolean(value)
    expect(parsed.ok ? parsed.value : 'error').toBe(expected)
  })
  it('says what is accepted', () => {
    expect(expectedOf(parseBoolean('yes'))).toBe(
      'expected true or false (also True, TRUE, False, FALSE)'
    )
  })
})

describe('parseHoldLock (§1 hold-lock with working trees)', () => {
  it.each(['job', 'JOB', 'Job'])('accepts %j', value =>
    expect(valueOf(parseHoldLock(value))).toBe('job')
  )

  it.each(['sync', 'SYNC', 'Sync'])('refuses %j and says what to use instead', value => {
    const expected = expectedOf(parseHoldLock(value))
    expect(expected).toMatch(/'sync' is not accepted with working trees/)
    expect(expected).toMatch(/cleaned by the next job while the steps of this job still use it/)
    expect(expected).toMatch(/Use trees: N to run N jobs of this repository at once/)
    expect(expected).toMatch(/keep 'job'/)
  })

  it.each(['forever', '', 'jobs', 'true'])('refuses %j', value => {
    expect(expectedOf(parseHoldLock(value))).toBe(
      "expected 'job' (the working tree is held until the post step)"
    )
  })
})

describe('parseSubmodules', () => {
  it.each([
    ['false', false],
    ['False', false],
    ['true', true],
    ['TRUE', true],
    ['recursive', 'recursive'],
    ['Recursive', 'recursive']
  ] as const)('%j → %j', (value, want) => expect(valueOf(parseSubmodules(value))).toBe(want))
  it.each(['yes', '1', 'all', ''])('refuses %j', value =>
    expect(expectedOf(parseSubmodules(value))).toBe(
      "expected 'false', 'true' (first level) or 'recursive'"
    )
  )
})

describe('parseLockTimeout', () => {
  it.each([
    ['-1', -1],
    ['0', 0],
    ['300', 300],
    ['2.5', 2.5],
    ['0.001', 0.001],
    ['999999999', 999999999]
  ] as const)('%j → %p', (value, want) => expect(valueOf(parseLockTimeout(value))).toBe(want))
  it.each(['soon', '-2', '-0.5', '1e3', '1.2345', '', '+5', '0x10', '1,5', 'Infinity'])(
    'refuses %j',
    value =>
      expect(expectedOf(parseLockTimeout(value))).toBe(
        'expected -1 (wait forever), 0 (try once) or a number of seconds with at most 3 decimals, e.g. 600 or 2.5'
      )
  )
})

describe('parseFetchDepth', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['50', 50],
    ['2147483647', 2147483647]
  ] as const)('%j → %p', (value, want) => expect(valueOf(parseFetchDepth(value))).toBe(want))
  it.each(['-3', '1.5', '99999999999', '2147483648', 'deep', '', '+1', '1e2'])(
    'refuses %j',
    value =>
      expect(expectedOf(parseFetchDepth(value))).toBe(
        'expected a whole number >= 0 (0 = full history)'
      )
  )
})

describe('parseTrees (§1 trees: bounds)', () => {
  it.each([
    ['1', 1],
    ['2', 2],
    [String(MAX_TREES), MAX_TREES]
  ] as const)('%j → %p', (value, want) => expect(valueOf(parseTrees(value))).toBe(want))
  it('allows at most 64 trees', () => expect(MAX_TREES).toBe(64))
  it.each(['0', '-1', String(MAX_TREES + 1), '1000', '1.5', 'two', '', '+2', '1e1', '0x2'])(
    'refuses %j and says what the number means',
    value =>
      expect(expectedOf(parseTrees(value))).toBe(
        'expected a whole number from 1 to 64: how many jobs of this repository may run at once on this machine'
      )
  )
})

describe('parseRepository', () => {
  it.each([
    ['octo-org/my_repo.js', 'octo-org/my_repo.js'],
    ['acme/widgets.git', 'acme/widgets'],
    ['acme/widgets.GIT', 'acme/widgets'],
    ['Acme/Widgets', 'Acme/Widgets'],
    ['emu_user/x', 'emu_user/x'],
    ['acme/.github', 'acme/.github'],
    ['acme/x.lock', 'acme/x.lock'],
    ['acme/x.partial-abc', 'acme/x.partial-abc'],
    ['acme/x.queue', 'acme/x.queue'],
    ['acme/...', 'acme/...'],
    ['acme/x.git.git', 'acme/x.git'],
    ['a/b', 'a/b']
  ])('%j → %j', (value, want) => expect(valueOf(parseRepository(value))).toBe(want))

  it.each([
    'a/b/c',
    'a',
    '/b',
    'a/',
    '',
    'ac me/widgets',
    '-acme/widgets',
    '_acme/widgets',
    'acme/..',
    'acme/.',
    'acme/.git',
    'acme/...git/x',
    'acme/wid;gets',
    'acme/wid gets',
    'acme/wid\\gets',
    'acme/wid%2fgets',
    './x',
    '../x',
    'acme/x\u0000',
    `acme/${'x'.repeat(101)}`
  ])('refuses %j', value =>
    expect(expectedOf(parseRepository(value))).toBe(
      'expected owner/name, e.g. acme/widgets (letters, digits, - and _ in the owner; letters, digits, ., - and _ in the name)'
    )
  )
})

describe('parseRef (git check-ref-format, no option injection)', () => {
  it.each([
    'main',
    'v1.2.3',
    'refs/pull/12/merge',
    'refs/pull/12/head',
    'feature/a-b_c',
    'refs/heads/release/2.x',
    'B'.repeat(40),
    'c'.repeat(64),
    'x@y',
    ''
  ])('accepts %j as given', value => expect(valueOf(parseRef(value))).toBe(value))

  it.each([
    ['a..b', /'\.\.' is not allowed/],
    ['-c', /leading '-'/],
    ['--upload-pack=evil', /leading '-'/],
    ['has space', /spaces and control characters/],
    ['tab\there', /control characters/],
    ['nl\nhere', /control characters/],
    ['del\u007fhere', /control characters/],
    ['main@{1}', /'@\{'/],
    ['@', /lone '@'/],
    ['feature.lock', /ending in '\.lock'/],
    ['refs/heads/x.lock/y', /ending in '\.lock'/],
    ['a:b', /characters ~ \^ :/],
    ['x~1', /characters ~ \^ :/],
    ['x^', /characters ~ \^ :/],
    ['x?', /characters ~ \^ :/],
    ['x*', /characters ~ \^ :/],
    ['x[1]', /characters ~ \^ :/],
    ['a\\b', /characters ~ \^ :/],
    ['trailing/', /empty path components/],
    ['/leading', /empty path components/],
    ['a//b', /empty path components/],
    ['end.', /trailing '\.'/],
    ['refs/.hidden', /starting with '\.'/],
    ['.hidden', /starting with '\.'/],
    ['a'.repeat(1025), /longer than 1024/],
    ['a'.repeat(39), undefined],
    ['g'.repeat(40), undefined]
  ] as [string, RegExp | undefined][])('%j', (value, reason) => {
    const parsed = parseRef(value)
    if (reason === undefined) {
      // Not a SHA (wrong length or not hex): a plain branch name, accepted as a name.
      expect(valueOf(parsed)).toBe(value)
      return
    }
    const expected = expectedOf(parsed)
    expect(expected).toMatch(reason)
    expect(expected).toMatch(
      /; expected a branch, tag, full commit SHA \(40 or 64 hex digits\) or a ref such as refs\/pull\/12\/merge, in git check-ref-format form$/
    )
  })

  it('isFullSha: 40 or 64 hex digits, either case', () => {
    expect(isFullSha('a'.repeat(40))).toBe(true)
    expect(isFullSha('A'.repeat(64))).toBe(true)
    expect(isFullSha('a'.repeat(41))).toBe(false)
    expect(isFullSha('a'.repeat(63))).toBe(false)
    expect(isFullSha('g'.repeat(40))).toBe(false)
  })
})

describe('parseServerUrl', () => {
  it.each([
    ['https://github.com', 'https://github.com'],
    ['https://github.com/', 'https://github.com'],
    ['HTTPS://GitHub.com', 'https://github.com'],
    ['https://ghes.example.com/', 'https://ghes.example.com'],
    ['https://ghes.example.com/prefix/', 'https://ghes.example.com/prefix'],
    ['https://ghes.example.com//a//b', 'https://ghes.example.com/a/b'],
    ['https://h/a.b/~c/d_e/f-g', 'https://h/a.b/~c/d_e/f-g'],
    ['https://h/...', 'https://h/...'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
    ['https://github.com:443', 'https://github.com'],
    ['http://h:80/x', 'http://h/x']
  ])('%j → %j', (value, want) => expect(valueOf(parseServerUrl(value))).toBe(want))

  it.each([
    ['ftp://example.com', /^expected an http\(s\) URL/],
    ['github.com', /^expected an http\(s\) URL/],
    ['file:///etc', /^expected an http\(s\) URL/],
    ['https://', /the host must be/],
    ['https://user:pw@github.com', /a user or password in the URL would reach logs/],
    ['https://token@github.com', /a user or password/],
    ['https://github.com/?x=1', /query or fragment/],
    ['https://github.com/#x', /query or fragment/],
    ['https://my_host', /a host name cannot contain '_'/],
    ['https://my_host.example.com/x', /a host name cannot contain '_'/],
    ['http://h:99999', /expected an http\(s\) URL/],
    ['https://h:x', /the host must be/]
  ])('refuses %j', (value, reason) => {
    const expected = expectedOf(parseServerUrl(value))
    expect(expected).toMatch(reason)
    expect(expected).toMatch(
      /expected an http\(s\) URL .*without user, password, query or fragment$/
    )
  })
  // The hostile forms of issue 13.1 are in server-url.test.ts.
})

describe('parseToken (it goes into an HTTP header)', () => {
  it.each(['', 'ghs_abc123', 'github_pat_11A_x-y.z'])('accepts %j', value =>
    expect(valueOf(parseToken(value))).toBe(value)
  )
  it.each(['ghs_abc\ndef', 'a b', 'a\tb', 'a\rb', 'a\u0000', 'a\u007f', 'a\u00a0b'])(
    'refuses %j',
    value =>
      expect(expectedOf(parseToken(value))).toBe(
        'expected a token without whitespace or control characters'
      )
  )
})

describe('parseCacheKey', () => {
  it.each(['', 'v2-linux/x:y+z=w@1', 'k'.repeat(512)])('accepts %j', value =>
    expect(valueOf(parseCacheKey(value))).toBe(value)
  )
  it.each([
    ['a,b', /expected letters, digits and \. _ - \/ : \+ = @ only \(no commas or spaces\)/],
    ['has space', /no commas or spaces/],
    ['a\nb', /no commas or spaces/],
    ['k'.repeat(513), /^expected at most 512 characters$/]
  ])('refuses %j', (value, reason) => expect(expectedOf(parseCacheKey(value))).toMatch(reason))
})

describe('parseFilter (§1 filter: partial clone of the store)', () => {
  it.each([
    ['', ''],
    ['blob:none', 'blob:none'],
    ['BLOB:NONE', 'blob:none'],
    ['blob:limit=1m', 'blob:limit=1m'],
    ['blob:limit=1K', 'blob:limit=1k'],
    ['blob:limit=100', 'blob:limit=100'],
    ['tree:0', 'tree:0'],
    ['tree:3', 'tree:3']
  ])('%j → %j', (value, want) => expect(valueOf(parseFilter(value))).toBe(want))
  it.each([
    'sparse:oid=main:.sparse',
    'combine:blob:none+tree:0',
    'blob:limit=',
    'blob:limit=1t',
    'blob:limit=-1',
    'tree:',
    'blob',
    'none',
    '--upload-pack=x',
    'blob:none\n'
  ])('refuses %j', value =>
    expect(expectedOf(parseFilter(value))).toBe(
      "expected a partial-clone filter such as 'blob:none', 'blob:limit=1m' or 'tree:0'"
    )
  )
})

describe('parseSparseCheckout (§1 sparse-checkout)', () => {
  it('one pattern per line; blank lines and surrounding spaces dropped; CRLF accepted', () => {
    expect(valueOf(parseSparseCheckout('src\n  docs/api  \r\n\n\t\n*.md\n'))).toEqual([
      'src',
      'docs/api',
      '*.md'
    ])
  })
  it('empty (or only blank lines) means a full checkout', () => {
    expect(valueOf(parseSparseCheckout(''))).toEqual([])
    expect(valueOf(parseSparseCheckout(' \n\r\n '))).toEqual([])
  })
  it.each([
    ['src\n-x', '"-x"'],
    ['--no-cone', '"--no-cone"'],
    ['a\u0000b', '"a\\u0000b"'],
    ['a\rb', '"a\\rb"'],
    ['a\u001bb', '"a\\u001bb"']
  ])('refuses %j, naming the pattern', (value, shownPattern) => {
    expect(expectedOf(parseSparseCheckout(value))).toBe(
      `pattern ${shownPattern} is not usable: expected one path or pattern per line, not starting with '-'`
    )
  })
})

describe('ssh inputs', () => {
  const key =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'
  it('ssh-key: OpenSSH and PEM keys; CRLF normalised, one final newline', () => {
    expect(valueOf(parseSshKey(key))).toBe(`${key}\n`)
    expect(valueOf(parseSshKey(`\r\n${key.replace(/\n/g, '\r\n')}\r\n\r\n`))).toBe(`${key}\n`)
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n'
    expect(valueOf(parseSshKey(pem))).toBe(pem)
    expect(valueOf(parseSshKey(''))).toBe('')
  })
  it.each([
    'ssh-ed25519 AAAAC3Nza... a public key',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nno end',
    'no begin\n-----END OPENSSH PRIVATE KEY-----',
    'password'
  ])('ssh-key refuses %j', value =>
    expect(expectedOf(parseSshKey(value))).toBe(
      'expected a private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----)'
    )
  )

  it.each(['git', 'deploy.user', 'a_b-c', '_svc', 'x'.repeat(64)])('ssh-user accepts %j', value =>
    expect(valueOf(parseSshUser(value))).toBe(value)
  )
  it.each(['', '-oProxyCommand=x', 'git@', 'a b', 'a:b', 'x'.repeat(65), 'us\ner', 'ü'])(
    'ssh-user refuses %j',
    value =>
      expect(expectedOf(parseSshUser(value))).toBe(
        "expected a login name such as 'git' (letters, digits, '.', '_', '-')"
      )
  )

  it('ssh-known-hosts: lines kept, CRLF normalised, trimmed', () => {
    const line =
      'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
    expect(valueOf(parseKnownHosts(`${line}\r\n[h]:2222 ssh-rsa AAAA\t x\r\n`))).toBe(
      `${line}\n[h]:2222 ssh-rsa AAAA\t x`
    )
    expect(valueOf(parseKnownHosts(''))).toBe('')
  })
  it.each(['a\u0000b', 'a\u0008b', 'a\u001bb', 'a\u007fb', 'a\u000bb'])(
    'ssh-known-hosts refuses %j',
    value =>
      expect(expectedOf(parseKnownHosts(value))).toBe(
        'expected known_hosts lines (host key-type key), one per line'
      )
  )
})
