/**
 * A real smart-HTTP git server for tests, demo and bench: Node's http server in front of
 * `git http-backend` (CGI), on a loopback address (127.0.0.1 unless told) with a random port. It
 * authenticates like GitHub (Basic x-access-token:TOKEN), serves `/<owner>/<name>.git` and
 * `/<owner>/<name>` case-insensitively, allows partial clones like GitHub, counts bytes sent,
 * records requests, can refuse, stall before answering or stop mid-response, and serves the
 * Git LFS batch API plus object downloads from `<bare>/lfs/objects/`.
 */
import { spawn } from 'node:child_process'
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

export interface GitServerOptions {
  /** Directory holding `<owner>/<name>.git` bare repositories. */
  root: string
  /** The token clients must present; undefined = no auth required. */
  token?: string
  /**
   * Loopback address to listen on (default 127.0.0.1). Pair with the SSH test server:
   * `startGitServer({ root, host: ssh.host })`, so `url` (the `github-server-url` of a test)
   * names the host that SSH URLs are built from.
   */
  host?: string
}

export interface RecordedRequest {
  method: string
  path: string
  /** git-upload-pack / git-receive-pack / lfs-batch / lfs-object, or '' */
  service: string
  status: number
  bytesSent: number
  /** Whether the request carried valid credentials. */
  authorized: boolean
}

export interface GitServer {
  /** http://<host>:<port> (no trailing slash) */
  url: string
  /** URL of a repository, GitHub style (no .git). */
  repoUrl(owner: string, name: string): string
  requests: RecordedRequest[]
  /** Response body bytes sent since start (or the last resetCounters). */
  totalBytesSent(): number
  resetCounters(): void
  /** Answer every request with 503 (and no retry-after) while on. */
  refuse(on: boolean): void
  /**
   * Hold every request that arrives while on, before reading it or sending anything (no status
   * line, no headers): "the server never answers". git's http.lowSpeedLimit/lowSpeedTime fire
   * on it. Turning it off answers the held requests normally.
   */
  stall(on: boolean): void
  /**
   * "The server stops mid-transfer": every response whose body is longer than `bytes` sends
   * its status, headers and first `bytes` body bytes, then holds the connection open without
   * sending more (shorter responses, e.g. a ref advertisement, pass whole). With `bytes` a
   * little below a pack's size, a fetch stops mid-pack and git's http.lowSpeedLimit/
   * lowSpeedTime fire. `undefined` turns it off and sends the rest of the held responses.
   * Applies to responses started while on; the record's bytesSent counts what was sent.
   */
  stallAfterBytes(bytes: number | undefined): void
  stop(): Promise<void>
}

interface RepoMatch {
  bare: string
  /** PATH_INFO prefix with the on-disk spelling, e.g. /Owner/Name.git */
  prefix: string
  rest: string
}

function findRepo(root: string, urlPath: string): RepoMatch | undefined {
  const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/.*)?$/.exec(urlPath)
  if (!match) return undefined
  const [, owner, name, rest = ''] = match
  const ownerDir = readdirSync(root).find(d => d.toLowerCase() === owner.toLowerCase())
  if (!ownerDir) return undefined
  const repoDir = readdirSync(path.join(root, ownerDir)).find(
    d => d.toLowerCase() === `${name.toLowerCase()}.git`
  )
  if (!repoDir) return undefined
  return { bare: path.join(root, ownerDir, repoDir), prefix: `/${ownerDir}/${repoDir}`, rest }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('close', () => resolve(Buffer.concat(chunks))) // client gone: nothing more will come
    req.on('error', reject)
  })
}

function lfsObjectPath(bare: string, oid: string): string {
  return path.join(bare, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid)
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const requests: RecordedRequest[] = []
  let total = 0
  let refusing = false
  let stalling = false
  const stalled: (() => void)[] = []
  let cutAfter: number | undefined
  /** Sends the remainder of each response held by stallAfterBytes. */
  const cut: (() => void)[] = []
  const expected = options.token
    ? Buffer.from(`x-access-token:${options.token}`).toString('base64')
    : undefined

  const server = http.createServer((req, res) => {
    // Recorded on arrival, so a stalled request is visible to the test that stalled it.
    const record = recordOf(req)
    requests.push(record)
    const go = (): void => {
      handle(req, res, record).catch(error => {
        if (!res.headersSent) res.writeHead(500)
        res.end(String(error))
      })
    }
    if (stalling) stalled.push(go)
    else go()
  })
  // Keep-alive sockets would hold stop() open.
  server.keepAliveTimeout = 1000

  let baseUrl = ''

  function recordOf(req: http.IncomingMessage): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const service =
      url.searchParams.get('service') ??
      (/\/(git-upload-pack|git-receive-pack)$/.exec(url.pathname)?.[1] ||
        (url.pathname.endsWith('/info/lfs/objects/batch')
          ? 'lfs-batch'
          : url.pathname.includes('/info/lfs/objects/')
            ? 'lfs-object'
            : ''))
    const auth = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    const authorized = expected === undefined || auth?.[1] === expected
    return {
      method: req.method ?? '',
      path: url.pathname,
      service,
      status: 0,
      bytesSent: 0,
      authorized
    }
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: RecordedRequest
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const { authorized } = record
    const send = (status: number, headers: http.OutgoingHttpHeaders, body: Buffer): void => {
      record.status = status
      res.writeHead(status, headers)
      const count = (bytes: number): void => {
        record.bytesSent += bytes
        total += bytes
      }
      if (cutAfter === undefined || body.length <= cutAfter) {
        count(body.length)
        res.end(body)
        return
      }
      const sent = cutAfter
      count(sent)
      res.write(body.subarray(0, sent))
      let clientGone = false
      res.once('close', () => (clientGone = true))
      cut.push(() => {
        if (clientGone) return
        count(body.length - sent)
        res.end(body.subarray(sent))
      })
    }
    const body = await readBody(req)
    if (refusing) return send(503, { 'content-type': 'text/plain' }, Buffer.from('refusing\n'))
    if (!authorized) {
      return send(
        401,
        { 'www-authenticate': 'Basic realm="test git server"', 'content-type': 'text/plain' },
        Buffer.from('authentication required\n')
      )
    }
    const repo = findRepo(options.root, url.pathname)
    if (!repo)
      return send(404, { 'content-type': 'text/plain' }, Buffer.from('no such repository\n'))

    if (repo.rest === '/info/lfs/objects/batch' && req.method === 'POST') {
      const request = JSON.parse(body.toString('utf8')) as {
        operation: string
        objects: { oid: string; size: number }[]
      }
      const objects = request.objects.map(o => {
        const file = lfsObjectPath(repo.bare, o.oid)
        if (request.operation !== 'download' || !existsSync(file)) {
          return { oid: o.oid, size: o.size, error: { code: 404, message: 'object not found' } }
        }
        return {
          oid: o.oid,
          size: statSync(file).size,
          authenticated: true,
          actions: { download: { href: `${baseUrl}${repo.prefix}/info/lfs/objects/${o.oid}` } }
        }
      })
      return send(
        200,
        { 'content-type': 'application/vnd.git-lfs+json' },
        Buffer.from(JSON.stringify({ transfer: 'basic', objects }))
      )
    }
    const lfsObject = /^\/info\/lfs\/objects\/([0-9a-f]{64})$/.exec(repo.rest)
    if (lfsObject && req.method === 'GET') {
      const file = lfsObjectPath(repo.bare, lfsObject[1])
      if (!existsSync(file)) return send(404, {}, Buffer.from('not found\n'))
      const size = statSync(file).size
      if (cutAfter !== undefined) {
        const type = { 'content-type': 'application/octet-stream', 'content-length': size }
        return send(200, type, readFileSync(file))
      }
      record.status = 200
      record.bytesSent = size
      total += size
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
      createReadStream(file).pipe(res)
      return
    }
    const out = await runBackend(req, url, repo, body)
    const { status, headers, payload } = parseCgi(out)
    send(status, headers, payload)
  }

  function runBackend(
    req: http.IncomingMessage,
    url: URL,
    repo: RepoMatch,
    body: Buffer
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        PATH_INFO: repo.prefix + repo.rest,
        // Like GitHub, whatever the repository's own config says (fixtures stay untouched).
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
        GIT_CONFIG_VALUE_0: 'true',
        GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
        GIT_CONFIG_VALUE_1: 'true',
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        SERVER_PROTOCOL: 'HTTP/1.1'
      }
      if (req.headers['content-encoding'])
        env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding'])
      if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol'])
      const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
      const chunks: Buffer[] = []
      child.stdout.on('data', (c: Buffer) => chunks.push(c))
      child.stderr.resume()
      child.on('error', reject)
      child.on('close', () => resolve(Buffer.concat(chunks)))
      child.stdin.on('error', () => {}) // backend may exit before reading everything
      child.stdin.end(body)
    })
  }

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: baseUrl,
    repoUrl: (owner, name) => `${baseUrl}/${owner}/${name}`,
    requests,
    totalBytesSent: () => total,
    resetCounters: () => {
      total = 0
      requests.length = 0
    },
    refuse: on => {
      refusing = on
    },
    stall: on => {
      stalling = on
      if (!on) for (const go of stalled.splice(0)) go()
    },
    stallAfterBytes: bytes => {
      cutAfter = bytes
      if (bytes === undefined) for (const rest of cut.splice(0)) rest()
    },
    stop: () =>
      new Promise<void>(resolve => {
        stalling = false
        cutAfter = undefined
        cut.length = 0
        for (const go of stalled.splice(0)) go()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

function parseCgi(out: Buffer): {
  status: number
  headers: http.OutgoingHttpHeaders
  payload: Buffer
} {
  let end = out.indexOf('\r\n\r\n')
  let sep = 4
  if (end < 0) {
    end = out.indexOf('\n\n')
    sep = 2
  }
  if (end < 0) return { status: 502, headers: {}, payload: out }
  const headers: http.OutgoingHttpHeaders = {}
  let status = 200
  for (const line of out.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'status') status = Number.parseInt(value, 10)
    else headers[name] = value
  }
  return { status, headers, payload: out.subarray(end + sep) }
}
