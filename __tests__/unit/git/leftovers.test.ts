import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  commitFiles,
  createStandardRepo,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'
import {
  configRepairs,
  flaggedIndexPaths,
  parseConfigList,
  syncSharedClone
} from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { git, openHarness, type Harness } from './harness.js'

describe('pure decisions', () => {
  it('parseConfigList reads --null records, a bare key meaning true', () => {
    expect(
      parseConfigList('core.bare\nfalse\0url.http://x/.insteadof\nhttp://y/\0core.x\0')
    ).toEqual([
      { key: 'core.bare', value: 'false' },
      { key: 'url.http://x/.insteadof', value: 'http://y/' },
      { key: 'core.x', value: 'true' }
    ])
  })

  it('configRepairs undoes layout and redirect settings, keeps everything else', () => {
    const repairs = configRepairs([
      { key: 'core.bare', value: 'true' },
      { key: 'core.worktree', value: '/tmp' },
      { key: 'url.http://Evil/.insteadof', value: 'https://github.com/' },
      { key: 'url.http://evil/.pushinsteadof', value: 'https://github.com/' },
      { key: 'http.https://github.com/.extraheader', value: 'AUTHORIZATION: basic x' },
      { key: 'http.extraheader', value: 'X: y' },
      { key: 'core.bare', value: 'false' },
      { key: 'remote.origin.url', value: 'https://github.com/a/b' },
      { key: 'submodule.libs/sub.url', value: 'https://github.com/a/sub' },
      { key: 'core.repositoryformatversion', value: '0' }
    ])
    expect(repairs.map(r => ('set' in r ? `${r.key}=${r.set}` : `-${r.key}`))).toEqual([
      'core.bare=false',
      '-core.worktree',
      '-url.http://Evil/.insteadof',
      '-url.http://evil/.pushinsteadof',
      '-http.https://github.com/.extraheader',
      '-http.extraheader'
    ])
  })

  it('flaggedIndexPaths splits skip-worktree (S) from assume-unchanged (lower-case)', () => {
    expect(flaggedIndexPaths('H a.txt\0S b c.txt\0h d.txt\0s e.txt\0M f\0')).toEqual({
      skipWorktree: ['b c.txt'],
      assumeUnchanged: ['d.txt', 'e.txt']
    })
  })
})

describe('a sync undoes what an earlier job left in the shared clone', () => {
  let h: Harness
  let repo: StandardRepo
  let expectedFiles: string[]
  beforeAll(async () => {
    h = await openHarness()
    repo = createStandardRepo(h.upstream, 'acme', 'app')
    repo.shas.main = commitFiles(repo, { 'src/deep/a.txt': 'a\n' }, 'a file in a directory')
    expectedFiles = execFileSync('git', ['ls-tree', '-r', '--name-only', 'main'], {
      cwd: repo.bare,
      encoding: 'utf8'
    })
      .trim()
      .split('\n')
      .sort()
  })
  afterAll(() => h.close())

  const worktreeFiles = (clone: string): string[] =>
    git(clone, ['ls-files'], h.env)
      .split('\n')
      .filter(f => {
        try {
          readFileSync(path.join(clone, f))
          return true
        } catch {
          return false
        }
      })
      .sort()

  it.each<[string, (clone: string, env: NodeJS.ProcessEnv) => void, RegExp]>([
    [
      'a sparse checkout',
      (c, env) => git(c, ['sparse-checkout', 'set', 'nothing'], env),
      /disabled the sparse checkout/
    ],
    [
      'a skip-worktree file with other content',
      (c, env) => {
        git(c, ['update-index', '--skip-worktree', 'README.md'], env)
        writeFileSync(path.join(c, 'README.md'), 'tampered\n')
      },
      /cleared skip-worktree on 1 index entries/
    ],
    [
      'an assume-unchanged file with other content',
      (c, env) => {
        git(c, ['update-index', '--assume-unchanged', 'README.md'], env)
        writeFileSync(path.join(c, 'README.md'), 'tampered\n')
      },
      /cleared assume-unchanged on 1 index entries/
    ],
    [
      'a replace ref',
      (c, env) => git(c, ['replace', '-f', repo.shas.main, repo.shas.first], env),
      /removed refs\/replace\//
    ],
    [
      'core.bare=true',
      (c, env) => git(c, ['config', 'core.bare', 'true'], env),
      /set core.bare=false/
    ],
    [
      'core.worktree elsewhere',
      (c, env) => git(c, ['config', 'core.worktree', '/tmp'], env),
      /removed core.worktree/
    ],
    [
      'a url.insteadOf redirect to a dead server',
      (c, env) => git(c, ['config', 'url.http://127.0.0.1:1/.insteadOf', `${h.server.url}/`], env),
      /removed url\..*insteadof/
    ],
    [
      'a stored auth header',
      (c, env) =>
        git(
          c,
          ['config', `http.${h.server.url}/.extraheader`, 'AUTHORIZATION: basic Zm9vOmJhcg=='],
          env
        ),
      /removed http\..*extraheader/
    ]
  ])('%s', async (_, leave, logged) => {
    const request = h.request('acme', 'app', {
      clonePath: path.join(h.dir, 'left', String(Math.random()).slice(2), 'app')
    })
    await syncSharedClone({ ...request, ref: 'feature' }, memoryLogger())
    await syncSharedClone(request, memoryLogger())
    leave(request.clonePath, h.env)
    const log = memoryLogger()
    const result = await syncSharedClone({ ...request, clean: false }, log)
    expect(result.cloned).toBe(false)
    expect(result.movedAside).toBeUndefined()
    expect(log.lines.join('\n')).toMatch(logged)
    expect(result.commit).toBe(repo.shas.main)
    // What a later step sees with plain git: every file, with the commit's content.
    expect(worktreeFiles(request.clonePath)).toEqual(expectedFiles)
    expect(readFileSync(path.join(request.clonePath, 'README.md'), 'utf8')).toBe('# app\n')
    expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
    expect(git(request.clonePath, ['rev-parse', 'HEAD'], h.env)).toBe(repo.shas.main)
  })
})
