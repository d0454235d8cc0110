import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  createRepo,
  createUpstreamRoot,
  fixtureGit,
  removeUpstreamRoot,
  revParse
} from '../../testkit/git-fixtures.js'
import { startGitServer } from '../../testkit/git-server.js'
import {
  authorizedKeysLine,
  parseOpenSshVersion,
  randomLoopbackHost,
  shellQuote,
  sshdConfig,
  sshdStartFailure,
  startSshServer,
  type SshServer
} from '../../testkit/ssh-server.js'
import { git, run } from './run.js'

// Real processes on a shared 2-core machine: bounds that mean "hung", not "slow".
jest.setTimeout(60_000)
describe('ssh server: pure parts', () => {
  it('picks loopback addresses 127.0.0.2 to 127.0.0.254, never 127.0.0.1', () => {
    expect(randomLoopbackHost(() => 0)).toBe('127.0.0.2')
    expect(randomLoopbackHost(() => 0.999999)).toBe('127.0.0.254')
  })

  it('writes a key-only config for one address on port 22 and one user', () => {
    const config = sshdConfig({
      host: '127.0.0.9',
      hostKey: '/k/host',
      authorizedKeys: '/k/auth',
      user: 'git',
      version: [9, 2]
    })
    expect(config).toMatch(/^ListenAddress 127\.0\.0\.9:22$/m)
    expect(config).toMatch(/^AuthenticationMethods publickey$/m)
    expect(config).toMatch(/^PasswordAuthentication no$/m)
    expect(config).toMatch(/^KbdInteractiveAuthentication no$/m)
    expect(config).toMatch(/^AllowUsers git$/m)
    expect(config).not.toMatch(/PerSourcePenalties/)
    const newer = sshdConfig({
      host: '127.0.0.9',
      hostKey: '/k/host',
      authorizedKeys: '/k/auth',
      user: 'git',
      version: [10, 0]
    })
    expect(newer).toMatch(/^PerSourcePenalties no$/m)
  })

  it('forces a command on the authorized key; quotes words for sh', () => {
    expect(authorizedKeysLine('ssh-ed25519 AAAA c\n', '/t/serve.sh')).toBe(
      'command="/t/serve.sh",restrict ssh-ed25519 AAAA c\n'
    )
    expect(() => authorizedKeysLine('ssh-ed25519 AAAA', '/t/"x')).toThrow(/cannot be quoted/)
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`)
  })

  it('reads the OpenSSH version and tells a taken address from other start failures', () => {
    expect(parseOpenSshVersion('OpenSSH_9.2p1 Debian-2, OpenSSL 3.0')).toEqual([9, 2])
    expect(parseOpenSshVersion('nonsense')).toBeUndefined()
    expect(
      sshdStartFailure('error: Bind to port 22 on 127.0.0.5 failed: Address already in use.')
    ).toBe('address-in-use')
    expect(sshdStartFailure('/k/host: Permission denied')).toBe('other')
  })
})

describe('ssh server: git over a real sshd', () => {
  let upstream: string
  let scratch: string
  let server: SshServer
  let mainSha: string
  let clientKeyFile: string
  let otherKeyFile: string
  let knownHosts: string
  let emptyKnownHosts: string
  let counter = 0

  beforeAll(async () => {
    upstream = createUpstreamRoot()
    const repo = createRepo(upstream, 'Acme', 'App', { 'hello.txt': 'hello over ssh\n' })
    mainSha = revParse(repo, 'main')
    server = await startSshServer({ root: upstream })
    scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-ssh-test-'))
    clientKeyFile = path.join(scratch, 'client_key')
    otherKeyFile = path.join(scratch, 'other_key')
    knownHosts = path.join(scratch, 'known_hosts')
    emptyKnownHosts = path.join(scratch, 'empty_known_hosts')
    writeFileSync(clientKeyFile, server.clientKey.privateKey, { mode: 0o600 })
    writeFileSync(otherKeyFile, server.otherKey.privateKey, { mode: 0o600 })
    writeFileSync(knownHosts, `${server.hostKeyLine}\n`)
    writeFileSync(emptyKnownHosts, '')
  })

  afterAll(async () => {
    await server?.stop()
    removeUpstreamRoot(upstream)
    rmSync(scratch, { recursive: true, force: true })
  })

  /** ssh options of a git client; -F and the global file keep the machine's config out. */
  function sshArgs(key: string, known: string, strict: 'yes' | 'no'): string[] {
    return [
      '-F',
      '/dev/null',
      '-i',
      key,
      '-o',
      `UserKnownHostsFile=${known}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      `StrictHostKeyChecking=${strict}`,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes'
    ]
  }

  const sshEnv = (key: string, known: string, strict: 'yes' | 'no' = 'yes') => ({
    GIT_SSH_COMMAND: ['ssh', ...sshArgs(key, known, strict)].join(' ')
  })

  const clone = (url: string, env: NodeJS.ProcessEnv) =>
    run('git', ['clone', '--quiet', url, path.join(scratch, `clone-${++counter}`)], { env })

  it('listens on port 22 of its own loopback address and names the git@host:owner/name URL', () => {
    expect(server.host).toMatch(/^127\.0\.0\.(\d+)$/)
    expect(server.host).not.toBe('127.0.0.1')
    expect(server.user).toBe('git')
    expect(server.repoUrl('acme', 'app')).toBe(`git@${server.host}:acme/app.git`)
    expect(server.hostKeyLine).toMatch(new RegExp(`^${server.host} ssh-ed25519 \\S+$`))
    expect(server.clientKey.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/)
  })

  it('(a) clones with the client key, strict host checking and hostKeyLine', async () => {
    const before = server.connections()
    const target = path.join(scratch, 'a')
    // Spelled differently from the directories on disk (Acme/App.git): matched ignoring case.
    const result = await run('git', ['clone', '--quiet', server.repoUrl('ACME', 'app'), target], {
      env: sshEnv(clientKeyFile, knownHosts)
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(target, 'hello.txt'), 'utf8')).toBe('hello over ssh\n')
    expect(await git(['rev-parse', 'HEAD'], { cwd: target })).toBe(mainSha)
    expect(server.connections()).toBe(before + 1)
  })

  it('(b) refuses a key it does not know, and offers no method but publickey', async () => {
    const before = server.connections()
    const refused = await clone(server.repoUrl('acme', 'app'), sshEnv(otherKeyFile, knownHosts))
    expect(refused.code).not.toBe(0)
    // The parenthesized list is every method the server still offers.
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/)
    const withPassword = await run('ssh', [
      ...sshArgs(otherKeyFile, knownHosts, 'yes'),
      '-o',
      'PreferredAuthentications=password,keyboard-interactive',
      `git@${server.host}`,
      'true'
    ])
    expect(withPassword.code).toBe(255)
    expect(withPassword.stderr).toMatch(/Permission denied \(publickey\)/)
    expect(server.connections()).toBe(before)
  })

  it('(c) strict host checking fails on an empty known_hosts; StrictHostKeyChecking=no works', async () => {
    const strict = await clone(
      server.repoUrl('acme', 'app'),
      sshEnv(clientKeyFile, emptyKnownHosts)
    )
    expect(strict.code).not.toBe(0)
    expect(strict.stderr).toMatch(/Host key verification failed/)
    // A line for this address with another key is a changed host key, not a match.
    const wrongLine = path.join(scratch, 'wrong_known_hosts')
    writeFileSync(wrongLine, `${server.host} ${server.otherKey.publicKey}\n`)
    const wrong = await clone(server.repoUrl('acme', 'app'), sshEnv(clientKeyFile, wrongLine))
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/Host key verification failed/)

    const accepting = path.join(scratch, 'accepting_known_hosts')
    writeFileSync(accepting, '')
    const relaxed = await clone(
      server.repoUrl('acme', 'app'),
      sshEnv(clientKeyFile, accepting, 'no')
    )
    expect(relaxed.code).toBe(0)
  })

  it('serves upload-pack only, and only <owner>/<name> under root', async () => {
    const ssh = (command: string) =>
      run('ssh', [...sshArgs(clientKeyFile, knownHosts, 'yes'), `git@${server.host}`, command])
    const push = await ssh(`git-receive-pack 'acme/app.git'`)
    expect(push.code).not.toBe(0)
    expect(push.stderr).toMatch(/serves git-upload-pack only/)
    const shell = await ssh('cat /etc/passwd')
    expect(shell.code).not.toBe(0)
    expect(shell.stdout).toBe('')
    const outsideRoot = ['../etc', 'acme/../../etc', 'acme', 'nobody/app.git', 'acme/..']
    for (const result of await Promise.all(
      outsideRoot.map(request => ssh(`git-upload-pack '${request}'`))
    )) {
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(/Repository not found/)
    }
    // The same request through the git client, as the action would see it.
    const missing = await clone(server.repoUrl('acme', 'nope'), sshEnv(clientKeyFile, knownHosts))
    expect(missing.stderr).toMatch(/Repository not found/)
    // Absolute-looking paths (ssh://git@host/owner/name.git) resolve under root too.
    const absolute = await ssh(`git-upload-pack '/acme/app.git'`)
    expect(absolute.stdout).toContain(mainSha)
  })

  it('speaks protocol v2 and serves partial clones, whatever the repository config says', async () => {
    const traced = await run('git', ['ls-remote', server.repoUrl('acme', 'app')], {
      env: { ...sshEnv(clientKeyFile, knownHosts), GIT_TRACE_PACKET: '1' }
    })
    expect(traced.code).toBe(0)
    expect(traced.stderr).toMatch(/< version 2$/m)

    fixtureGit(path.join(upstream, 'Acme', 'App.git'), [
      'config',
      '--unset-all',
      'uploadpack.allowFilter'
    ])
    const dir = path.join(scratch, 'partial')
    await git(
      [
        'clone',
        '--quiet',
        '--no-checkout',
        '--filter=blob:none',
        server.repoUrl('acme', 'app'),
        dir
      ],
      {
        env: sshEnv(clientKeyFile, knownHosts)
      }
    )
    const missing = await git(['rev-list', '--objects', '--all', '--missing=print'], { cwd: dir })
    expect(missing).toMatch(/^\?/m)
    await git(['checkout', '--quiet', 'main'], { cwd: dir, env: sshEnv(clientKeyFile, knownHosts) })
    expect(readFileSync(path.join(dir, 'hello.txt'), 'utf8')).toBe('hello over ssh\n')
  })

  it('pairs with the HTTP git server on the same address (github-server-url → SSH host)', async () => {
    const http = await startGitServer({ root: upstream, host: server.host })
    try {
      expect(new URL(http.url).hostname).toBe(server.host)
      const overHttp = await git(['ls-remote', http.repoUrl('acme', 'app'), 'refs/heads/main'])
      const overSsh = await git(['ls-remote', server.repoUrl('acme', 'app'), 'refs/heads/main'], {
        env: sshEnv(clientKeyFile, knownHosts)
      })
      expect(overSsh).toBe(overHttp)
      expect(overSsh).toContain(mainSha)
    } finally {
      await http.stop()
    }
  })

  it('moves to another address when port 22 of the chosen one is taken; stop ends sshd', async () => {
    const tried: string[] = []
    const second = await startSshServer({
      root: upstream,
      pickHost: () => {
        const host = tried.length === 0 ? server.host : randomLoopbackHost()
        tried.push(host)
        return host
      }
    })
    expect(tried[0]).toBe(server.host)
    expect(second.host).toBe(tried[tried.length - 1])
    expect(second.host).not.toBe(server.host)
    await second.stop()
    const refused = await new Promise<string>(resolve => {
      const socket = net.connect(22, second.host)
      socket.once('connect', () => {
        socket.destroy()
        resolve('connected')
      })
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
    })
    expect(refused).toBe('ECONNREFUSED')
  })
})
