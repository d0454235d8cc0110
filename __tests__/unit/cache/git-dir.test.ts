import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sameRemote, sanitizeConfig, stripUrlCredentials } from '../../../src/cache/git-dir.js'

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

  it('compares like a user would', () => {
    expect(sameRemote('https://GitHub.com/o/r.git', 'https://github.com/o/r/')).toBe(true)
    expect(sameRemote('https://github.com/o/r', 'https://github.com/o/other')).toBe(false)
    expect(sameRemote('https://github.com/O/r', 'https://github.com/o/r')).toBe(false)
  })
})
