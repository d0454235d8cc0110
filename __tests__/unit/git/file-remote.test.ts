/**
 * Issue 4: "tests also cover file:// remotes". The shared clone of a local (file://) upstream:
 * refs, incremental fetch without re-clone, nested submodules with relative URLs (git refuses
 * the file transport for submodules unless allowed per command), and origin comparison.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  advance,
  createStandardRepo,
  createSubmoduleRepos,
  revParse,
  type StandardRepo,
  type SubmoduleRepos
} from '../../../testkit/git-fixtures.js'
import { syncSharedClone, type SyncRequest } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { git, openHarness, type Harness } from './harness.js'

let h: Harness
let repo: StandardRepo
let subs: SubmoduleRepos
beforeAll(async () => {
  h = await openHarness()
  repo = createStandardRepo(h.upstream, 'acme', 'app')
  subs = createSubmoduleRepos(h.upstream)
})
afterAll(() => h.close())

/** A request against the upstream's file:// URL: no token, nothing goes through the server. */
function fileRequest(name: string, overrides: Partial<SyncRequest> = {}): SyncRequest {
  return h.request('acme', name, {
    remoteUrl: `file://${path.join(h.upstream, 'acme', `${name}.git`)}`,
    token: undefined,
    clonePath: path.join(h.dir, 'file-clones', name),
    ...overrides
  })
}

describe('a file:// upstream', () => {
  it('clones and checks out branches, tags, pull refs and SHAs', async () => {
    const cases: [string, string, string][] = [
      ['main', repo.shas.main, 'refs/heads/main'],
      ['v1.0', repo.shas.v1, 'refs/tags/v1.0'],
      ['refs/pull/1/merge', repo.shas.pullMerge, 'refs/pull/1/merge'],
      [repo.shas.pullHead, repo.shas.pullHead, '']
    ]
    h.server.resetCounters()
    for (const [ref, sha, qualified] of cases) {
      const request = fileRequest('app', { ref })
      const result = await syncSharedClone(request, memoryLogger())
      expect({ ref, commit: result.commit, qualified: result.ref }).toEqual({
        ref,
        commit: sha,
        qualified
      })
      expect(git(request.clonePath, ['rev-parse', 'HEAD'], h.env)).toBe(sha)
      expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('')
    }
    // Everything came over the file transport.
    expect(h.server.requests).toEqual([])
  })

  it('fetches only the new commits into the existing clone after upstream advanced', async () => {
    const request = fileRequest('app', { ref: 'main' })
    const marker = path.join(request.clonePath, '.git', 'test-marker')
    writeFileSync(marker, 'not a re-clone\n')
    const objectsBefore = objectCount(request.clonePath)
    const tip = advance(repo, 2)
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.cloned).toBe(false)
    expect(result.commit).toBe(tip)
    expect(existsSync(marker)).toBe(true)
    // Two commits, each: commit + root tree + history/ tree + one blob.
    expect(objectCount(request.clonePath) - objectsBefore).toBe(8)
  })

  it('the same upstream spelled as a plain path is the same repository; another is not', async () => {
    const request = fileRequest('app', { ref: 'main' })
    const same = await syncSharedClone(
      { ...request, remoteUrl: path.join(h.upstream, 'acme', 'app.git') },
      memoryLogger()
    )
    expect(same.movedAside).toBeUndefined()
    expect(same.cloned).toBe(false)

    const log = memoryLogger()
    const other = await syncSharedClone(
      { ...request, remoteUrl: `file://${path.join(h.upstream, 'acme', 'sub.git')}` },
      log
    )
    expect(other.cloned).toBe(true)
    expect(other.movedAside).toMatch(/\.broken-/)
    expect(log.lines.join('\n')).toMatch(/warning: .*its origin is file:\/\/.*app\.git/)
    expect(other.commit).toBe(revParse(subs.sub, 'main'))
  })

  it('submodules: recursive with relative URLs resolved against the file:// superproject', async () => {
    const request = fileRequest('super', { submodules: 'recursive' })
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.commit).toBe(revParse(subs.superproject, 'main'))
    const clone = request.clonePath
    expect(readFileSync(path.join(clone, 'libs/sub/sub.txt'), 'utf8')).toBe('sub\n')
    expect(readFileSync(path.join(clone, 'libs/sub/deep/deep.txt'), 'utf8')).toBe('deepest\n')
    expect(git(clone, ['config', 'submodule.libs/sub.url'], h.env)).toBe(
      `file://${path.join(h.upstream, 'acme', 'sub.git')}`
    )
    // protocol.file.allow was per command: nothing was written to the clone's config.
    expect(readFileSync(path.join(clone, '.git', 'config'), 'utf8')).not.toMatch(/protocol/)
    expect(readdirSync(path.join(clone, '.git', 'modules'))).toEqual(['libs'])
  })
})

function objectCount(clone: string): number {
  const stats = Object.fromEntries(
    git(clone, ['count-objects', '-v'], h.env)
      .split('\n')
      .map(line => line.split(': '))
  )
  return Number(stats.count) + Number(stats['in-pack'])
}
