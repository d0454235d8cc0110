import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  sanitizeConfig,
  stripUrlCredentials,
  verifyRestoredRepository
} from '../../../src/cache/git-dir.js'

const identity = {
  GIT_AUTHOR_NAME: 'a',
  GIT_AUTHOR_EMAIL: 'a@example.com',
  GIT_COMMITTER_NAME: 'a',
  GIT_COMMITTER_EMAIL: 'a@example.com'
}

/** `git config --list --null` format: key, newline, value, NUL. */
const listing = (entries: [string, string][]): string =>
  entries.map(([k, v]) => `${k}\n${v}\0`).join('')

describe('sanitizeConfig', () => {
  it('keeps what a clone needs and drops credentials and code-running settings', () => {
    const result = sanitizeConfig(
      listing([
        ['core.repositoryformatversion', '0'],
        ['core.bare', 'false'],
        ['core.hookspath', '/tmp/evil'],
        ['core.fsmonitor', 'touch /tmp/pwned'],
        ['remote.origin.url', 'https://x-access-token:SECRET@github.com/o/r'],
        ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
        ['http.https://github.com/.extraheader', 'AUTHORIZATION: basic SECRET'],
        ['credential.helper', 'store'],
        ['include.path', '/runner/temp/creds.config'],
        ['submodule.lib/a.b.url', 'https://SECRET@github.com/o/lib'],
        ['branch.main.remote', 'origin'],
        ['filter.lfs.process', 'git-lfs filter-process']
      ])
    )
    expect(result.text).not.toMatch(
      /SECRET|hookspath|fsmonitor|extraheader|credential|include|filter/i
    )
    expect(result.text).toBe(
      '[core]\n\trepositoryformatversion = "0"\n\tbare = "false"\n' +
        '[remote "origin"]\n\turl = "https://github.com/o/r"\n\tfetch = "+refs/heads/*:refs/remotes/origin/*"\n' +
        '[submodule "lib/a.b"]\n\turl = "https://github.com/o/lib"\n' +
        '[branch "main"]\n\tremote = "origin"\n'
    )
    expect(result.credentialKeys.sort()).toEqual(
      [
        'credential.helper',
        'http.https://github.com/.extraheader',
        'include.path',
        'remote.origin.url',
        'submodule.lib/a.b.url'
      ].sort()
    )
  })

  it('lets a submodule core.worktree through only when it stays inside the clone', () => {
    const options = { gitDir: '/c/.git/modules/lib', cloneRoot: '/c' }
    expect(sanitizeConfig(listing([['core.worktree', '../../../lib']]), options).text).toContain(
      'worktree'
    )
    expect(sanitizeConfig(listing([['core.worktree', '../../../../etc']]), options).text).toBe('')
    expect(sanitizeConfig(listing([['core.worktree', '/etc']]), options).text).toBe('')
    expect(sanitizeConfig(listing([['core.worktree', '../../..']]), {}).text).toBe('')
  })

  it('quotes values so git reads them back unchanged', () => {
    const text = sanitizeConfig(listing([['branch.we"ird.merge', 'refs/heads/a"b\\c']])).text
    expect(text).toBe('[branch "we\\"ird"]\n\tmerge = "refs/heads/a\\"b\\\\c"\n')
    const dir = mkdtempSync(join(tmpdir(), 'sanitize-'))
    try {
      writeFileSync(join(dir, 'config'), text)
      const back = execFileSync('git', [
        'config',
        '--file',
        join(dir, 'config'),
        '--list',
        '--null'
      ])
      expect(back.toString()).toBe(listing([['branch.we"ird.merge', 'refs/heads/a"b\\c']]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('remote URLs', () => {
  it.each([
    ['https://user:pw@host/x', 'https://host/x'],
    ['https://token@host/x', 'https://host/x'],
    ['git@github.com:o/r.git', 'git@github.com:o/r.git'],
    ['file:///srv/r.git', 'file:///srv/r.git']
  ])('strips credentials from %s', (url, stripped) => {
    expect(stripUrlCredentials(url)).toBe(stripped)
  })

  it('a restored store is checked by repository identity: case-insensitive, .git and slashes aside (issue 12.9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-'))
    try {
      const store = join(dir, 'store')
      execFileSync('git', ['init', '--quiet', '--bare', store])
      execFileSync('git', [
        '--git-dir',
        store,
        'config',
        'remote.origin.url',
        'https://github.com/acme/app'
      ])
      expect(await verifyRestoredRepository(store, 'https://github.com/acme/app')).toEqual({
        valid: false,
        reason: 'it has no refs'
      })
      const blob = execFileSync('git', ['--git-dir', store, 'hash-object', '-w', '--stdin'], {
        input: 'x'
      })
        .toString()
        .trim()
      execFileSync('git', ['--git-dir', store, 'update-ref', 'refs/tags/blob', blob])
      expect((await verifyRestoredRepository(store, 'https://github.com/acme/app')).valid).toBe(
        false
      )
      const tree = execFileSync('git', ['--git-dir', store, 'mktree'], { input: '' })
        .toString()
        .trim()
      const commit = execFileSync('git', ['--git-dir', store, 'commit-tree', '-m', 'c', tree], {
        env: { ...process.env, ...identity }
      })
        .toString()
        .trim()
      execFileSync('git', ['--git-dir', store, 'update-ref', '-d', 'refs/tags/blob'])
      execFileSync('git', ['--git-dir', store, 'update-ref', 'refs/remotes/origin/main', commit])
      for (const expected of [
        'https://github.com/acme/app',
        'https://GitHub.com/Acme/App',
        'https://github.com/ACME/app.git/'
      ])
        expect(await verifyRestoredRepository(store, expected)).toEqual({ valid: true })
      expect(await verifyRestoredRepository(store, 'https://github.com/acme/other')).toEqual({
        valid: false,
        reason: 'its origin is https://github.com/acme/app, expected https://github.com/acme/other'
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
