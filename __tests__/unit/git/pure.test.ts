import { describe, expect, it } from '@jest/globals'
import {
  basicCredential,
  brokenPathFor,
  gitAuthEnv,
  isGitLockFile,
  normalizeRemoteUrl,
  parseLsRemote,
  parseTransferredBytes,
  persistedCredentialEnv,
  planFetch,
  qualifyRef,
  redact,
  remoteQueryFor,
  sameRepository,
  withConfigEntries
} from '../../../src/git/index.js'

const SHA = 'a'.repeat(40)

function configOf(env: NodeJS.ProcessEnv): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < Number(env.GIT_CONFIG_COUNT); i++) {
    out.push([env[`GIT_CONFIG_KEY_${i}`] ?? '', env[`GIT_CONFIG_VALUE_${i}`] ?? ''])
  }
  return out
}

describe('gitAuthEnv (§3.4, §3.5)', () => {
  it('puts the auth header and safe.directory in GIT_CONFIG_* env, scoped to the server', () => {
    const env = gitAuthEnv({
      serverUrl: 'https://github.com/',
      token: 'tok',
      safeDirectories: ['/clones/a'],
      baseEnv: {}
    })
    const config = configOf(env)
    expect(config).toContainEqual([
      'http.https://github.com/.extraheader',
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:tok').toString('base64')}`
    ])
    expect(config).toContainEqual(['safe.directory', '/clones/a'])
    expect(config).toContainEqual(['protocol.version', '2'])
    expect(config).toContainEqual(['gc.auto', '0'])
    expect(env.GIT_TERMINAL_PROMPT).toBe('0')
    expect(env.GCM_INTERACTIVE).toBe('never')
  })

  it('appends to an existing GIT_CONFIG_COUNT list instead of clobbering it', () => {
    const env = gitAuthEnv({
      serverUrl: 'https://ghe.example.com',
      token: 'tok',
      safeDirectories: [],
      baseEnv: {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'user.name',
        GIT_CONFIG_VALUE_0: 'runner'
      }
    })
    const config = configOf(env)
    expect(config[0]).toEqual(['user.name', 'runner'])
    expect(config.map(c => c[0])).toContain('http.https://ghe.example.com/.extraheader')
  })

  it('adds no header without a token', () => {
    const env = gitAuthEnv({ serverUrl: 'https://github.com', safeDirectories: [], baseEnv: {} })
    expect(configOf(env).some(([key]) => key.includes('extraheader'))).toBe(false)
  })

  it('withConfigEntries: later entries come last (git lets the last value win)', () => {
    const env = withConfigEntries({ GIT_CONFIG_COUNT: '0' }, [
      { key: 'gc.auto', value: '0' },
      { key: 'gc.auto', value: '6700' }
    ])
    expect(configOf(env)).toEqual([
      ['gc.auto', '0'],
      ['gc.auto', '6700']
    ])
  })
})

describe('persistedCredentialEnv', () => {
  it('returns only the variables it adds, and a restore map that disables them', () => {
    const result = persistedCredentialEnv({
      serverUrl: 'https://github.com',
      token: 'tok',
      clonePath: '/c',
      baseEnv: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'a.b', GIT_CONFIG_VALUE_0: 'c' }
    })
    expect(result.env.GIT_CONFIG_COUNT).toBe('3')
    expect(result.env.GIT_CONFIG_KEY_1).toBe('http.https://github.com/.extraheader')
    expect(result.env.GIT_CONFIG_VALUE_1).toContain(basicCredential('tok'))
    expect(result.env.GIT_CONFIG_KEY_2).toBe('safe.directory')
    expect(result.env.GIT_CONFIG_KEY_0).toBeUndefined()
    expect(result.restore.GIT_CONFIG_COUNT).toBe('1')
    expect(result.restore.GIT_CONFIG_VALUE_1).toBe('')
    expect(result.names.sort()).toEqual(Object.keys(result.env).sort())
  })

  it('restores GIT_CONFIG_COUNT to 0, never empty (git rejects an empty count)', () => {
    const result = persistedCredentialEnv({
      serverUrl: 'https://x',
      token: 't',
      clonePath: '/c',
      baseEnv: {}
    })
    expect(result.restore.GIT_CONFIG_COUNT).toBe('0')
  })
})

describe('remoteQueryFor / qualifyRef', () => {
  const remote = parseLsRemote(
    [
      'ref: refs/heads/trunk\tHEAD',
      `${SHA}\tHEAD`,
      `${'b'.repeat(40)}\trefs/heads/both`,
      `${'c'.repeat(40)}\trefs/tags/both`,
      `${'d'.repeat(40)}\trefs/tags/v1`,
      ''
    ].join('\n')
  )

  it('parses ls-remote --symref output', () => {
    expect(remote.defaultBranch).toBe('refs/heads/trunk')
    expect(remote.refs['refs/tags/v1']).toBe('d'.repeat(40))
  })

  it('asks the remote only for short names and the default branch', () => {
    expect(remoteQueryFor('main')).toEqual(['refs/heads/main', 'refs/tags/main'])
    expect(remoteQueryFor('')).toEqual(['HEAD'])
    expect(remoteQueryFor('', SHA)).toBeNull()
    expect(remoteQueryFor('refs/heads/x')).toBeNull()
    expect(remoteQueryFor('refs/pull/3/merge')).toBeNull()
    expect(remoteQueryFor(SHA.toUpperCase())).toBeNull()
  })

  it('branch wins over tag for an ambiguous short name', () => {
    expect(qualifyRef('both', undefined, remote)).toEqual({
      kind: 'branch',
      ref: 'refs/heads/both',
      name: 'both'
    })
  })

  it('qualifies tags, SHAs, pull refs, the default branch; unknown → undefined', () => {
    expect(qualifyRef('v1', undefined, remote)).toEqual({
      kind: 'tag',
      ref: 'refs/tags/v1',
      name: 'v1'
    })
    expect(qualifyRef(SHA.toUpperCase(), undefined, null)).toEqual({ kind: 'commit', sha: SHA })
    expect(qualifyRef('refs/pull/7/merge', undefined, null)).toEqual({
      kind: 'pull',
      ref: 'refs/pull/7/merge'
    })
    expect(qualifyRef('refs/pull/7/head', undefined, null)?.kind).toBe('pull')
    expect(qualifyRef('', undefined, remote)).toEqual({
      kind: 'branch',
      ref: 'refs/heads/trunk',
      name: 'trunk'
    })
    expect(qualifyRef('', SHA, null)).toEqual({ kind: 'commit', sha: SHA })
    expect(qualifyRef('nope', undefined, remote)).toBeUndefined()
    expect(qualifyRef('', undefined, { refs: {} })).toBeUndefined()
  })
})

describe('planFetch', () => {
  const branch = { kind: 'branch' as const, ref: 'refs/heads/main', name: 'main' }
  const base = { target: branch, fetchDepth: 0, fetchTags: false, shallow: false, hasHistory: true }

  it('branch → remote-tracking ref; checkout target is that ref', () => {
    const plan = planFetch(base)
    expect(plan.refspecs).toEqual(['+refs/heads/main:refs/remotes/origin/main'])
    expect(plan.checkoutTarget).toBe('refs/remotes/origin/main^{commit}')
    expect(plan.ref).toBe('refs/heads/main')
    expect(plan.args).toContain('--no-tags')
  })

  it("an empty commit ('' from the inputs) means no commit: the ref is fetched", () => {
    const plan = planFetch({ ...base, commit: '' })
    expect(plan.refspecs).toEqual(['+refs/heads/main:refs/remotes/origin/main'])
    expect(plan.checkoutTarget).toBe('refs/remotes/origin/main^{commit}')
  })

  it('with the exact commit: fetches that commit into the branch ref and checks it out', () => {
    const plan = planFetch({ ...base, commit: SHA })
    expect(plan.refspecs).toEqual([`+${SHA}:refs/remotes/origin/main`])
    expect(plan.checkoutTarget).toBe(SHA)
  })

  it('tags, pull refs, other refs, bare SHAs', () => {
    expect(
      planFetch({ ...base, target: { kind: 'tag', ref: 'refs/tags/v1', name: 'v1' } }).refspecs
    ).toEqual(['+refs/tags/v1:refs/tags/v1'])
    expect(
      planFetch({ ...base, target: { kind: 'pull', ref: 'refs/pull/2/merge' } }).refspecs
    ).toEqual(['+refs/pull/2/merge:refs/remotes/pull/2/merge'])
    expect(planFetch({ ...base, target: { kind: 'other', ref: 'refs/x/y' } }).refspecs).toEqual([
      '+refs/x/y:refs/x/y'
    ])
    const bare = planFetch({ ...base, target: { kind: 'commit', sha: SHA } })
    // Kept under a ref so the next fetch offers it to the server as a "have".
    expect(bare.refspecs).toEqual([`+${SHA}:refs/shared-checkout/commit`])
    expect(bare.ref).toBe('')
  })

  it('depth: shallow first clone, deepen a shallow clone, keep a full clone full', () => {
    expect(planFetch({ ...base, fetchDepth: 1, hasHistory: false }).args).toContain('--depth=1')
    expect(planFetch({ ...base, fetchDepth: 3, shallow: true }).args).toContain('--depth=3')
    expect(planFetch({ ...base, fetchDepth: 0, shallow: true }).args).toContain('--unshallow')
    const fullStaysFull = planFetch({ ...base, fetchDepth: 1 }).args
    expect(fullStaysFull.some(a => a.startsWith('--depth') || a === '--unshallow')).toBe(false)
  })

  it('fetch-tags', () => {
    expect(planFetch({ ...base, fetchTags: true }).args).toContain('--tags')
  })
})

describe('isGitLockFile (§3.2)', () => {
  it.each([
    'index.lock',
    'shallow.lock',
    'HEAD.lock',
    'config.lock',
    'packed-refs.lock',
    'refs/heads/x.lock',
    'refs/remotes/origin/a/b.lock'
  ])('%s is a git lock', name => expect(isGitLockFile(name)).toBe(true))
  it.each(['index', 'objects/pack/x.lock', 'hooks/x.lock', 'refs/heads/main', 'info/x.lock'])(
    '%s is not',
    name => expect(isGitLockFile(name)).toBe(false)
  )
})

describe('normalizeRemoteUrl', () => {
  it('ignores case of owner/name, .git, trailing slash and credentials', () => {
    expect(
      sameRepository('https://github.com/Owner/Name.git', 'https://github.com/owner/name/')
    ).toBe(true)
    expect(
      sameRepository('https://x-access-token:abc@github.com/o/n', 'https://github.com/o/n')
    ).toBe(true)
    expect(sameRepository('https://github.com/o/n', 'https://github.com/o/other')).toBe(false)
    expect(sameRepository('https://github.com/o/n', 'https://ghe.example.com/o/n')).toBe(false)
    expect(normalizeRemoteUrl('git@github.com:O/N.git')).toBe('github.com/o/n')
    expect(sameRepository('file:///tmp/a/b.git', '/tmp/a/b')).toBe(true)
  })
})

describe('small pure helpers', () => {
  it('redact replaces every secret', () => {
    expect(redact('a tok b tok', ['tok', ''])).toBe('a *** b ***')
  })
  it('parseTransferredBytes reads git progress', () => {
    expect(
      parseTransferredBytes(
        'Receiving objects:  50% (1/2)\rReceiving objects: 100% (2/2), 1.50 KiB | 1 MiB/s, done.\n'
      )
    ).toBe(1536)
    expect(
      parseTransferredBytes('Unpacking objects: 100% (3/3), 250 bytes | 250.00 KiB/s, done.')
    ).toBe(250)
    expect(parseTransferredBytes('Receiving objects: 100% (2/2), done.')).toBeUndefined()
  })
  it('brokenPathFor stamps UTC yyyymmddThhmmss', () => {
    expect(brokenPathFor('/c/repo', new Date('2026-01-02T03:04:05.678Z'))).toBe(
      '/c/repo.broken-20260102T030405'
    )
  })
})
