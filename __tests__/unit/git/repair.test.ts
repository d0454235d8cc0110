import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  createStandardRepo,
  createSubmoduleRepos,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'
import { findGitLockFiles, syncSharedClone } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { git, openHarness, type Harness } from './harness.js'

describe('stale git lock files (§3.2)', () => {
  let h: Harness
  let repo: StandardRepo
  beforeAll(async () => {
    h = await openHarness()
    repo = createStandardRepo(h.upstream, 'acme', 'app')
    createSubmoduleRepos(h.upstream, 'acme')
  })
  afterAll(() => h.close())

  it.each([
    'index.lock',
    'shallow.lock',
    'HEAD.lock',
    'config.lock',
    'packed-refs.lock',
    'refs/heads/x.lock',
    'refs/remotes/origin/main.lock'
  ])('a planted .git/%s is removed, logged with its path, and the sync succeeds', async lock => {
    const request = h.request('acme', 'app', { ref: 'main' })
    await syncSharedClone({ ...request, ref: 'v1.0' }, memoryLogger())
    const file = path.join(request.clonePath, '.git', lock)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, '')
    const log = memoryLogger()
    const result = await syncSharedClone(request, log)
    expect(result.commit).toBe(repo.shas.main)
    expect(result.cloned).toBe(false)
    expect(result.repairs).toEqual([file])
    expect(existsSync(file)).toBe(false)
    expect(log.lines.some(line => line.includes(file) && /stale git lock/.test(line))).toBe(true)
  })

  it("a submodule's index.lock (nested, and in a worktree-less submodule gitdir) is removed", async () => {
    const request = h.request('acme', 'super', { submodules: 'recursive' })
    await syncSharedClone(request, memoryLogger())
    const gitDir = path.join(request.clonePath, '.git')
    const planted = [
      path.join(gitDir, 'modules', 'libs', 'sub', 'index.lock'),
      path.join(gitDir, 'modules', 'libs', 'sub', 'modules', 'deep', 'index.lock'),
      path.join(gitDir, 'modules', 'libs', 'sub', 'refs', 'heads', 'y.lock')
    ]
    // A submodule git dir whose worktree is gone (e.g. submodule dropped upstream).
    const orphan = path.join(gitDir, 'modules', 'gone')
    git(request.clonePath, ['init', '--quiet', '--bare', orphan], h.env)
    planted.push(path.join(orphan, 'HEAD.lock'))
    for (const file of planted) writeFileSync(file, '')
    expect(findGitLockFiles(gitDir)).toEqual([...planted].sort())
    const log = memoryLogger()
    const result = await syncSharedClone(request, log)
    expect(result.repairs.sort()).toEqual([...planted].sort())
    for (const file of planted) {
      expect(existsSync(file)).toBe(false)
      expect(log.lines.some(line => line.includes(file))).toBe(true)
    }
    expect(
      git(path.join(request.clonePath, 'libs', 'sub', 'deep'), ['status', '--porcelain'], h.env)
    ).toBe('')
  })

  it('without the repair git itself would fail on the stale lock (the test plants a real hazard)', async () => {
    const request = h.request('acme', 'app')
    await syncSharedClone(request, memoryLogger())
    writeFileSync(path.join(request.clonePath, '.git', 'index.lock'), '')
    expect(() =>
      git(request.clonePath, ['checkout', '--force', '--detach', repo.shas.v1], h.env)
    ).toThrow(/index\.lock/)
  })
})
