import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import os, { devNull } from 'node:os'
import path from 'node:path'
import {
  authHeaderEntry,
  basicCredential,
  isSecretVariable,
  localGitEnv,
  remoteGitEnv,
  serverOrigin,
  tokenSecrets,
  withConfigEntries,
  withoutSecrets
} from '../../../src/git/env.js'
import {
  prepareSshAccess,
  removeSshFiles,
  shellQuote,
  sshCommand,
  sshUrlOf
} from '../../../src/git/ssh.js'
import { repoIdOf } from '../../../src/repo/identity.js'

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-git-env-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The GIT_CONFIG_* list of an environment, in order. */
function configOf(env: NodeJS.ProcessEnv): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < Number(env.GIT_CONFIG_COUNT ?? 0); i++) {
    out.push([env[`GIT_CONFIG_KEY_${i}`] ?? '', env[`GIT_CONFIG_VALUE_${i}`] ?? ''])
  }
  return out
}

/** Real git in `env` (plus PATH and an isolated HOME), its stdout trimmed; '' on exit 1. */
function gitIn(env: NodeJS.ProcessEnv, cwd: string, args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1', ...env },
    encoding: 'utf8'
  })
  if (result.status !== 0 && result.status !== 1) throw new Error(result.stderr)
  return result.stdout.trim()
}

const TOKEN = 'ghs_0123456789abcdefSECRET'

/** What a job's environment may hold: secrets, redirections, and ordinary variables. */
const jobEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  GITHUB_REPOSITORY: 'acme/app',
  RUNNER_TEMP: '/tmp/runner',
  INPUT_TOKEN: TOKEN,
  'INPUT_SSH-KEY': '-----BEGIN OPENSSH PRIVATE KEY-----',
  input_lower: 'x',
  ACTIONS_RUNTIME_TOKEN: 'rt-secret',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
  ACTIONS_CACHE_URL: 'https://cache',
  STATE_lock: 'state',
  GITHUB_TOKEN: TOKEN,
  GH_TOKEN: TOKEN,
  SHARED_CHECKOUT_TOKEN: TOKEN,
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
  GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basicCredential(TOKEN)}`,
  GIT_CONFIG_PARAMETERS: "'core.hookspath'='/evil'",
  GIT_SSH_COMMAND: 'ssh -i /job/key',
  GIT_SSH: '/usr/bin/ssh',
  GIT_ASKPASS: '/bin/askpass',
  SSH_ASKPASS: '/bin/askpass',
  SSH_AUTH_SOCK: '/tmp/agent.sock',
  GIT_DIR: '/elsewhere/.git',
  GIT_WORK_TREE: '/elsewhere',
  GIT_INDEX_FILE: '/elsewhere/index',
  GIT_OBJECT_DIRECTORY: '/elsewhere/objects',
  GIT_ALTERNATE_OBJECT_DIRECTORIES: '/elsewhere/objects',
  GIT_COMMON_DIR: '/elsewhere',
  GIT_NAMESPACE: 'ns',
  GIT_REPLACE_REF_BASE: 'refs/evil/',
  GIT_SHALLOW_FILE: '/elsewhere/shallow',
  GIT_QUARANTINE_PATH: '/q',
  GIT_EXEC_PATH: '/evil/libexec',
  GIT_TEMPLATE_DIR: '/evil/templates',
  GIT_EXTERNAL_DIFF: '/evil/diff',
  GIT_PAGER: '/evil/pager',
  GIT_EDITOR: '/evil/editor',
  GIT_TRACE: '1',
  GIT_TRACE_PACKET: '1',
  GIT_TRACE_CURL: '/tmp/curl-trace',
  GIT_CURL_VERBOSE: '1'
}

const REMOVED = Object.keys(jobEnv).filter(
  name => !['PATH', 'HOME', 'GITHUB_REPOSITORY', 'RUNNER_TEMP'].includes(name)
)

describe('withoutSecrets: the start of every child environment', () => {
  it.each(REMOVED)('removes %s', name => {
    expect(withoutSecrets(jobEnv)[name]).toBeUndefined()
  })

  it('keeps ordinary variables, and does not change its input', () => {
    const before = { ...jobEnv }
    expect(withoutSecrets(jobEnv)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_REPOSITORY: 'acme/app',
      RUNNER_TEMP: '/tmp/runner'
    })
    expect(jobEnv).toEqual(before)
  })

  it('isSecretVariable: INPUT_/ACTIONS_/STATE_ in any case, GIT_CONFIG_* lists, tokens, ssh', () => {
    for (const name of [
      'INPUT_X',
      'input_x',
      'Actions_Y',
      'STATE_z',
      'GIT_CONFIG_KEY_12',
      'GIT_CONFIG_VALUE_0'
    ])
      expect([name, isSecretVariable(name)]).toEqual([name, true])
    for (const name of [
      'GITHUB_REPOSITORY',
      'GIT_CONFIG_NOSYSTEM',
      'GIT_CONFIG_KEY_x',
      'MY_INPUT_X',
      'PATH'
    ])
      expect([name, isSecretVariable(name)]).toEqual([name, false])
  })
})

describe('localGitEnv: for git processes that do not talk to the remote', () => {
  const local = localGitEnv(jobEnv, {
    safeDirectories: ['/srv/sc/h/acme/app/store', '/srv/sc/h/acme/app/trees/1'],
    ceiling: '/srv/sc/h/acme/app'
  })

  it('holds no credential of any kind', () => {
    const text = JSON.stringify(local)
    for (const secret of [
      TOKEN,
      basicCredential(TOKEN),
      'rt-secret',
      'oidc-secret',
      '/job/key',
      'agent.sock'
    ])
      expect([secret, text.includes(secret)]).toEqual([secret, false])
    expect(configOf(local).some(([key]) => /extraheader/i.test(key))).toBe(false)
    expect(local.GIT_SSH_COMMAND).toBeUndefined()
  })

  it('command-scope settings: hooks and fsmonitor off, safe.directory per command, no gc', () => {
    expect(configOf(local)).toEqual([
      ['core.hooksPath', devNull],
      ['core.fsmonitor', 'false'],
      ['gc.auto', '0'],
      ['maintenance.auto', 'false'],
      ['advice.detachedHead', 'false'],
      ['safe.directory', '/srv/sc/h/acme/app/store'],
      ['safe.directory', '/srv/sc/h/acme/app/trees/1']
    ])
  })

  it('nothing prompts, nothing replaces objects, LFS is explicit, no repository above the ceiling', () => {
    expect(local).toMatchObject({
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
      GIT_NO_REPLACE_OBJECTS: '1',
      GIT_LFS_SKIP_SMUDGE: '1',
      GIT_CEILING_DIRECTORIES: '/srv/sc/h/acme/app'
    })
  })

  it('platform settings come after ours; file:// only when asked for', () => {
    const env = localGitEnv(
      {},
      {
        safeDirectories: [],
        ceiling: '/c',
        platformConfig: [{ key: 'core.longpaths', value: 'true' }],
        allowFileProtocol: true
      }
    )
    expect(configOf(env).slice(-2)).toEqual([
      ['core.longpaths', 'true'],
      ['protocol.file.allow', 'always']
    ])
    expect(configOf(local).some(([key]) => key === 'protocol.file.allow')).toBe(false)
  })

  it('git obeys it over a config a job planted (command scope wins)', () => {
    const repo = path.join(scratch, 'planted')
    mkdirSync(repo)
    execFileSync('git', ['init', '--quiet', repo], {
      env: { PATH: process.env.PATH, HOME: scratch }
    })
    const configFile = path.join(repo, '.git', 'config')
    writeFileSync(
      configFile,
      `${readFileSync(configFile, 'utf8')}[core]\n\thooksPath = /tmp/evil\n\tfsmonitor = /tmp/evil-monitor\n`
    )
    const env = localGitEnv(
      { PATH: process.env.PATH },
      { safeDirectories: [repo], ceiling: scratch }
    )
    expect(gitIn(env, repo, ['config', '--get', 'core.hooksPath'])).toBe(devNull)
    expect(gitIn(env, repo, ['config', '--get', 'core.fsmonitor'])).toBe('false')
    expect(gitIn(env, repo, ['config', '--get-all', 'safe.directory'])).toBe(repo)
    // The job's own GIT_CONFIG_* list and GIT_CONFIG_PARAMETERS do not reach git.
    const fromJob = localGitEnv(
      {
        PATH: process.env.PATH,
        GIT_CONFIG_PARAMETERS: "'core.hookspath'='/evil'",
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'x.y',
        GIT_CONFIG_VALUE_0: 'z'
      },
      { safeDirectories: [], ceiling: scratch }
    )
    expect(gitIn(fromJob, repo, ['config', '--get', 'x.y'])).toBe('')
    expect(gitIn(fromJob, repo, ['config', '--get', 'core.hooksPath'])).toBe(devNull)
  })
})

describe('remoteGitEnv: credentials only for processes that talk to the remote', () => {
  const local = localGitEnv({ PATH: '/usr/bin' }, { safeDirectories: [], ceiling: '/c' })
  const stall = { limitBytes: 1000, seconds: 30 }

  it('token: the auth header scoped to the server origin (path prefix stripped), protocol v2, stall limits', () => {
    const env = remoteGitEnv(
      local,
      { kind: 'token', serverUrl: 'https://ghes.example.com:8443/prefix/', token: TOKEN },
      stall
    )
    const added = configOf(env).slice(configOf(local).length)
    expect(added).toEqual([
      ['protocol.version', '2'],
      ['http.lowSpeedLimit', '1000'],
      ['http.lowSpeedTime', '30'],
      [
        'http.https://ghes.example.com:8443/.extraheader',
        `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`
      ]
    ])
    expect(env.GIT_SSH_COMMAND).toBeUndefined()
    expect(configOf(local).some(([key]) => /extraheader/.test(key))).toBe(false) // input unchanged
  })

  it('git sends the header to the server only: not another host, port or scheme', () => {
    const env = remoteGitEnv(
      local,
      { kind: 'token', serverUrl: 'https://ghes.example.com/prefix', token: TOKEN },
      stall
    )
    const header = (url: string): string =>
      gitIn({ ...env, PATH: process.env.PATH }, scratch, [
        'config',
        '--get-urlmatch',
        'http.extraheader',
        url
      ])
    const expected = `AUTHORIZATION: basic ${basicCredential(TOKEN)}`
    expect(header('https://ghes.example.com/prefix/acme/app')).toBe(expected)
    expect(header('https://ghes.example.com/other/acme/app')).toBe(expected) // same origin
    expect(header('https://evil.example.com/prefix/acme/app')).toBe('')
    expect(header('https://ghes.example.com.evil.com/prefix/acme/app')).toBe('')
    expect(header('https://ghes.example.com:8443/prefix/acme/app')).toBe('')
    expect(header('http://ghes.example.com/prefix/acme/app')).toBe('')
  })

  it('ssh: GIT_SSH_COMMAND, no header; none: neither', () => {
    const ssh = remoteGitEnv(local, { kind: 'ssh', command: 'ssh -i /k' }, stall)
    expect(ssh.GIT_SSH_COMMAND).toBe('ssh -i /k')
    expect(configOf(ssh).some(([key]) => /extraheader/.test(key))).toBe(false)
    const none = remoteGitEnv(local, { kind: 'none' }, stall)
    expect(none.GIT_SSH_COMMAND).toBeUndefined()
    expect(configOf(none).some(([key]) => /extraheader/.test(key))).toBe(false)
  })

  it('serverOrigin and authHeaderEntry', () => {
    expect(serverOrigin('https://github.com/')).toBe('https://github.com')
    expect(serverOrigin('https://u:p@GitHub.com/x/y')).toBe('https://github.com')
    expect(serverOrigin('http://127.0.0.1:8080/git')).toBe('http://127.0.0.1:8080')
    expect(authHeaderEntry('https://github.com', 't').key).toBe(
      'http.https://github.com/.extraheader'
    )
  })
})

describe('tokenSecrets and withConfigEntries', () => {
  it('tokenSecrets: the token and its header encoding; nothing for no token', () => {
    expect(tokenSecrets(TOKEN)).toEqual([
      TOKEN,
      Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
    ])
    expect(tokenSecrets('')).toEqual([])
    expect(tokenSecrets(undefined)).toEqual([])
  })

  it('appends after an existing list, in order (git lets the last value win)', () => {
    const env = withConfigEntries(
      { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'runner' },
      [
        { key: 'gc.auto', value: '0' },
        { key: 'gc.auto', value: '6700' }
      ]
    )
    expect(configOf(env)).toEqual([
      ['user.name', 'runner'],
      ['gc.auto', '0'],
      ['gc.auto', '6700']
    ])
  })

  it('a missing or bogus count starts at 0; no entries still writes a count', () => {
    expect(
      configOf(withConfigEntries({ GIT_CONFIG_COUNT: 'x' }, [{ key: 'a.b', value: 'c' }]))
    ).toEqual([['a.b', 'c']])
    expect(withConfigEntries({}, []).GIT_CONFIG_COUNT).toBe('0')
  })
})

describe('ssh (§1 ssh-key): URL and command', () => {
  it('sshUrlOf: <user>@<host>:<owner>/<name>.git, no port, no path prefix', () => {
    expect(sshUrlOf(repoIdOf('https://github.com', 'Acme/App'), 'git')).toBe(
      'git@github.com:acme/app.git'
    )
    expect(sshUrlOf(repoIdOf('https://GHES.example.com:8443/prefix', 'a/b.git'), 'deploy')).toBe(
      'deploy@ghes.example.com:a/b.git'
    )
    expect(sshUrlOf(repoIdOf('http://127.0.0.5:8080', 'a/b'), 'git')).toBe('git@127.0.0.5:a/b.git')
  })

  it('shellQuote: one shell word, whatever the characters', () => {
    for (const value of ["it's", 'a b', '$(touch x)', '`x`', '"q"', "''", '', 'a\nb', '\\']) {
      const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })
      expect(out).toBe(value)
    }
  })

  describe('through real git and sh, with an ssh that records its arguments', () => {
    let bin: string
    let argsFile: string
    beforeAll(() => {
      bin = path.join(scratch, 'bin')
      mkdirSync(bin)
      argsFile = path.join(scratch, 'ssh-args')
      writeFileSync(
        path.join(bin, 'ssh'),
        `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${shellQuote(argsFile)}\nexit 1\n`
      )
      chmodSync(path.join(bin, 'ssh'), 0o755)
    })

    function sshArgsFor(command: string): string[] {
      rmSync(argsFile, { force: true })
      const env = remoteGitEnv(
        localGitEnv(
          { PATH: `${bin}:${process.env.PATH}`, HOME: scratch },
          { safeDirectories: [], ceiling: scratch }
        ),
        { kind: 'ssh', command },
        { limitBytes: 1, seconds: 5 }
      )
      spawnSync('git', ['ls-remote', 'git@host.example:acme/app.git'], {
        cwd: scratch,
        env,
        encoding: 'utf8'
      })
      return readFileSync(argsFile, 'utf8').split('\0').slice(0, -1)
    }

    it('paths with spaces, quotes and shell syntax arrive as single arguments; nothing runs', () => {
      const dir = path.join(scratch, `it's a "dir" $(touch pwned) \`touch pwned2\``)
      const key = path.join(dir, 'key')
      const known = path.join(dir, 'known hosts')
      const args = sshArgsFor(sshCommand(key, known, true))
      expect(args.slice(0, 2)).toEqual(['-i', key])
      expect(args).toContain(`UserKnownHostsFile=${known}`)
      expect(args).toEqual(
        expect.arrayContaining(['IdentitiesOnly=yes', 'IdentityAgent=none', 'BatchMode=yes'])
      )
      expect(args).toContain('StrictHostKeyChecking=yes')
      expect(args).toContain('git@host.example')
      expect(args[args.length - 1]).toMatch(/^git-upload-pack '?acme\/app\.git'?$/)
      expect(existsSync(path.join(scratch, 'pwned'))).toBe(false)
      expect(existsSync(path.join(scratch, 'pwned2'))).toBe(false)
    })

    it('ssh-strict: false turns host key checking off', () => {
      const args = sshArgsFor(sshCommand('/k', '/kh', false))
      expect(args).toContain('StrictHostKeyChecking=no')
      expect(args).not.toContain('StrictHostKeyChecking=yes')
    })
  })

  it('prepareSshAccess: key and known hosts owner-only in a private directory; removeSshFiles removes only it', () => {
    const runnerTemp = path.join(scratch, 'runner-temp')
    mkdirSync(runnerTemp)
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n'
    const access = prepareSshAccess(
      repoIdOf('https://github.com', 'acme/app'),
      { key, knownHosts: 'github.com ssh-ed25519 AAAA', strict: true, user: 'git' },
      runnerTemp
    )
    expect(path.dirname(access.directory)).toBe(runnerTemp)
    expect(statSync(access.directory).mode & 0o777).toBe(0o700)
    const keyFile = path.join(access.directory, 'key')
    expect(readFileSync(keyFile, 'utf8')).toBe(key)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(statSync(path.join(access.directory, 'known_hosts')).mode & 0o777).toBe(0o600)
    expect(access.url).toBe('git@github.com:acme/app.git')
    expect(access.auth.command).toBe(
      sshCommand(keyFile, path.join(access.directory, 'known_hosts'), true)
    )
    expect(access.auth.command).not.toContain('BEGIN')

    removeSshFiles(runnerTemp) // not one of ours: left alone
    expect(existsSync(runnerTemp)).toBe(true)
    removeSshFiles(access.directory)
    expect(existsSync(access.directory)).toBe(false)
  })
})
