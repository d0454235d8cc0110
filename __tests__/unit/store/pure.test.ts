import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { fixtureGitEnv } from '../../../testkit/git-fixtures.js'
import { objectFormatOf, renderConfig } from '../../../src/git/gitdir.js'
import { parseTransferredBytes } from '../../../src/git/progress.js'
import {
  COMMIT_REF,
  parseLsRemote,
  planFetch,
  qualifyRef,
  remoteObjectFor,
  remoteQueryFor,
  unknownRefMessage
} from '../../../src/git/refs.js'
import { isGitLockFile } from '../../../src/git/repair.js'
import { hasPromisorPacks, storeConfig, storeFacts } from '../../../src/store/config.js'
import { isLazyFetchRefusal } from '../../../src/store/store.js'
import {
  parseLooseRef,
  parsePackedRefs,
  readRefs,
  renderPackedRefs
} from '../../../src/store/refs-files.js'

let scratch: string
let counter = 0
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-store-pure-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let tick = 0
function git(cwd: string, args: string[]): string {
  const date = `${1700000000 + ++tick * 60} +0000`
  return execFileSync('git', args, {
    cwd,
    env: { ...fixtureGitEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

function newDir(name: string): string {
  const dir = path.join(scratch, `${++counter}-${name}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A work repository with branches, tags of both kinds, remote-tracking and other refs. */
function repoWithRefs(objectFormat: 'sha1' | 'sha256' = 'sha1'): { dir: string; gitDir: string } {
  const dir = newDir(`refs-${objectFormat}`)
  git(dir, ['init', '--quiet', '-b', 'main', `--object-format=${objectFormat}`])
  for (const n of [1, 2, 3]) {
    writeFileSync(path.join(dir, 'f.txt'), `${n}\n`)
    git(dir, ['add', 'f.txt'])
    git(dir, ['commit', '--quiet', '-m', `c${n}`])
  }
  git(dir, ['branch', 'feature/x', 'HEAD~1'])
  git(dir, ['tag', '-a', '-m', 'annotated', 'v1', 'HEAD~2'])
  git(dir, ['tag', 'light', 'HEAD~1'])
  git(dir, ['update-ref', 'refs/remotes/origin/main', 'HEAD'])
  git(dir, ['update-ref', 'refs/remotes/origin/feature/x', 'HEAD~1'])
  git(dir, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main'])
  git(dir, ['update-ref', 'refs/remotes/pull/1/merge', 'HEAD~2'])
  git(dir, ['update-ref', 'refs/shared-checkout/trees/1', 'HEAD'])
  git(dir, ['update-ref', 'refs/tagsx/not-a-tag', 'HEAD'])
  return { dir, gitDir: path.join(dir, '.git') }
}

/** `git for-each-ref` as a map, symbolic refs left out (a store keeps none worth copying). */
function forEachRef(dir: string, ...patterns: string[]): Map<string, string> {
  const out = git(dir, ['for-each-ref', '--format=%(objectname) %(refname) %(symref)', ...patterns])
  const refs = new Map<string, string>()
  for (const line of out.split('\n').filter(Boolean)) {
    const [oid, name, symref] = line.split(' ')
    if (!symref) refs.set(name, oid)
  }
  return refs
}

describe('packed-refs and loose refs, with git as the oracle', () => {
  it.each(['sha1', 'sha256'] as const)(
    '%s: parsePackedRefs reads what git pack-refs wrote',
    format => {
      const { dir, gitDir } = repoWithRefs(format)
      git(dir, ['pack-refs', '--all'])
      const text = readFileSync(path.join(gitDir, 'packed-refs'), 'utf8')
      expect(text).toMatch(/^# pack-refs with: /)
      expect(text).toMatch(/^\^[0-9a-f]+$/m) // the annotated tag's peel line
      const parsed = parsePackedRefs(text)
      expect(parsed).toEqual(forEachRef(dir))
      expect(parsed.get('refs/tags/v1')).toBe(git(dir, ['rev-parse', 'refs/tags/v1'])) // the tag object
      expect([...parsed.values()].every(oid => oid.length === (format === 'sha1' ? 40 : 64))).toBe(
        true
      )
    }
  )

  it('readRefs: packed and loose under the prefixes asked for; loose wins; symrefs and lock files skipped', () => {
    const { dir, gitDir } = repoWithRefs()
    git(dir, ['pack-refs', '--all'])
    // After packing: a fetch moves origin/main (loose, newer), adds a loose tag, leaves a lock.
    git(dir, ['update-ref', 'refs/remotes/origin/main', 'HEAD~2'])
    git(dir, ['tag', 'loose-tag', 'HEAD'])
    writeFileSync(path.join(gitDir, 'refs', 'tags', 'half.lock'), `${'f'.repeat(40)}\n`)
    const refs = readRefs(gitDir, ['refs/remotes/origin', 'refs/tags'])
    expect(refs).toEqual(forEachRef(dir, 'refs/remotes/origin/', 'refs/tags/'))
    expect(refs.get('refs/remotes/origin/main')).toBe(git(dir, ['rev-parse', 'HEAD~2']))
    expect(refs.has('refs/remotes/origin/HEAD')).toBe(false)
    expect(refs.has('refs/tagsx/not-a-tag')).toBe(false)
    expect(refs.has('refs/heads/main')).toBe(false)
    expect([...refs.keys()].some(name => name.endsWith('.lock'))).toBe(false)
  })

  it('readRefs: a damaged loose ref leaves the packed value standing; a missing directory is no refs', () => {
    const { dir, gitDir } = repoWithRefs()
    git(dir, ['pack-refs', '--all'])
    const packed = forEachRef(dir, 'refs/tags/')
    mkdirSync(path.join(gitDir, 'refs', 'tags'), { recursive: true })
    writeFileSync(path.join(gitDir, 'refs', 'tags', 'v1'), 'garbage\n')
    expect(readRefs(gitDir, ['refs/tags']).get('refs/tags/v1')).toBe(packed.get('refs/tags/v1'))
    expect(readRefs(path.join(scratch, 'nowhere'), ['refs/tags'])).toEqual(new Map())
  })

  it('renderPackedRefs: a file git reads back as the same refs, peeling tags on demand', () => {
    const { dir, gitDir } = repoWithRefs()
    const refs = readRefs(gitDir, ['refs/remotes/origin', 'refs/tags', 'refs/heads'])
    // A repository that borrows the objects and has only the rendered packed-refs.
    const other = newDir('rendered')
    git(other, ['init', '--quiet', '--bare'])
    writeFileSync(
      path.join(other, 'objects', 'info', 'alternates'),
      `${path.join(gitDir, 'objects')}\n`
    )
    writeFileSync(path.join(other, 'packed-refs'), renderPackedRefs(refs))
    expect(forEachRef(other)).toEqual(refs)
    expect(git(other, ['rev-parse', 'refs/tags/v1^{commit}'])).toBe(
      git(dir, ['rev-parse', 'v1^{commit}'])
    )
    git(other, ['show-ref', '--verify', 'refs/remotes/origin/feature/x'])
    // Round trip.
    expect(parsePackedRefs(renderPackedRefs(refs))).toEqual(refs)
  })

  it('renderPackedRefs is sorted and has no peel lines', () => {
    const a = 'a'.repeat(40)
    const b = 'b'.repeat(40)
    expect(
      renderPackedRefs(
        new Map([
          ['refs/tags/z', a],
          ['refs/remotes/origin/a', b]
        ])
      )
    ).toBe(`${b} refs/remotes/origin/a\n${a} refs/tags/z\n`)
    expect(renderPackedRefs(new Map())).toBe('')
  })

  it('parsers skip what is not a ref line', () => {
    const oid = 'c'.repeat(40)
    expect(
      parsePackedRefs(
        `# pack-refs with: peeled fully-peeled sorted \n${oid} refs/tags/t\n^${'d'.repeat(40)}\nnot-a-line\nzz refs/x\n${oid}\n\n`
      )
    ).toEqual(new Map([['refs/tags/t', oid]]))
    expect(parseLooseRef(`${oid}\n`)).toBe(oid)
    expect(parseLooseRef('ref: refs/remotes/origin/main\n')).toBeUndefined()
    expect(parseLooseRef('C'.repeat(40))).toBeUndefined()
    expect(parseLooseRef('')).toBeUndefined()
  })
})

describe('storeConfig (§3.6): the store config, written afresh under the store lock', () => {
  function configLines(text: string): string[] {
    const file = path.join(newDir('store-config'), 'config')
    writeFileSync(file, text)
    return git(scratch, ['config', '--file', file, '--list']).split('\n')
  }

  it('a bare repository with origin only; no automatic gc or maintenance (the action runs them)', () => {
    expect(
      configLines(storeConfig({ fetchUrl: 'https://github.com/acme/app', objectFormat: 'sha1' }))
    ).toEqual([
      'core.repositoryformatversion=0',
      'core.filemode=true',
      'core.bare=true',
      'core.logallrefupdates=false',
      'remote.origin.url=https://github.com/acme/app',
      'gc.auto=0',
      'maintenance.auto=false'
    ])
  })

  it('partial clone keys; an empty filter is no filter', () => {
    expect(
      configLines(storeConfig({ fetchUrl: 'u', objectFormat: 'sha1', filter: 'blob:limit=1m' }))
    ).toEqual(
      expect.arrayContaining([
        'core.repositoryformatversion=1',
        'extensions.partialclone=origin',
        'remote.origin.promisor=true',
        'remote.origin.partialclonefilter=blob:limit=1m'
      ])
    )
    expect(storeConfig({ fetchUrl: 'u', objectFormat: 'sha1', filter: '' })).toBe(
      storeConfig({ fetchUrl: 'u', objectFormat: 'sha1' })
    )
  })

  it('storeFacts and objectFormatOf read back what storeConfig wrote', () => {
    const store = newDir('facts')
    writeFileSync(
      path.join(store, 'config'),
      storeConfig({ fetchUrl: 'u', objectFormat: 'sha256', filter: 'blob:none' })
    )
    expect(storeFacts(store)).toEqual({ objectFormat: 'sha256', filter: 'blob:none' })
    writeFileSync(path.join(store, 'config'), storeConfig({ fetchUrl: 'u', objectFormat: 'sha1' }))
    expect(storeFacts(store)).toEqual({ objectFormat: 'sha1', filter: undefined })
    expect(storeFacts(path.join(scratch, 'no-store'))).toEqual({
      objectFormat: 'sha1',
      filter: undefined
    })
    expect(objectFormatOf('[extensions]\n\tobjectFormat = sha256\n')).toBe('sha256')
    expect(objectFormatOf('[extensions]\n\tobjectformat = "sha256"\n')).toBe('sha256')
    expect(objectFormatOf('[core]\n\tbare = true\n')).toBe('sha1')
  })

  it('git uses it: bare, SHA-256 declared, a partial fetch from origin makes promisor packs', () => {
    const upstream = newDir('upstream')
    git(upstream, ['init', '--quiet', '-b', 'main'])
    git(upstream, ['config', 'uploadpack.allowFilter', 'true'])
    writeFileSync(path.join(upstream, 'big.txt'), 'x'.repeat(10000))
    git(upstream, ['add', 'big.txt'])
    git(upstream, ['commit', '--quiet', '-m', 'one'])

    const store = newDir('store')
    git(store, ['init', '--quiet', '--bare'])
    const fetchUrl = pathToFileURL(upstream).href
    writeFileSync(
      path.join(store, 'config'),
      storeConfig({ fetchUrl, objectFormat: 'sha1', filter: 'blob:none' })
    )
    expect(git(store, ['rev-parse', '--is-bare-repository'])).toBe('true')
    expect(git(store, ['config', '--get', 'remote.origin.url'])).toBe(fetchUrl)
    expect(hasPromisorPacks(store)).toBe(false)
    git(store, ['fetch', '--quiet', 'origin', '+refs/heads/main:refs/remotes/origin/main'])
    expect(hasPromisorPacks(store)).toBe(true)
    expect(
      readdirSync(path.join(store, 'objects', 'pack')).some(f => f.endsWith('.promisor'))
    ).toBe(true)
    // The blob was left out and is fetched on demand.
    const missing = git(store, [
      'rev-list',
      '--objects',
      '--missing=print',
      'refs/remotes/origin/main'
    ])
    expect(missing).toMatch(/^\?[0-9a-f]{40}$/m)

    const sha256 = newDir('store-sha256')
    git(sha256, ['init', '--quiet', '--bare', '--object-format=sha256'])
    writeFileSync(path.join(sha256, 'config'), storeConfig({ fetchUrl, objectFormat: 'sha256' }))
    expect(git(sha256, ['rev-parse', '--show-object-format'])).toBe('sha256')
    // Without the declaration git would read it as SHA-1: the key matters.
    writeFileSync(path.join(sha256, 'config'), storeConfig({ fetchUrl, objectFormat: 'sha1' }))
    expect(git(sha256, ['rev-parse', '--show-object-format'])).toBe('sha1')
  })
})

describe('renderConfig: a config file git reads back value for value', () => {
  it('quotes and escapes values and subsections; drops empty sections', () => {
    const values = [
      'plain',
      'with "quotes"',
      'back\\slash',
      'tab\there',
      'new\nline',
      '; # not a comment',
      ' spaced '
    ]
    const subsection = 'we"ird\\name'
    const text = renderConfig([
      { name: 'empty', values: [] },
      { name: 'remote', subsection, values: values.map((v, i): [string, string] => [`k${i}`, v]) },
      {
        name: 'core',
        values: [
          ['bare', true],
          ['repositoryformatversion', 1]
        ]
      }
    ])
    expect(text).not.toMatch(/empty/)
    const file = path.join(newDir('render'), 'config')
    writeFileSync(file, text)
    // -z: values exactly as git holds them (newlines and spaces included).
    const read = execFileSync('git', ['config', '--file', file, '--list', '-z'], {
      encoding: 'utf8'
    })
    const entries = read
      .split('\0')
      .filter(Boolean)
      .map(entry => {
        const [key, ...rest] = entry.split('\n')
        return [key, rest.join('\n')]
      })
    expect(entries).toEqual([
      ...values.map((v, i) => [`remote.${subsection}.k${i}`, v]),
      ['core.bare', 'true'],
      ['core.repositoryformatversion', '1']
    ])
  })
})

const SHA = 'a'.repeat(40)

describe('what to fetch for a ref (§3.3): remoteQueryFor / qualifyRef / remoteObjectFor', () => {
  const remote = parseLsRemote(
    [
      'ref: refs/heads/trunk\tHEAD',
      `${SHA}\tHEAD`,
      `${'b'.repeat(40)}\trefs/heads/both`,
      `${'c'.repeat(40)}\trefs/tags/both`,
      `${'d'.repeat(40)}\trefs/tags/v1`,
      `${'e'.repeat(64)}\trefs/heads/sha256`,
      ''
    ].join('\n')
  )

  it('parses ls-remote --symref output', () => {
    expect(remote.defaultBranch).toBe('refs/heads/trunk')
    expect(remote.refs['refs/tags/v1']).toBe('d'.repeat(40))
    expect(remote.refs.HEAD).toBe(SHA)
    expect(remote.refs['refs/heads/sha256']).toBe('e'.repeat(64))
  })

  it('asks the remote only what it must: nothing when the commit is known and the kind is clear', () => {
    expect(remoteQueryFor('main')).toEqual(['refs/heads/main', 'refs/tags/main'])
    expect(remoteQueryFor('main', SHA)).toEqual(['refs/heads/main', 'refs/tags/main'])
    expect(remoteQueryFor('')).toEqual(['HEAD'])
    expect(remoteQueryFor('', SHA)).toBeNull()
    // A qualified ref without a commit is asked for: a commit already in the store needs no fetch.
    expect(remoteQueryFor('refs/heads/x')).toEqual(['refs/heads/x'])
    expect(remoteQueryFor('refs/heads/x', SHA)).toBeNull()
    expect(remoteQueryFor('refs/pull/3/merge')).toEqual(['refs/pull/3/merge'])
    expect(remoteQueryFor(SHA.toUpperCase())).toBeNull()
  })

  it('branch wins over tag for an ambiguous short name', () => {
    expect(qualifyRef('both', undefined, remote)).toEqual({
      kind: 'branch',
      ref: 'refs/heads/both',
      name: 'both'
    })
  })

  it('qualifies tags, SHAs, pull refs, other refs, the default branch; unknown → undefined', () => {
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
    expect(qualifyRef('refs/pull/7/other', undefined, null)?.kind).toBe('other')
    expect(qualifyRef('refs/heads/a/b', undefined, null)).toEqual({
      kind: 'branch',
      ref: 'refs/heads/a/b',
      name: 'a/b'
    })
    expect(qualifyRef('refs/meta/config', undefined, null)).toEqual({
      kind: 'other',
      ref: 'refs/meta/config'
    })
    expect(qualifyRef('', undefined, remote)).toEqual({
      kind: 'branch',
      ref: 'refs/heads/trunk',
      name: 'trunk'
    })
    expect(qualifyRef('', SHA.toUpperCase(), null)).toEqual({ kind: 'commit', sha: SHA })
    expect(qualifyRef('nope', undefined, remote)).toBeUndefined()
    expect(qualifyRef('main', undefined, null)).toBeUndefined()
    expect(qualifyRef('', undefined, { refs: {} })).toBeUndefined()
  })

  it('remoteObjectFor: what the remote ref points at now (a tag object for an annotated tag)', () => {
    const tag = qualifyRef('v1', undefined, remote)!
    expect(remoteObjectFor(tag, 'v1', remote)).toBe('d'.repeat(40))
    const head = qualifyRef('', undefined, remote)!
    expect(remoteObjectFor(head, '', remote)).toBe(SHA)
    expect(remoteObjectFor({ kind: 'commit', sha: SHA }, SHA, remote)).toBeUndefined()
    expect(remoteObjectFor(tag, 'v1', null)).toBeUndefined()
  })

  it('unknownRefMessage names the ref, the remote and what was tried', () => {
    expect(
      unknownRefMessage('nope', 'https://github.com/acme/app', [
        'refs/heads/nope',
        'refs/tags/nope'
      ])
    ).toBe(
      "ref 'nope' was not found in https://github.com/acme/app (looked for refs/heads/nope, refs/tags/nope); check the 'ref' input: a branch, tag, full SHA or refs/pull/N/merge"
    )
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
    expect(plan.args).toEqual(['--no-recurse-submodules', '--progress', '--no-tags'])
  })

  it("an empty commit ('' from the options) means no commit: the ref is fetched", () => {
    const plan = planFetch({ ...base, commit: '' })
    expect(plan.refspecs).toEqual(['+refs/heads/main:refs/remotes/origin/main'])
    expect(plan.checkoutTarget).toBe('refs/remotes/origin/main^{commit}')
  })

  it('with the exact commit: fetches that commit into the branch ref and checks it out', () => {
    const plan = planFetch({ ...base, commit: SHA.toUpperCase() })
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
    expect(bare.refspecs).toEqual([`+${SHA}:${COMMIT_REF}`])
    expect(COMMIT_REF).toBe('refs/shared-checkout/commit')
    expect(bare.ref).toBe('')
    expect(bare.checkoutTarget).toBe(SHA)
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
    expect(planFetch({ ...base, fetchTags: true }).args).not.toContain('--no-tags')
  })
})

describe('isGitLockFile (§3.2)', () => {
  it.each([
    'index.lock',
    'shallow.lock',
    'HEAD.lock',
    'ORIG_HEAD.lock',
    'FETCH_HEAD.lock',
    'config.lock',
    'packed-refs.lock',
    'refs/heads/x.lock',
    'refs/remotes/origin/a/b.lock'
  ])('%s is a git lock', name => expect(isGitLockFile(name)).toBe(true))
  it.each([
    'index',
    'objects/pack/x.lock',
    'hooks/x.lock',
    'refs/heads/main',
    'info/x.lock',
    'x.lock',
    'modules/a/index.lock'
  ])('%s is not', name => expect(isGitLockFile(name)).toBe(false))
})

describe('parseTransferredBytes', () => {
  it('reads git progress, the last figure', () => {
    expect(
      parseTransferredBytes(
        'Receiving objects:  50% (1/2)\rReceiving objects: 100% (2/2), 1.50 KiB | 1 MiB/s, done.\n'
      )
    ).toBe(1536)
    expect(
      parseTransferredBytes('Unpacking objects: 100% (3/3), 250 bytes | 250.00 KiB/s, done.')
    ).toBe(250)
    expect(parseTransferredBytes('Receiving objects: 100% (9/9), 2.00 MiB | 3 MiB/s, done.')).toBe(
      2 * 1024 * 1024
    )
    expect(parseTransferredBytes('Receiving objects: 100% (2/2), done.')).toBeUndefined()
    expect(parseTransferredBytes('')).toBeUndefined()
  })
})

describe('isLazyFetchRefusal: a partial store asked for an object it lacks', () => {
  it('is the refusal NO_LAZY_FETCH causes, whatever the transport', () => {
    expect(isLazyFetchRefusal("fatal: transport 'http' not allowed\n")).toBe(true)
    expect(isLazyFetchRefusal("fatal: transport 'file' not allowed")).toBe(true)
  })
  it('is not damage, a missing repository or any other failure', () => {
    expect(isLazyFetchRefusal('fatal: packed object 1234 is corrupt')).toBe(false)
    expect(isLazyFetchRefusal('fatal: not a git repository')).toBe(false)
    expect(isLazyFetchRefusal('')).toBe(false)
  })
})
