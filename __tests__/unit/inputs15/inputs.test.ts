/**
 * The inputs of issue 15 (§1 ssh-*, sparse-checkout*, filter, show-progress, set-safe-directory)
 * are read like every other: defaults as action.yml, and a bad value names the input, the value
 * (never the key) and what is accepted — before anything on disk changes (options/ only reads).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  LITERAL_DEFAULTS,
  parseCheckoutOptions,
  type InputName,
  type ReadOptionsContext
} from '../../../src/options/options.js'
import { isEncryptedPrivateKey } from '../../../src/options/parse.js'

const linux: ReadOptionsContext = {
  env: { HOME: '/home/u', GITHUB_REPOSITORY: 'acme/app', GITHUB_SERVER_URL: 'https://github.com' },
  platform: 'linux',
  inspectDisk: false
}
const base: Record<string, string> = {
  repository: 'acme/app',
  token: 'ghs_secret',
  'github-server-url': 'https://github.com',
  ...(LITERAL_DEFAULTS as Record<string, string>)
}
const parse = (given: Partial<Record<InputName, string>>) =>
  parseCheckoutOptions(name => given[name] ?? base[name] ?? '', linux)

let scratch: string
const keys: Record<string, string> = {}
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-inputs15-'))
  const make = (name: string, args: string[]): void => {
    const file = path.join(scratch, name)
    execFileSync('ssh-keygen', ['-q', '-C', name, '-f', file, ...args], { stdio: 'pipe' })
    keys[name] = readFileSync(file, 'utf8')
  }
  make('plain', ['-t', 'ed25519', '-N', ''])
  make('protected', ['-t', 'ed25519', '-N', 'correct horse'])
  make('pem-plain', ['-t', 'ecdsa', '-m', 'PEM', '-N', ''])
  make('pem-protected', ['-t', 'ecdsa', '-m', 'PEM', '-N', 'correct horse'])
  make('pkcs8-protected', ['-t', 'ecdsa', '-m', 'PKCS8', '-N', 'correct horse'])
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('defaults (as actions/checkout)', () => {
  it('no SSH, whole tree, no filter, progress shown, tree trusted for later steps', () => {
    const result = parse({})
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.options).toMatchObject({
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

  it('an input passed explicitly empty (a reusable workflow) takes its default', () => {
    const result = parse({
      'ssh-strict': '',
      'ssh-user': ' ',
      'sparse-checkout-cone-mode': '',
      'show-progress': '',
      'set-safe-directory': ''
    })
    expect(result.ok && result.options).toMatchObject({
      sshStrict: true,
      sshUser: 'git',
      sparseCheckoutConeMode: true,
      showProgress: true,
      setSafeDirectory: true
    })
  })
})

describe('good values', () => {
  it('ssh-key: an unencrypted OpenSSH or PEM key, CRLF normalized, with a trailing newline', () => {
    for (const key of [keys.plain, keys['pem-plain'], keys.plain.replace(/\n/g, '\r\n')]) {
      const result = parse({ 'ssh-key': key })
      expect(result.ok).toBe(true)
      if (!result.ok) return
      expect(result.options.sshKey.includes('\r')).toBe(false)
      expect(result.options.sshKey.endsWith('-----\n')).toBe(true)
    }
  })

  it('sparse-checkout: one pattern a line, blank lines and surrounding spaces dropped', () => {
    const result = parse({ 'sparse-checkout': '  src/app \n\n docs\r\n' })
    expect(result.ok && result.options.sparseCheckout).toEqual(['src/app', 'docs'])
    const nonCone = parse({
      'sparse-checkout': '/*\n!/*/\n*.md',
      'sparse-checkout-cone-mode': 'false'
    })
    expect(nonCone.ok && nonCone.options.sparseCheckout).toEqual(['/*', '!/*/', '*.md'])
  })

  it.each([
    ['blob:none', 'blob:none'],
    ['BLOB:NONE', 'blob:none'],
    ['blob:limit=1m', 'blob:limit=1m'],
    ['blob:limit=500', 'blob:limit=500'],
    ['tree:0', 'tree:0'],
    ['tree:2', 'tree:2']
  ])('filter %s is accepted as %s', (value, parsed) => {
    const result = parse({ filter: value })
    expect(result.ok && result.options.filter).toBe(parsed)
  })

  it('booleans take YAML 1.2 spellings, as getBooleanInput', () => {
    const result = parse({
      'show-progress': 'False',
      'set-safe-directory': 'FALSE',
      'ssh-strict': 'false'
    })
    expect(result.ok && result.options).toMatchObject({
      showProgress: false,
      setSafeDirectory: false,
      sshStrict: false
    })
  })
})

describe('bad values: the input, the value and what is accepted', () => {
  const cases: [InputName, string, RegExp][] = [
    ['ssh-key', 'ssh-ed25519 AAAAC3Nza… (a public key)', /expected a private key/],
    ['ssh-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nxyz', /expected a private key/],
    ['ssh-user', 'git@github.com', /expected a login name/],
    ['ssh-user', 'a b', /expected a login name/],
    ['ssh-known-hosts', 'github.com ssh-ed25519 AAAA\u001b[2J', /expected known_hosts lines/],
    ['ssh-strict', 'no', /expected true or false/],
    ['sparse-checkout', 'src\n-x', /pattern "-x" is not usable/],
    ['sparse-checkout', 'src/*.ts', /in cone mode each line is a directory/],
    ['sparse-checkout', '/src', /in cone mode each line is a directory/],
    ['sparse-checkout', '!tests', /set sparse-checkout-cone-mode: false for patterns/],
    ['sparse-checkout-cone-mode', 'yes', /expected true or false/],
    ['filter', 'blob:some', /expected a partial-clone filter such as 'blob:none'/],
    ['filter', 'tree:-1', /expected a partial-clone filter/],
    ['filter', 'sparse:oid=HEAD:.sparse', /expected a partial-clone filter/],
    ['filter', 'combine:blob:none+tree:1', /expected a partial-clone filter/],
    ['filter', '--upload-pack=evil', /expected a partial-clone filter/],
    ['show-progress', 'verbose', /expected true or false/],
    ['set-safe-directory', '1', /expected true or false/]
  ]

  it.each(cases)('%s = %j is refused, naming it', (input, value, accepted) => {
    const result = parse({ [input]: value })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(p => p.input)).toEqual([input])
    const [{ message }] = result.problems
    expect(message.startsWith(`Input '${input}' is `)).toBe(true)
    expect(message).toMatch(accepted)
    if (input === 'ssh-key') expect(message).toContain('(hidden)')
  })

  it('quotes the offending sparse pattern, not the whole input', () => {
    const result = parse({ 'sparse-checkout': 'src\napps/*/web' })
    expect(!result.ok && result.problems[0].message).toMatch(
      /^Input 'sparse-checkout' is "apps\/\*\/web": in cone mode/
    )
  })

  it.each(['protected', 'pem-protected', 'pkcs8-protected'])(
    'ssh-key: a passphrase-protected key (%s) is refused up front, never quoted',
    name => {
      const result = parse({ 'ssh-key': keys[name] })
      expect(result.ok).toBe(false)
      if (result.ok) return
      const [{ input, message }] = result.problems
      expect(input).toBe('ssh-key')
      expect(message).toMatch(
        /^Input 'ssh-key' is \(hidden\): the private key is protected by a passphrase/
      )
      expect(message).not.toContain('PRIVATE KEY')
    }
  )

  it('isEncryptedPrivateKey tells ssh-keygen keys with and without a passphrase apart', () => {
    expect(isEncryptedPrivateKey(keys.plain)).toBe(false)
    expect(isEncryptedPrivateKey(keys['pem-plain'])).toBe(false)
    expect(isEncryptedPrivateKey(keys.protected)).toBe(true)
    expect(isEncryptedPrivateKey(keys['pem-protected'])).toBe(true)
    expect(isEncryptedPrivateKey(keys['pkcs8-protected'])).toBe(true)
  })

  it('reports every bad input of the issue at once', () => {
    const result = parse({
      'ssh-key': 'nope',
      'ssh-strict': 'nope',
      'ssh-user': 'no pe',
      'sparse-checkout-cone-mode': 'nope',
      filter: 'nope',
      'show-progress': 'nope',
      'set-safe-directory': 'nope'
    })
    expect(!result.ok && result.problems.map(p => p.input).sort()).toEqual(
      [
        'filter',
        'set-safe-directory',
        'show-progress',
        'sparse-checkout-cone-mode',
        'ssh-key',
        'ssh-strict',
        'ssh-user'
      ].sort()
    )
  })
})
