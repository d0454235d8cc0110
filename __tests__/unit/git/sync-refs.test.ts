import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import {
  advance,
  commitFiles,
  createRepo,
  createStandardRepo,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'
import { syncSharedClone } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { bulkFiles, git, openHarness, type Harness } from './harness.js'

describe('syncSharedClone: refs', () => {
  let h: Harness
  let repo: StandardRepo
  beforeAll(async () => {
    h = await openHarness()
    repo = createStandardRepo(h.upstream, 'acme', 'app')
  })
  afterAll(() => h.close())

  const head = (clone: string) => git(clone, ['rev-parse', 'HEAD'], h.env)

  it('clones the default branch for an empty ref, detached, with the remote-tracking ref', async () => {
    const request = h.request('acme', 'app', { ref: '' })
    const result = await syncSharedClone(request, memoryLogger())
    expect(result).toMatchObject({ commit: repo.shas.main, ref: 'refs/heads/main', cloned: true })
    expect(head(request.clonePath)).toBe(repo.shas.main)
    expect(git(request.clonePath, ['rev-parse', '--abbrev-ref', 'HEAD'], h.env)).toBe('HEAD')
    expect(git(request.clonePath, ['config', 'remote.origin.url'], h.env)).toBe(request.remoteUrl)
  })

  it.each([
    ['main', 'main', 'refs/heads/main'],
    ['refs/heads/feature', 'feature', 'refs/heads/feature'],
    ['feature', 'feature', 'refs/heads/feature'],
    ['v1.0', 'v1', 'refs/tags/v1.0'],
    ['refs/tags/v1.0', 'v1', 'refs/tags/v1.0'],
    ['light', 'first', 'refs/tags/light'],
    ['both', 'bothBranch', 'refs/heads/both'],
    ['refs/tags/both', 'bothTag', 'refs/tags/both'],
    ['refs/pull/1/merge', 'pullMerge', 'refs/pull/1/merge'],
    ['refs/pull/1/head', 'pullHead', 'refs/pull/1/head']
  ] as const)('ref %s → the expected commit', async (ref, sha, qualified) => {
    const request = h.request('acme', 'app', { ref })
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.commit).toBe(repo.shas[sha])
    expect(result.ref).toBe(qualified)
    expect(result.cloned).toBe(false)
    expect(head(request.clonePath)).toBe(repo.shas[sha])
  })

  it('a full SHA, including one reachable only from a pull ref, on a fresh clone', async () => {
    const request = h.request('acme', 'app', {
      ref: repo.shas.pullHead,
      clonePath: path.join(h.dir, 'sha-clone')
    })
    const result = await syncSharedClone(request, memoryLogger())
    expect(result).toMatchObject({ commit: repo.shas.pullHead, ref: '', cloned: true })
  })

  it('ref + exact commit (GITHUB_REF + GITHUB_SHA) checks out that commit even if the branch moved', async () => {
    const request = h.request('acme', 'app', {
      ref: 'refs/heads/feature',
      commit: repo.shas.feature
    })
    commitFiles(repo, { 'moved.txt': 'x\n' }, 'branch moved on', 'feature')
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.commit).toBe(repo.shas.feature)
  })

  it('empty ref + commit checks out the commit; an already-present commit needs no fetch', async () => {
    h.server.resetCounters()
    const request = h.request('acme', 'app', { ref: '', commit: repo.shas.v1 })
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.commit).toBe(repo.shas.v1)
    expect(h.server.requests).toHaveLength(0)
  })

  it('fetch-tags brings every tag; without it only the requested tag is there', async () => {
    const request = h.request('acme', 'app', { clonePath: path.join(h.dir, 'tags-clone') })
    await syncSharedClone(request, memoryLogger())
    expect(git(request.clonePath, ['tag', '--list'], h.env)).toBe('')
    await syncSharedClone({ ...request, fetchTags: true }, memoryLogger())
    expect(git(request.clonePath, ['tag', '--list'], h.env).split('\n').sort()).toEqual([
      'both',
      'light',
      'v1.0'
    ])
  })

  it('fetch-depth 1 → 0 → 2 → 0 on one clone', async () => {
    const request = h.request('acme', 'app', {
      clonePath: path.join(h.dir, 'depth-clone'),
      fetchDepth: 1
    })
    const count = () => Number(git(request.clonePath, ['rev-list', '--count', 'HEAD'], h.env))
    const shallow = () => existsSync(path.join(request.clonePath, '.git', 'shallow'))
    await syncSharedClone(request, memoryLogger())
    expect([count(), shallow()]).toEqual([1, true])
    await syncSharedClone({ ...request, fetchDepth: 0 }, memoryLogger())
    expect([count(), shallow()]).toEqual([3, false])
    // A full clone stays full when a shallow fetch is asked for (history already paid for).
    advance(repo, 1)
    const r = await syncSharedClone({ ...request, fetchDepth: 2 }, memoryLogger())
    expect(r.commit).toBe(git(repo.bare, ['rev-parse', 'main'], h.env))
    expect([count(), shallow()]).toEqual([4, false])
    rmSync(request.clonePath, { recursive: true })
    await syncSharedClone({ ...request, fetchDepth: 2 }, memoryLogger())
    expect([count(), shallow()]).toEqual([2, true])
    await syncSharedClone({ ...request, fetchDepth: 0 }, memoryLogger())
    expect([count(), shallow()]).toEqual([4, false])
  })
})

describe('syncSharedClone: incremental fetch', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
  })
  afterAll(() => h.close())

  it('after upstream advances, fetches only the new objects and does not re-clone', async () => {
    const repo = createRepo(h.upstream, 'acme', 'big', bulkFiles(200, 2000))
    const request = h.request('acme', 'big')
    h.server.resetCounters()
    const first = await syncSharedClone(request, memoryLogger())
    const firstBytes = h.server.totalBytesSent()
    expect(first.cloned).toBe(true)
    expect(first.fetchedBytes).toBeGreaterThan(100_000)

    const tip = advance(repo, 3)
    h.server.resetCounters()
    const second = await syncSharedClone(request, memoryLogger())
    const secondBytes = h.server.totalBytesSent()
    expect(second).toMatchObject({ commit: tip, cloned: false })
    expect(secondBytes).toBeLessThan(firstBytes / 20)
    expect(second.fetchedBytes).toBeLessThan(first.fetchedBytes! / 20)

    h.server.resetCounters()
    const third = await syncSharedClone(request, memoryLogger())
    expect(third.commit).toBe(tip)
    expect(h.server.totalBytesSent()).toBeLessThan(firstBytes / 20)
  })
})
