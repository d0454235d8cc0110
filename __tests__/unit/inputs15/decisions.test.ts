/**
 * The decisions behind issue 15, against real git where git is the reference: which files a
 * cone-mode checkout writes, when a tree's index still hides files, what a partial store is and
 * keeps being, how missing objects are read, and what ssh failures say.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  GITHUB_COM_HOST_KEYS,
  knownHostsFile,
  sshCommand,
  sshFailureMessage,
  systemSshConfig
} from '../../../src/git/ssh.js'
import {
  batchesOf,
  batchSizeFor,
  coneBlobs,
  isRefusedLazyFetch,
  parseIndexListing,
  parseMissing,
  parseTreeListing
} from '../../../src/store/partial.js'
import { storeFilterFor } from '../../../src/store/store.js'
import {
  coneDirectories,
  inCone,
  indexHasSkipWorktree,
  isGitMetadataFile
} from '../../../src/trees/sparse.js'

const env = {
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'a',
  GIT_AUTHOR_EMAIL: 'a@example.com',
  GIT_COMMITTER_NAME: 'a',
  GIT_COMMITTER_EMAIL: 'a@example.com'
}
const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()

let scratch: string
let upstream: string
const FILES = [
  'README.md',
  '.gitattributes',
  'a/one.txt',
  'a/.gitignore',
  'a/b/two.txt',
  'a/b/c/three.txt',
  'a/bb/four.txt',
  'a/b.txt',
  'ab/five.txt',
  'x/y/z/six.txt',
  'x/seven.txt',
  'Docs/eight.txt'
]
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-decisions-'))
  upstream = path.join(scratch, 'up')
  mkdirSync(upstream)
  git(upstream, ['init', '-q', '-b', 'main'])
  for (const file of FILES) {
    mkdirSync(path.dirname(path.join(upstream, file)), { recursive: true })
    writeFileSync(path.join(upstream, file), `${file}\n`)
  }
  git(upstream, ['add', '-A'])
  git(upstream, ['commit', '-qm', 'files'])
  git(upstream, ['config', 'uploadpack.allowFilter', 'true'])
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function filesOf(dir: string): string[] {
  return git(dir, ['ls-files', '-t'])
    .split('\n')
    .filter(line => line.startsWith('H '))
    .map(line => line.slice(2))
    .sort()
}

describe('inCone: the files `git sparse-checkout set --cone` writes', () => {
  it.each([
    [['a/b']],
    [['a']],
    [['x/y/z', 'ab']],
    [['a/b/c', 'a/bb']],
    [['nothing/here']],
    [['Docs']]
  ])('cone %j', dirs => {
    const clone = path.join(scratch, `cone-${dirs.join('+').replace(/\//g, '_')}`)
    git(scratch, ['clone', '-q', '--no-checkout', upstream, clone])
    git(clone, ['sparse-checkout', 'set', '--cone', ...dirs])
    git(clone, ['checkout', '-q', 'main'])
    const expected = filesOf(clone)
    expect(FILES.filter(f => inCone(f, coneDirectories(dirs))).sort()).toEqual(expected)
  })

  it('coneDirectories drops slashes at either end and empty lines', () => {
    expect(coneDirectories(['/a/b/', 'c', '', '/'])).toEqual(['a/b', 'c'])
  })

  it('ignoreCase compares folded (core.ignoreCase on macOS and Windows)', () => {
    expect(inCone('docs/eight.txt', ['Docs'])).toBe(false)
    expect(inCone('docs/eight.txt', ['Docs'], true)).toBe(true)
  })

  it('coneBlobs adds attribute, ignore, submodule and LFS files wherever they are', () => {
    const entries = [
      { oid: '1', path: 'deep/outside/.gitattributes' },
      { oid: '2', path: 'deep/outside/file.txt' },
      { oid: '3', path: 'sub/.gitmodules' },
      { oid: '4', path: 'in/x.txt' }
    ]
    expect([...coneBlobs(entries, ['in'], false)].sort()).toEqual(['1', '3', '4'])
    expect(isGitMetadataFile('.lfsconfig')).toBe(true)
    expect(isGitMetadataFile('a/.gitignore')).toBe(true)
    expect(isGitMetadataFile('a/gitignore')).toBe(false)
  })
})

describe('indexHasSkipWorktree: the index of a sparse job hides files from a plain checkout', () => {
  it('is true after a sparse checkout, false after a full one, false without an index', () => {
    const clone = path.join(scratch, 'skip')
    git(scratch, ['clone', '-q', upstream, clone])
    const index = path.join(clone, '.git', 'index')
    expect(indexHasSkipWorktree(index, 20)).toBe(false)
    git(clone, ['sparse-checkout', 'set', '--cone', 'a'])
    expect(indexHasSkipWorktree(index, 20)).toBe(true)
    git(clone, ['sparse-checkout', 'disable'])
    expect(indexHasSkipWorktree(index, 20)).toBe(false)
    git(clone, ['update-index', '--skip-worktree', 'README.md']) // planted by a job
    expect(indexHasSkipWorktree(index, 20)).toBe(true)
    expect(indexHasSkipWorktree(path.join(clone, 'no-index'), 20)).toBe(false)
  })
})

describe('storeFilterFor: a store is partial from its creation on, or never', () => {
  it.each([
    [{ requested: 'blob:none', created: true, current: undefined }, 'blob:none'],
    [{ requested: '', created: true, current: undefined }, undefined],
    // rebuilding a damaged partial store keeps it partial
    [{ requested: '', created: true, current: 'tree:0' }, 'tree:0'],
    [{ requested: 'tree:0', created: true, current: 'blob:none' }, 'tree:0'],
    // an existing or restored store keeps what it is
    [{ requested: 'blob:none', created: false, current: undefined }, undefined],
    [{ requested: '', created: false, current: 'blob:none' }, 'blob:none'],
    [{ requested: 'tree:0', created: false, current: 'blob:none' }, 'blob:none']
  ])('%j → %s', (input, filter) => {
    expect(storeFilterFor(input)).toBe(filter)
  })
})

describe('reading missing objects of a partial clone (real git output)', () => {
  let partial: string
  let sha: string
  beforeAll(() => {
    partial = path.join(scratch, 'partial.git')
    git(scratch, ['clone', '-q', '--bare', '--filter=blob:none', `file://${upstream}`, partial])
    sha = git(partial, ['rev-parse', 'HEAD'])
  })

  it('parseMissing reads `rev-list --missing=print`; parseTreeListing reads ls-tree without blobs', () => {
    const missing = parseMissing(
      git(partial, ['rev-list', '--objects', '--no-walk', '--missing=print', sha])
    )
    const listing = parseTreeListing(git(partial, ['ls-tree', '-r', '-z', '--full-tree', sha]))
    expect(listing.map(e => e.path).sort()).toEqual([...FILES].sort())
    expect(missing.sort()).toEqual(listing.map(e => e.oid).sort())
    expect(parseMissing('abc\n?nothex\n')).toEqual([])
  })

  it('parseIndexListing reads ls-files -s, without submodule commits', () => {
    const entries = parseIndexListing(
      `100644 ${'a'.repeat(40)} 0\tfile with\ttab\u0000160000 ${'b'.repeat(40)} 0\tsub\u0000`
    )
    expect(entries).toEqual([{ oid: 'a'.repeat(40), path: 'file with\ttab' }])
  })

  it('isRefusedLazyFetch recognizes what git says when a checkout may not fetch', () => {
    const work = path.join(scratch, 'no-lazy')
    git(scratch, ['clone', '-q', '--filter=blob:none', '--no-checkout', `file://${upstream}`, work])
    const out = spawnSync(
      'git',
      ['-c', 'protocol.allow=never', '-c', 'protocol.file.allow=never', 'checkout', '-q', 'main'],
      { cwd: work, env, encoding: 'utf8' }
    )
    expect(out.status).not.toBe(0)
    expect(isRefusedLazyFetch(out.stderr)).toBe(true)
    expect(isRefusedLazyFetch('fatal: bad object HEAD')).toBe(false)
  })

  it('batches stay within the platform limit on a command line', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(batchSizeFor('win32') * 65).toBeLessThan(32_000)
    expect(batchSizeFor('linux') * 65).toBeLessThan(128 * 1024 * 8)
  })
})

describe('ssh: what ssh reads, and what its failures say', () => {
  it('reads the system config only (never the job-writable ~/.ssh/config); checks host keys strictly as actions/checkout', () => {
    const command = sshCommand('/k', '/kh', true, '/etc/ssh/ssh_config')
    expect(command).toContain("-F '/etc/ssh/ssh_config'")
    expect(command).toContain('StrictHostKeyChecking=yes -o CheckHostIP=no')
    expect(sshCommand('/k', '/kh', false, 'none')).toContain("-F 'none'")
    expect(systemSshConfig('linux', {}, () => false)).toBe('none')
    expect(systemSshConfig('linux', {}, f => f === '/etc/ssh/ssh_config')).toBe(
      '/etc/ssh/ssh_config'
    )
    expect(systemSshConfig('win32', { ProgramData: 'D:\\PD' }, () => true)).toBe(
      'D:\\PD\\ssh\\ssh_config'
    )
  })

  it('ssh -F with that file parses (the system file, or none)', () => {
    const out = spawnSync('ssh', ['-G', '-F', systemSshConfig(), 'example.com'], {
      encoding: 'utf8'
    })
    expect(out.status).toBe(0)
  })

  it("known_hosts: the input's lines, plus GitHub.com's published keys for github.com only", () => {
    expect(knownHostsFile('h1 ssh-ed25519 AAAA\n\n', 'ghes.example.com')).toBe(
      'h1 ssh-ed25519 AAAA\n'
    )
    expect(knownHostsFile('', 'ghes.example.com')).toBe('')
    expect(knownHostsFile('', 'GitHub.com').split('\n').filter(Boolean)).toEqual(
      GITHUB_COM_HOST_KEYS
    )
    // The published fingerprints (https://docs.github.com/…/githubs-ssh-key-fingerprints).
    const file = path.join(scratch, 'gh_known_hosts')
    writeFileSync(file, knownHostsFile('', 'github.com'))
    const fingerprints = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' })
    expect(fingerprints).toContain('SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU')
    expect(fingerprints).toContain('SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM')
  })

  it('says which input to fix for a host key failure and a refused key; nothing for the rest', () => {
    const access = { host: 'ghes.example.com', user: 'git' }
    expect(
      sshFailureMessage(
        'No ED25519 host key is known for x\nHost key verification failed.',
        access,
        'a/b'
      )
    ).toMatch(
      /^SSH host key verification failed for ghes\.example\.com: .*ssh-known-hosts.*ssh-strict: false/
    )
    expect(
      sshFailureMessage('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@', access, 'a/b')
    ).toMatch(/host key verification failed/)
    expect(sshFailureMessage('git@h: Permission denied (publickey).', access, 'acme/app')).toMatch(
      /refused the key in ssh-key for user 'git' \(Permission denied \(publickey\)\).*acme\/app/
    )
    expect(sshFailureMessage('Connection refused', access, 'a/b')).toBeUndefined()
  })
})
