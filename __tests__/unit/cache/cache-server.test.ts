/** The local cache service speaks what @actions/cache and the Azure SDK expect. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { BlockBlobClient } from '@azure/storage-blob'
import { envFor, startCacheServer, type CacheServer } from '../../../testkit/cache-server.js'

let server: CacheServer
beforeEach(async () => {
  server = await startCacheServer()
})
afterEach(async () => {
  await server.stop()
})

async function twirp(
  method: string,
  body: object
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(
    `${server.url}twirp/github.actions.results.api.v1.CacheService/${method}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }
  )
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('cache server', () => {
  it('accepts a block upload (comp=block + comp=blocklist) and serves it back', async () => {
    const created = await twirp('CreateCacheEntry', { key: 'big', version: 'v' })
    expect(created.json.ok).toBe(true)
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    data.write('head')
    const client = new BlockBlobClient(String(created.json.signed_upload_url))
    await client.uploadData(data, {
      blockSize: 1024 * 1024,
      maxSingleShotSize: 1024 * 1024,
      concurrency: 2
    })
    const ops = server.requests.map(r => r.operation)
    expect(ops.filter(op => op === 'blob-block')).toHaveLength(4)
    expect(ops).toContain('blob-blocklist')
    expect(ops).not.toContain('blob-put')

    const finalized = await twirp('FinalizeCacheEntryUpload', {
      key: 'big',
      version: 'v',
      size_bytes: String(data.length)
    })
    expect(finalized.json).toEqual({ ok: true, entry_id: expect.any(String) })
    const found = await twirp('GetCacheEntryDownloadURL', { key: 'big', version: 'v' })
    const download = await fetch(String(found.json.signed_download_url))
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true)
  })

  it('matches the key exactly, then restore-key prefixes newest first, only for the same version', async () => {
    await server.putArchive('p-2026-W47', 'v', Buffer.from('old'))
    await server.putArchive('p-2026-W48', 'v', Buffer.from('new'))
    await server.putArchive('p-2026-W49', 'other-version', Buffer.from('x'))
    const lookup = (key: string, restore_keys: string[]) =>
      twirp('GetCacheEntryDownloadURL', { key, restore_keys, version: 'v' }).then(r => r.json)
    expect(await lookup('p-2026-W47', ['p-'])).toMatchObject({
      ok: true,
      matched_key: 'p-2026-W47'
    })
    expect(await lookup('p-2026-W49', ['p-'])).toMatchObject({
      ok: true,
      matched_key: 'p-2026-W48'
    })
    expect(await lookup('q-2026-W49', ['q-'])).toMatchObject({ ok: false })
  })

  it('refuses a second entry for the same key and version (no overwrite)', async () => {
    await twirp('CreateCacheEntry', { key: 'k', version: 'v' })
    expect((await twirp('CreateCacheEntry', { key: 'k', version: 'v' })).status).toBe(409)
  })

  it('fails every call with a twirp JSON body in fail modes, never 5xx', async () => {
    server.failMode = 'badrequest-400'
    const answer = await twirp('GetCacheEntryDownloadURL', { key: 'k', version: 'v' })
    expect(answer).toEqual({
      status: 400,
      json: { code: 'invalid_argument', msg: expect.any(String) }
    })
    server.failMode = 'notfound-404'
    expect((await twirp('CreateCacheEntry', { key: 'k', version: 'v' })).status).toBe(404)
  })

  it('gives the client the environment that selects service v2', () => {
    const env = envFor(server, '/tmp/runner-temp')
    expect(env).toMatchObject({
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: server.url,
      RUNNER_TEMP: '/tmp/runner-temp',
      GITHUB_SERVER_URL: 'https://github.com'
    })
    expect(env.ACTIONS_RUNTIME_TOKEN.split('.')).toHaveLength(3)
  })
})
