import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  addLfsFile,
  advance,
  createStandardRepo,
  createSubmoduleRepos,
  type SubmoduleRepos
} from '../../../testkit/git-fixtures.js'
import { syncSharedClone } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { filesUnder, git, openHarness, type Harness } from './harness.js'
import { itWithGitLfs } from '../../../testkit/requirements.js'

describe('working tree: submodules, clean, line endings, LFS, safe.directory', () => {
  let h: Harness
  let subs: SubmoduleRepos
  beforeAll(async () => {
    h = await openHarness()
    createStandardRepo(h.upstream, 'acme', 'app')
    subs = createSubmoduleRepos(h.upstream, 'acme')
  })
  afterAll(() => h.close())

  const populated = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0

  it('submodules false → true → recursive → false, with relative URLs over authenticated HTTP', async () => {
    const request = h.request('acme', 'super')
    const sub = path.join(request.clonePath, 'libs', 'sub')
    const deep = path.join(sub, 'deep')
    await syncSharedClone({ ...request, submodules: false }, memoryLogger())
    expect(populated(sub)).toBe(false)
    await syncSharedClone({ ...request, submodules: true }, memoryLogger())
    expect(readFileSync(path.join(sub, 'sub.txt'), 'utf8')).toBe('sub\n')
    expect(populated(deep)).toBe(false)
    await syncSharedClone({ ...request, submodules: 'recursive' }, memoryLogger())
    expect(readFileSync(path.join(deep, 'deep.txt'), 'utf8')).toBe('deepest\n')
    expect(git(sub, ['config', 'remote.origin.url'], h.env)).toBe(
      h.server.repoUrl('acme', 'sub.git')
    )
    // A job that asks for no submodules does not see the previous job's.
    await syncSharedClone({ ...request, submodules: false }, memoryLogger())
    expect(populated(sub)).toBe(false)
    // And they come back cheaply, at the commit the superproject records, after upstream moves.
    advance(subs.sub, 1)
    await syncSharedClone({ ...request, submodules: 'recursive' }, memoryLogger())
    expect(git(sub, ['rev-parse', 'HEAD'], h.env)).toBe(
      git(request.clonePath, ['rev-parse', 'HEAD:libs/sub'], h.env)
    )
    expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
  })

  it('clean: false keeps an untracked file; clean: true removes it (also in submodules)', async () => {
    const request = h.request('acme', 'super', { submodules: 'recursive' })
    await syncSharedClone(request, memoryLogger())
    const untracked = path.join(request.clonePath, 'build-output.txt')
    const subUntracked = path.join(request.clonePath, 'libs', 'sub', 'deep', 'junk.txt')
    writeFileSync(untracked, 'x')
    writeFileSync(subUntracked, 'x')
    await syncSharedClone({ ...request, clean: false }, memoryLogger())
    expect(existsSync(untracked)).toBe(true)
    expect(existsSync(subUntracked)).toBe(true)
    await syncSharedClone({ ...request, clean: true }, memoryLogger())
    expect(existsSync(untracked)).toBe(false)
    expect(existsSync(subUntracked)).toBe(false)
  })

  it('clean: true discards modified tracked files', async () => {
    const request = h.request('acme', 'app')
    await syncSharedClone(request, memoryLogger())
    writeFileSync(path.join(request.clonePath, 'README.md'), 'edited')
    await syncSharedClone(request, memoryLogger())
    expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
  })

  it('a global core.autocrlf=true leaves a clean status; .gitattributes is honoured', async () => {
    writeFileSync(h.globalConfig, '[core]\n\tautocrlf = true\n')
    try {
      const request = h.request('acme', 'app', { clonePath: path.join(h.dir, 'crlf') })
      await syncSharedClone(request, memoryLogger())
      expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
      expect(readFileSync(path.join(request.clonePath, 'run.sh'), 'utf8')).toBe(
        '#!/bin/sh\necho hi\n'
      )
      expect(readFileSync(path.join(request.clonePath, 'run.bat'), 'utf8')).toBe(
        '@echo off\r\necho hi\r\n'
      )
      expect(readFileSync(path.join(request.clonePath, 'unix.txt'), 'utf8')).toBe(
        'line one\r\nline two\r\n'
      )
      await syncSharedClone({ ...request, ref: 'feature' }, memoryLogger())
      expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
    } finally {
      writeFileSync(h.globalConfig, '')
    }
  })

  itWithGitLfs(
    'lfs: true downloads the objects (authenticated); lfs: false leaves pointers',
    async () => {
      const repo = createStandardRepo(h.upstream, 'acme', 'media')
      const content = 'large binary-ish content\n'.repeat(400)
      addLfsFile(repo, 'asset.dat', content)
      const request = h.request('acme', 'media')
      await syncSharedClone(request, memoryLogger())
      expect(readFileSync(path.join(request.clonePath, 'asset.dat'), 'utf8')).toMatch(
        /^version https:\/\/git-lfs/
      )
      h.server.resetCounters()
      await syncSharedClone({ ...request, lfs: true }, memoryLogger())
      expect(readFileSync(path.join(request.clonePath, 'asset.dat'), 'utf8')).toBe(content)
      expect(
        h.server.requests.filter(r => r.service.startsWith('lfs')).every(r => r.authorized)
      ).toBe(true)
      expect(h.server.requests.some(r => r.service === 'lfs-object' && r.status === 200)).toBe(true)
      // No filter or auth was written into the shared clone's config (env-only, §3.4); git-lfs
      // itself records only `lfs.repositoryformatversion`.
      const config = readFileSync(path.join(request.clonePath, '.git', 'config'), 'utf8')
      expect(config).not.toMatch(/filter|extraheader|hooksPath/)
    }
  )

  it('safe.directory is passed per command: a clone owned by another user still syncs', async () => {
    if (process.getuid?.() !== 0) return // needs root to hand the clone to another user
    const request = h.request('acme', 'app', { clonePath: path.join(h.dir, 'foreign') })
    await syncSharedClone(request, memoryLogger())
    for (const file of [request.clonePath, ...filesUnder(request.clonePath)])
      chownSync(file, 65534, 65534)
    execFileSync('find', [
      request.clonePath,
      '-type',
      'd',
      '-exec',
      'chown',
      '65534:65534',
      '{}',
      '+'
    ])
    expect(() => git(request.clonePath, ['status'], h.env)).toThrow(/dubious ownership/)
    const result = await syncSharedClone({ ...request, ref: 'feature' }, memoryLogger())
    expect(result.movedAside).toBeUndefined()
    expect(result.cloned).toBe(false)
    expect(readFileSync(h.globalConfig, 'utf8')).toBe('') // nothing written to global config
  })
})
