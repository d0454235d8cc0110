/**
 * A local stand-in for the GitHub Actions cache service v2, as @actions/cache 6.x speaks it
 * (read from node_modules/@actions/cache/lib, see "Toolkit facts" in ANCHORS.md):
 *
 * - twirp JSON POSTs `/twirp/github.actions.results.api.v1.CacheService/<Method>` with proto
 *   field names: CreateCacheEntry {key, version} → {ok, signed_upload_url};
 *   FinalizeCacheEntryUpload {key, version, size_bytes} → {ok, entry_id};
 *   GetCacheEntryDownloadURL {key, restore_keys, version} → {ok, signed_download_url, matched_key}.
 *   Lookup: each of [key, ...restore_keys] in order, an exact key match first, else the newest
 *   finalized entry whose key starts with it; always the same `version` (the client derives it
 *   from the path strings and the compression method).
 * - uploads through the Azure storage SDK against the signed URL (path style, because the host
 *   is an IP): one `PUT` with `x-ms-blob-type: BlockBlob` up to 128 MiB, else
 *   `PUT ?comp=block&blockid=…` per block and `PUT ?comp=blocklist` (XML) to commit;
 * - downloads: a plain `GET` of the signed URL (the host is not *.blob.core.windows.net, so the
 *   client uses its http-client path and checks Content-Length).
 *
 * How the client picks this service (all read from process.env at call time, not at import):
 * `ACTIONS_CACHE_SERVICE_V2` non-empty and `GITHUB_SERVER_URL` github.com / *.ghe.com /
 * *.localhost (anything else counts as GHES and forces v1); `ACTIONS_RESULTS_URL` is the base
 * URL (trailing slash); `ACTIONS_RUNTIME_TOKEN` must be non-empty (sent as a Bearer token, never
 * decoded — @actions/cache 6.3.0 does not parse it as a JWT). `RUNNER_TEMP` holds the archive,
 * `GITHUB_WORKSPACE` (else cwd) is the tar root. Errors are twirp JSON bodies with 4xx statuses:
 * the client retries 5xx and unparseable bodies (3 s, 4.5 s, … back-off), so tests never get them.
 */
import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type FailMode = 'none' | 'notfound-404' | 'badrequest-400'

export interface CacheEntry {
  id: number
  key: string
  version: string
  /** Creation order; lookups by prefix prefer the highest. */
  sequence: number
  finalized: boolean
  file: string
  blocks: Map<string, Buffer>
}

export interface LoggedRequest {
  method: string
  /** Twirp method name, or `blob-put`, `blob-block`, `blob-blocklist`, `blob-get`, `blob-head`. */
  operation: string
  path: string
  status: number
  authorization?: string
}

export interface CacheServer {
  /** Base URL for ACTIONS_RESULTS_URL, with the trailing slash the client expects. */
  readonly url: string
  readonly storageDir: string
  /** Set at any time: every call (twirp and blob) answers with this status from then on. */
  failMode: FailMode
  readonly requests: LoggedRequest[]
  /** Finalized entries, newest first. */
  entries(): CacheEntry[]
  /** Path of the stored archive of the newest finalized entry with exactly this key. */
  archivePath(key: string): string | undefined
  /** Truncates the stored archive of `key` to half its size (a torn upload or a disk fault). */
  corrupt(key: string): Promise<void>
  /** Stores `archive` as a finalized entry, as if a client had saved it. */
  putArchive(key: string, version: string, archive: Buffer): Promise<CacheEntry>
  stop(): Promise<void>
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/'
const BLOB_PREFIX = '/blob/devstoreaccount1/cache/'

export async function startCacheServer(): Promise<CacheServer> {
  const storageDir = await mkdtemp(join(tmpdir(), 'cache-server-'))
  const entries: CacheEntry[] = []
  const requests: LoggedRequest[] = []
  let nextId = 1
  let sequence = 0
  let url = ''

  const newestFinalized = (match: (entry: CacheEntry) => boolean): CacheEntry | undefined =>
    entries
      .filter(entry => entry.finalized && match(entry))
      .sort((a, b) => b.sequence - a.sequence)[0]

  const lookup = (keys: string[], version: string): CacheEntry | undefined => {
    for (const candidate of keys) {
      const sameVersion = (entry: CacheEntry): boolean => entry.version === version
      const exact = newestFinalized(e => sameVersion(e) && e.key === candidate)
      if (exact) return exact
      const prefixed = newestFinalized(e => sameVersion(e) && e.key.startsWith(candidate))
      if (prefixed) return prefixed
    }
    return undefined
  }

  const blobUrl = (entry: CacheEntry): string =>
    `${url}${BLOB_PREFIX.slice(1)}${entry.id}?sv=2025-01-05&sig=local-signature-${entry.id}`

  async function twirp(method: string, body: Record<string, unknown>): Promise<[number, object]> {
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    if (!key || !version)
      return [400, twirpError('invalid_argument', 'key and version are required')]
    switch (method) {
      case 'CreateCacheEntry': {
        const taken = entries.find(e => e.key === key && e.version === version)
        if (taken) return [409, twirpError('already_exists', `cache entry ${key} already exists`)]
        const id = nextId++
        const entry: CacheEntry = {
          id,
          key,
          version,
          sequence: sequence++,
          finalized: false,
          file: join(storageDir, `${id}.archive`),
          blocks: new Map()
        }
        entries.push(entry)
        return [200, { ok: true, signed_upload_url: blobUrl(entry) }]
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.find(e => e.key === key && e.version === version && !e.finalized)
        if (!entry) return [404, twirpError('not_found', `no upload in progress for ${key}`)]
        const size = await stat(entry.file).then(
          s => s.size,
          () => -1
        )
        if (size !== Number(body.size_bytes)) {
          return [
            400,
            twirpError('invalid_argument', `size ${body.size_bytes} != uploaded ${size}`)
          ]
        }
        entry.finalized = true
        return [200, { ok: true, entry_id: String(entry.id) }]
      }
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : []
        const entry = lookup([key, ...restoreKeys], version)
        // The real service answers a miss with ok: false (HTTP 200), not with an error.
        if (!entry) return [200, { ok: false, signed_download_url: '', matched_key: '' }]
        return [200, { ok: true, signed_download_url: blobUrl(entry), matched_key: entry.key }]
      }
      default:
        return [404, twirpError('bad_route', `no handler for ${method}`)]
    }
  }

  async function blob(
    request: IncomingMessage,
    response: ServerResponse,
    entry: CacheEntry,
    query: URLSearchParams
  ): Promise<[string, number]> {
    const azureHeaders = {
      ETag: `"0x${entry.id.toString(16)}"`,
      'Last-Modified': new Date().toUTCString(),
      'x-ms-request-id': `request-${entry.id}`,
      'x-ms-version': '2025-01-05',
      'x-ms-request-server-encrypted': 'true'
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      const operation = request.method === 'GET' ? 'blob-get' : 'blob-head'
      if (!entry.finalized) return [operation, end(response, 404, 'BlobNotFound')]
      const size = (await stat(entry.file)).size
      response.writeHead(200, {
        ...azureHeaders,
        'Content-Type': 'application/octet-stream',
        'Content-Length': size,
        'x-ms-blob-type': 'BlockBlob'
      })
      if (request.method === 'HEAD') response.end()
      else createReadStream(entry.file).pipe(response)
      return [operation, 200]
    }
    if (request.method !== 'PUT' || entry.finalized) {
      return ['blob-other', end(response, 409, 'BlobAlreadyFinalized')]
    }
    const body = await readBody(request)
    const comp = query.get('comp')
    if (comp === 'block') {
      entry.blocks.set(query.get('blockid') ?? '', body)
      response.writeHead(201, azureHeaders).end()
      return ['blob-block', 201]
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)</g)]
      const parts = ids.map(([, , id]) => entry.blocks.get(id))
      if (parts.some(part => part === undefined)) {
        return ['blob-blocklist', end(response, 400, 'InvalidBlockList')]
      }
      await writeFile(entry.file, Buffer.concat(parts as Buffer[]))
      entry.blocks.clear()
      response.writeHead(201, azureHeaders).end()
      return ['blob-blocklist', 201]
    }
    await writeFile(entry.file, body)
    response.writeHead(201, azureHeaders).end()
    return ['blob-put', 201]
  }

  const server = createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://127.0.0.1')
    const logged: LoggedRequest = {
      method: request.method ?? '',
      operation: 'unknown',
      path: target.pathname,
      status: 0,
      authorization: request.headers.authorization
    }
    requests.push(logged)
    const handle = async (): Promise<void> => {
      if (target.pathname.startsWith(TWIRP_PREFIX)) {
        logged.operation = target.pathname.slice(TWIRP_PREFIX.length)
        const forced = forcedFailure(api.failMode)
        if (forced) {
          await readBody(request)
          logged.status = sendJson(response, forced[0], forced[1])
          return
        }
        const text = (await readBody(request)).toString('utf8')
        const [status, payload] = await twirp(logged.operation, JSON.parse(text || '{}'))
        logged.status = sendJson(response, status, payload)
        return
      }
      if (target.pathname.startsWith(BLOB_PREFIX)) {
        logged.operation = `blob-${(request.method ?? '').toLowerCase()}`
        const forced = forcedFailure(api.failMode)
        const entry = entries.find(e => String(e.id) === target.pathname.slice(BLOB_PREFIX.length))
        if (forced || !entry) {
          await readBody(request)
          logged.status = end(response, forced?.[0] ?? 404, 'BlobNotFound')
          return
        }
        ;[logged.operation, logged.status] = await blob(
          request,
          response,
          entry,
          target.searchParams
        )
        return
      }
      logged.status = end(response, 404, 'NoSuchRoute')
    }
    handle().catch(error => {
      logged.status = 400
      if (!response.headersSent) sendJson(response, 400, twirpError('internal', String(error)))
      else response.destroy()
    })
  })

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  const api: CacheServer = {
    get url() {
      return url
    },
    storageDir,
    failMode: 'none',
    requests,
    entries: () => entries.filter(entry => entry.finalized).sort((a, b) => b.sequence - a.sequence),
    archivePath: key => newestFinalized(entry => entry.key === key)?.file,
    async corrupt(key) {
      const file = api.archivePath(key)
      if (!file) throw new Error(`cache server: no entry with key ${key} to corrupt`)
      await truncate(file, Math.floor((await stat(file)).size / 2))
    },
    async putArchive(key, version, archive) {
      const id = nextId++
      const entry: CacheEntry = {
        id,
        key,
        version,
        sequence: sequence++,
        finalized: true,
        file: join(storageDir, `${id}.archive`),
        blocks: new Map()
      }
      await writeFile(entry.file, archive)
      entries.push(entry)
      return entry
    },
    async stop() {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
      await rm(storageDir, { recursive: true, force: true })
    }
  }
  return api
}

/**
 * The environment @actions/cache needs to talk to `server` through service v2. `runnerTemp` is
 * where the client stages archives (it falls back to /home/actions/temp when unset).
 */
export function envFor(server: CacheServer, runnerTemp?: string): Record<string, string> {
  return {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: server.url,
    // Any non-empty value works (the client only sends it as a Bearer token); JWT-shaped so
    // nothing breaks should a future client start decoding it.
    ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
    GITHUB_SERVER_URL: 'https://github.com',
    ...(runnerTemp ? { RUNNER_TEMP: runnerTemp } : {})
  }
}

function fakeRuntimeToken(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const scopes = 'Actions.Results:local-run:local-job'
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: scopes, ac: '[]' })}.local`
}

function twirpError(code: string, msg: string): object {
  return { code, msg }
}

function forcedFailure(mode: FailMode): [number, object] | undefined {
  if (mode === 'notfound-404') return [404, twirpError('not_found', 'forced by failMode')]
  if (mode === 'badrequest-400') return [400, twirpError('invalid_argument', 'forced by failMode')]
  return undefined
}

function sendJson(response: ServerResponse, status: number, payload: object): number {
  const body = JSON.stringify(payload)
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body)
  })
  response.end(body)
  return status
}

function end(response: ServerResponse, status: number, code: string): number {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`
  response.writeHead(status, { 'Content-Type': 'application/xml', 'x-ms-error-code': code })
  response.end(body)
  return status
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Reads a stored archive (tests grep it after decompressing). */
export async function readArchive(server: CacheServer, key: string): Promise<Buffer> {
  const file = server.archivePath(key)
  if (!file) throw new Error(`cache server: no entry with key ${key}`)
  return readFile(file)
}
