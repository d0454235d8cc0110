import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { startGitServer } from '../../../testkit/git-server.js'
import { createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import {
  GitError,
  partialSiblings,
  syncSharedClone,
  type SyncRequest
} from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { openHarness, snapshot, TOKEN, type Harness } from './harness.js'

describe('failures leave the existing clone unchanged and say what failed', () => {
  let h: Harness
  let repo: StandardRepo
  let request: SyncRequest
  beforeAll(async () => {
    h = await openHarness()
    repo = createStandardRepo(h.upstream, 'acme', 'app')
    request = h.request('acme', 'app', { ref: 'v1.0' })
    await syncSharedClone(request, memoryLogger())
  })
  afterAll(() => h.close())

  async function expectFailure(
    overrides: Partial<SyncRequest>,
    message: RegExp
  ): Promise<GitError> {
    const before = snapshot(request.clonePath, h.env)
    const log = memoryLogger()
    const error = await syncSharedClone({ ...request, ...overrides }, log).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(GitError)
    const gitError = error as GitError
    expect(gitError.message).toMatch(message)
    expect(gitError.message).not.toContain(TOKEN)
    expect(gitError.message).not.toContain('wrong-token-value')
    expect(snapshot(request.clonePath, h.env)).toEqual(before)
    expect(before.head).toBe(repo.shas.v1)
    return gitError
  }

  it('wrong token', async () => {
    const error = await expectFailure(
      { ref: 'main', token: 'wrong-token-value' },
      /401|Authentication failed|could not read Username/
    )
    expect(error.cwd).toBe(request.clonePath)
  })

  it('unknown short ref names the ref and what was tried', async () => {
    await expectFailure(
      { ref: 'no-such-branch' },
      /ref 'no-such-branch' was not found in .*refs\/heads\/no-such-branch, refs\/tags\/no-such-branch/
    )
  })

  it('unknown qualified ref', async () => {
    await expectFailure(
      { ref: 'refs/heads/nope' },
      /git fetch .* failed in .*couldn't find remote ref refs\/heads\/nope/
    )
  })

  it('unknown commit', async () => {
    await expectFailure({ ref: 'f'.repeat(40) }, /git fetch .* failed/)
  })

  it('nonexistent repository (fresh clone: nothing is left behind)', async () => {
    const fresh = h.request('acme', 'missing', { ref: 'main' })
    const error = await syncSharedClone(fresh, memoryLogger()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitError)
    expect((error as Error).message).toMatch(/404|not found/i)
    expect(existsSync(fresh.clonePath)).toBe(false)
    expect(partialSiblings(fresh.clonePath)).toEqual([])
  })

  it('unreachable server', async () => {
    // A clone made through a second server that is then stopped: same origin, nobody listening.
    const other = await startGitServer({ root: h.upstream, token: TOKEN })
    const viaOther = h.request('acme', 'app', {
      clonePath: path.join(h.dir, 'unreachable'),
      serverUrl: other.url,
      remoteUrl: other.repoUrl('acme', 'app'),
      ref: 'v1.0'
    })
    await syncSharedClone(viaOther, memoryLogger())
    await other.stop()
    const before = snapshot(viaOther.clonePath, h.env)
    const error = await syncSharedClone({ ...viaOther, ref: 'main' }, memoryLogger()).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(GitError)
    expect((error as Error).message).toMatch(
      /Failed to connect|Could not connect|Connection refused/i
    )
    expect(snapshot(viaOther.clonePath, h.env)).toEqual(before)
  })

  it('a refusing server (503)', async () => {
    h.server.refuse(true)
    try {
      await expectFailure({ ref: 'main' }, /503/)
    } finally {
      h.server.refuse(false)
    }
  })
})
