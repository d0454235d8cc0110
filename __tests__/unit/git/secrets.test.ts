import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import {
  addLfsFile,
  createStandardRepo,
  createSubmoduleRepos
} from '../../../testkit/git-fixtures.js'
import { basicCredential, persistedCredentialEnv, syncSharedClone } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { filesContaining, openHarness, TOKEN, type Harness } from './harness.js'
import { lfsTestable } from '../../../testkit/requirements.js'

const run = promisify(execFile)
const SECRETS = [TOKEN, basicCredential(TOKEN)]

/** Every process command line visible now (what another user could read). */
function commandLines(): string[] {
  const out: string[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))
    } catch {
      // exited meanwhile
    }
  }
  return out
}

describe('the token never reaches argv, files in the clone, or logs (§3.4)', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    const app = createStandardRepo(h.upstream, 'acme', 'app')
    addLfsFile(app, 'big.dat', 'lfs content '.repeat(500))
    createSubmoduleRepos(h.upstream, 'acme')
  })
  afterAll(() => h.close())

  it.each([
    ['app', { lfs: lfsTestable, fetchTags: true }],
    ['super', { submodules: 'recursive' as const }]
  ])('sync of %s', async (name, overrides) => {
    const seen: string[] = []
    const pids: number[] = []
    const scan = setInterval(() => seen.push(...commandLines()), 2)
    const log = memoryLogger()
    try {
      const request = h.request('acme', name, {
        ...overrides,
        onGitProcess: pid => {
          pids.push(pid)
          try {
            seen.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))
          } catch {
            // already exited
          }
        }
      })
      await syncSharedClone(request, log) // clone
      await syncSharedClone({ ...request, ref: '' }, log) // fetch into the existing clone
      expect(pids.length).toBeGreaterThan(5)
      expect(seen.some(line => line.includes('git'))).toBe(true)
      for (const line of seen) for (const secret of SECRETS) expect(line).not.toContain(secret)
      expect(filesContaining(request.clonePath, SECRETS)).toEqual([])
      for (const line of log.lines) for (const secret of SECRETS) expect(line).not.toContain(secret)
    } finally {
      clearInterval(scan)
    }
  })

  it('persistedCredentialEnv authenticates later git commands and restore disables them', async () => {
    const request = h.request('acme', 'app')
    await syncSharedClone(request, memoryLogger())
    const persisted = persistedCredentialEnv({
      serverUrl: h.server.url,
      token: TOKEN,
      clonePath: request.clonePath,
      baseEnv: h.env
    })
    const later = { ...h.env, ...persisted.env, GIT_TERMINAL_PROMPT: '0' }
    await run('git', ['fetch', '--quiet', 'origin', 'main'], { cwd: request.clonePath, env: later })
    const afterPost = { ...later, ...persisted.restore }
    await expect(
      run('git', ['fetch', '--quiet', 'origin', 'main'], { cwd: request.clonePath, env: afterPost })
    ).rejects.toThrow(/401|could not read Username|Authentication/)
    expect(filesContaining(request.clonePath, SECRETS)).toEqual([])
  })
})
