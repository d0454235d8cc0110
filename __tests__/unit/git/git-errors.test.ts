/**
 * What a failed git command means (§7): a hint a user can act on, and whether it is worth another
 * try — only network trouble is; a refused credential, a missing repository or ref never is.
 * The stderr samples come from real git talking to the loopback test server, plus messages git
 * prints in situations a test cannot stage here (DNS, TLS, SSH, GitHub's own wording).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  createRepo,
  createUpstreamRoot,
  fixtureGitEnv,
  removeUpstreamRoot
} from '../../../testkit/git-fixtures.js'
import { startGitServer, type GitServer } from '../../../testkit/git-server.js'
import { localGitEnv, remoteGitEnv, tokenSecrets, type RemoteAuth } from '../../../src/git/env.js'
import { failureHint, GitError, isTransientFailure, redact } from '../../../src/git/git.js'
import { run } from '../../testkit/run.js'

const TOKEN = 'ghs_testtoken0123456789'

const HINT = {
  refused:
    'The server refused the credentials: check that the token (or ssh-key) is valid and may read this repository.',
  missing:
    'The server has no such repository, or the credentials cannot see it: check the repository name and the token.',
  stalled: 'The transfer stalled: the server sent almost nothing for too long, so git gave up.',
  unreachable: "The server could not be reached: check the server URL and the runner's network."
}

describe('stderr of real git against the test server', () => {
  let upstream: string
  let scratch: string
  let server: GitServer
  let slow: GitServer
  let cut: GitServer
  let gone: string
  const samples: Record<string, string> = {}

  /** Runs a remote git command the way the action does (credentials in the environment). */
  async function stderrOf(args: string[], auth: RemoteAuth, stallSeconds = 30): Promise<string> {
    const local = localGitEnv(fixtureGitEnv, { safeDirectories: [], ceiling: scratch })
    const env = remoteGitEnv(local, auth, { limitBytes: 1000, seconds: stallSeconds })
    const result = await run('git', args, { cwd: scratch, env })
    expect(result.code).not.toBe(0)
    expect(result.ms).toBeLessThan(20_000) // does not hang
    return result.stderr
  }
  const token = (url: string, value = TOKEN): RemoteAuth => ({
    kind: 'token',
    serverUrl: url,
    token: value
  })

  beforeAll(async () => {
    upstream = createUpstreamRoot()
    createRepo(upstream, 'acme', 'app')
    // Incompressible, so its pack is far larger than the cut below.
    createRepo(upstream, 'acme', 'big', { 'big.bin': randomBytes(256 * 1024) })
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-git-errors-'))
    mkdirSync(path.join(scratch, 'repo'))
    await run('git', ['init', '--quiet', path.join(scratch, 'repo')])
    server = await startGitServer({ root: upstream, token: TOKEN })
    slow = await startGitServer({ root: upstream, token: TOKEN })
    cut = await startGitServer({ root: upstream, token: TOKEN })
    const stopped = await startGitServer({ root: upstream, token: TOKEN })
    gone = stopped.url
    await stopped.stop()

    const repo = path.join(scratch, 'repo')
    const app = server.repoUrl('acme', 'app')
    slow.stall(true)
    cut.stallAfterBytes(4096)
    const [noToken, wrongToken, missingRepo, missingRef, refused, stalled, midPack, notARepo] =
      await Promise.all([
        stderrOf(['ls-remote', app], { kind: 'none' }),
        stderrOf(['ls-remote', app], token(server.url, 'wrong-token-value')),
        stderrOf(['ls-remote', server.repoUrl('acme', 'missing')], token(server.url)),
        stderrOf(
          ['-C', repo, 'fetch', app, 'refs/heads/nope:refs/remotes/origin/nope'],
          token(server.url)
        ),
        stderrOf(['ls-remote', `${gone}/acme/app`], token(gone)),
        stderrOf(['ls-remote', slow.repoUrl('acme', 'app')], token(slow.url), 1),
        stderrOf(
          ['-C', repo, 'fetch', cut.repoUrl('acme', 'big'), 'refs/heads/main'],
          token(cut.url),
          1
        ),
        stderrOf(['-C', repo, 'fetch', path.join(scratch, 'nowhere'), 'main'], { kind: 'none' })
      ])
    server.refuse(true)
    const unavailable = await stderrOf(['ls-remote', app], token(server.url))
    server.refuse(false)
    Object.assign(samples, {
      noToken,
      wrongToken,
      missingRepo,
      missingRef,
      refused,
      stalled,
      midPack,
      notARepo,
      unavailable
    })
  }, 60_000)

  afterAll(async () => {
    slow?.stall(false)
    cut?.stallAfterBytes(undefined)
    await Promise.all([server?.stop(), slow?.stop(), cut?.stop()])
    removeUpstreamRoot(upstream)
    rmSync(scratch, { recursive: true, force: true })
  })

  it('401 without a token: refused credentials, not retried', () => {
    expect(samples.noToken).toMatch(/could not read Username|401|Authentication failed/)
    expect(failureHint(samples.noToken)).toBe(HINT.refused)
    expect(isTransientFailure(samples.noToken)).toBe(false)
  })

  it('401 with a wrong token: refused credentials, not retried, token not in the output', () => {
    expect(failureHint(samples.wrongToken)).toBe(HINT.refused)
    expect(isTransientFailure(samples.wrongToken)).toBe(false)
    expect(samples.wrongToken).not.toContain('wrong-token-value')
  })

  it('a missing repository (404): says so, not retried', () => {
    expect(samples.missingRepo).toMatch(/not found|404/)
    expect(failureHint(samples.missingRepo)).toBe(HINT.missing)
    expect(isTransientFailure(samples.missingRepo)).toBe(false)
  })

  it("a missing ref (couldn't find remote ref): not retried, no misleading hint", () => {
    expect(samples.missingRef).toMatch(/couldn't find remote ref refs\/heads\/nope/)
    expect(failureHint(samples.missingRef)).toBeUndefined()
    expect(isTransientFailure(samples.missingRef)).toBe(false)
  })

  it('connection refused: unreachable, retried', () => {
    expect(samples.refused).toMatch(/Failed to connect|Connection refused|Could not connect/)
    expect(failureHint(samples.refused)).toBe(HINT.unreachable)
    expect(isTransientFailure(samples.refused)).toBe(true)
  })

  it('a server that never answers (Operation too slow): stalled, retried', () => {
    expect(samples.stalled).toMatch(/Operation too slow/)
    expect(failureHint(samples.stalled)).toBe(HINT.stalled)
    expect(isTransientFailure(samples.stalled)).toBe(true)
  })

  it('a transfer cut mid-pack (RPC failed, early EOF): retried', () => {
    expect(samples.midPack).toMatch(/RPC failed|early EOF|unexpected disconnect|Operation too slow/)
    expect(isTransientFailure(samples.midPack)).toBe(true)
    expect(failureHint(samples.midPack)).toMatch(/stalled|could not be reached/)
  })

  it('503 from the server: unreachable, retried', () => {
    expect(samples.unavailable).toMatch(/503/)
    expect(failureHint(samples.unavailable)).toBe(HINT.unreachable)
    expect(isTransientFailure(samples.unavailable)).toBe(true)
  })

  it('a local path that is no repository: not retried', () => {
    expect(samples.notARepo).toMatch(/does not appear to be a git repository/)
    expect(isTransientFailure(samples.notARepo)).toBe(false)
  })

  it('the test token never shows in any sample', () => {
    for (const text of Object.values(samples)) expect(text).not.toContain(TOKEN)
  })
})

describe('stderr git prints where a test cannot stage it', () => {
  const url = "'https://github.com/acme/app/'"
  const cases: [string, string, keyof typeof HINT | undefined, boolean][] = [
    [
      'GitHub 404',
      `remote: Repository not found.\nfatal: repository ${url} not found`,
      'missing',
      false
    ],
    [
      '403',
      `fatal: unable to access ${url}: The requested URL returned error: 403`,
      'refused',
      false
    ],
    [
      'bad password',
      `remote: Invalid username or password.\nfatal: Authentication failed for ${url}`,
      'refused',
      false
    ],
    [
      'RPC 401',
      'error: RPC failed; HTTP 401 curl 22 The requested URL returned error: 401',
      'refused',
      false
    ],
    [
      'RPC 404',
      'error: RPC failed; HTTP 404 curl 22 The requested URL returned error: 404',
      'missing',
      false
    ],
    [
      'not our ref',
      `fatal: remote error: upload-pack: not our ref ${'a'.repeat(40)}`,
      undefined,
      false
    ],
    [
      'unadvertised',
      `error: Server does not allow request for unadvertised object ${'a'.repeat(40)}`,
      undefined,
      false
    ],
    [
      'ssh key refused',
      'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'refused',
      false
    ],
    [
      'host key',
      'Host key verification failed.\nfatal: Could not read from remote repository.',
      'refused',
      false
    ],
    [
      'DNS',
      `fatal: unable to access ${url}: Could not resolve host: github.com`,
      'unreachable',
      true
    ],
    [
      'timeout',
      `fatal: unable to access ${url}: Failed to connect to github.com port 443 after 129 ms: Connection timed out`,
      'unreachable',
      true
    ],
    [
      'reset',
      `fatal: unable to access ${url}: Recv failure: Connection reset by peer`,
      'unreachable',
      true
    ],
    [
      '500',
      'error: RPC failed; HTTP 500 curl 22 The requested URL returned error: 500\nfatal: expected flush after ref listing',
      'unreachable',
      true
    ],
    [
      '502',
      `fatal: unable to access ${url}: The requested URL returned error: 502`,
      'unreachable',
      true
    ],
    [
      '504',
      `fatal: unable to access ${url}: The requested URL returned error: 504`,
      'unreachable',
      true
    ],
    [
      'TLS',
      'error: RPC failed; curl 56 GnuTLS recv error (-9): A TLS packet with unexpected length was received.\nfatal: early EOF\nfatal: index-pack failed',
      'unreachable',
      true
    ],
    [
      'HTTP/2',
      'error: RPC failed; curl 92 HTTP/2 stream 5 was not closed cleanly: CANCEL (err 8)\nfatal: the remote end hung up unexpectedly',
      'unreachable',
      true
    ],
    [
      'too slow',
      'error: RPC failed; curl 28 Operation too slow. Less than 1000 bytes/sec transferred the last 30 seconds\nfatal: early EOF',
      'stalled',
      true
    ],
    [
      'ssh refused',
      'ssh: connect to host github.com port 22: Connection refused\nfatal: Could not read from remote repository.',
      'unreachable',
      true
    ],
    [
      'ssh reset',
      'kex_exchange_identification: read: Connection reset by peer\nfatal: Could not read from remote repository.',
      'unreachable',
      true
    ],
    ['hung up', 'fatal: the remote end hung up unexpectedly', 'unreachable', true],
    [
      'local',
      'fatal: not a git repository (or any of the parent directories): .git',
      undefined,
      false
    ],
    ['empty', '', undefined, false]
  ]
  it.each(cases)('%s', (_name, stderr, hint, transient) => {
    expect(failureHint(stderr)).toBe(hint ? HINT[hint] : undefined)
    expect(isTransientFailure(stderr)).toBe(transient)
  })
})

describe('GitError', () => {
  it('names the command, the directory, the exit code, what git said and the hint', () => {
    const error = new GitError(
      ['fetch', 'origin'],
      '/srv/x',
      128,
      'fatal: unable to access: The requested URL returned error: 503\n'
    )
    expect(error.message).toBe(
      `git fetch origin failed in /srv/x (exit code 128): fatal: unable to access: The requested URL returned error: 503\n${HINT.unreachable}`
    )
    expect(error.name).toBe('GitError')
    expect(new GitError(['status'], '/x', 1, '').message).toBe(
      'git status failed in /x (exit code 1): (no output)'
    )
    expect(new GitError(['fetch'], '/x', null, '', 'killed by SIGTERM').message).toBe(
      'git fetch failed in /x (killed by SIGTERM): (no output)'
    )
  })
})

describe('redact', () => {
  it('replaces every occurrence of every secret, literally', () => {
    expect(redact('a tok b tok', ['tok', ''])).toBe('a *** b ***')
    expect(redact('x a.b*c y a.b*c', ['a.b*c'])).toBe('x *** y ***')
    expect(redact('a.bXc', ['a.b*c'])).toBe('a.bXc')
    expect(redact('nothing here', [])).toBe('nothing here')
  })
  it('covers the token in the forms it travels in', () => {
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
    const out = redact(`token=${TOKEN} ${header}`, tokenSecrets(TOKEN))
    expect(out).toBe('token=*** AUTHORIZATION: basic ***')
  })
})
