import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createRepo } from '../../../testkit/git-fixtures.js'
import { gitAuthEnv } from '../../../src/git/index.js'
import { openHarness, TOKEN, type Harness } from './harness.js'

const run = promisify(execFile)

describe('testkit git server', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    createRepo(h.upstream, 'Acme', 'Tool')
  })
  afterAll(() => h.close())

  const lsRemote = (url: string, token: string | undefined) =>
    run('git', ['ls-remote', url], {
      cwd: h.dir,
      env: gitAuthEnv({ serverUrl: h.server.url, token, safeDirectories: [], baseEnv: h.env })
    })

  it('serves /owner/name and /owner/name.git, case-insensitively, with the right token', async () => {
    for (const url of [
      h.server.repoUrl('Acme', 'Tool'),
      `${h.server.url}/acme/tool.git`,
      `${h.server.url}/ACME/TOOL`
    ]) {
      const out = await lsRemote(url, TOKEN)
      expect(out.stdout).toMatch(/refs\/heads\/main/)
    }
  })

  it('answers 401 with WWW-Authenticate without a valid token', async () => {
    const res = await fetch(`${h.server.url}/acme/tool.git/info/refs?service=git-upload-pack`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/)
    await expect(lsRemote(h.server.repoUrl('acme', 'tool'), 'wrong')).rejects.toThrow(
      /401|Authentication failed|could not read Username/
    )
  })

  it('counts bytes, records requests, can refuse', async () => {
    h.server.resetCounters()
    await lsRemote(h.server.repoUrl('acme', 'tool'), TOKEN)
    expect(h.server.totalBytesSent()).toBeGreaterThan(0)
    expect(h.server.requests.some(r => r.service === 'git-upload-pack' && r.method === 'GET')).toBe(
      true
    )
    h.server.refuse(true)
    try {
      await expect(lsRemote(h.server.repoUrl('acme', 'tool'), TOKEN)).rejects.toThrow(/503/)
    } finally {
      h.server.refuse(false)
    }
  })

  it('stalls requests until released', async () => {
    h.server.stall(true)
    let done = false
    const pending = lsRemote(h.server.repoUrl('acme', 'tool'), TOKEN).then(() => (done = true))
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(done).toBe(false)
    h.server.stall(false)
    await pending
    expect(done).toBe(true)
  })
})
