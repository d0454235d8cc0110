/**
 * SSH access (§1 `ssh-key`, `ssh-known-hosts`, `ssh-strict`, `ssh-user`), as actions/checkout:
 * with a key the remote is `<user>@<host>:<owner>/<name>.git`. The key and known hosts live
 * only in files under RUNNER_TEMP with mode 0600 for the job (removed in post and on failure)
 * and reach git through GIT_SSH_COMMAND in the environment of the commands that talk to the
 * remote — never argv of git, never a config file of the store or a tree (§3.4).
 *
 * What ssh reads besides our files is the machine owner's, never the runner user's: the user's
 * ~/.ssh/config and ~/.ssh/known_hosts are writable by every job on the machine, so a
 * ProxyCommand or a host key planted there would run code in, or redirect, the next job's fetch
 * (§3.6). ssh reads the system ssh_config (proxies, ciphers) as its only config file and the
 * system known hosts (/etc/ssh/ssh_known_hosts) besides ours.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { RepoId } from '../repo/identity.js'
import type { RemoteAuth } from './env.js'

export interface SshSettings {
  key: string
  knownHosts: string
  strict: boolean
  user: string
}

export interface SshAccess {
  url: string
  auth: Extract<RemoteAuth, { kind: 'ssh' }>
  /** The directory holding the key and known_hosts files (removed by `removeSshFiles`). */
  directory: string
  /** `host` of the SSH URL and the login user, for messages. */
  host: string
  user: string
}

/** Directory names `prepareSshAccess` creates under RUNNER_TEMP (post removes only these). */
export const SSH_DIRECTORY_PREFIX = 'shared-checkout-ssh-'

/** `git@github.com:owner/name.git` (the server URL's host, no port, no path prefix). Pure. */
export function sshUrlOf(repo: RepoId, user: string): string {
  return `${user}@${sshHostOf(repo)}:${repo.owner}/${repo.name}.git`
}

function sshHostOf(repo: RepoId): string {
  return new URL(repo.serverUrl).hostname
}

/** Quotes a path for the shell that runs GIT_SSH_COMMAND. Pure. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * The one config file ssh reads: the machine's system ssh_config when there is one, else none
 * (`-F` replaces both the user's and the system's files, so the system's is named explicitly).
 */
export function systemSshConfig(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = existsSync
): string {
  const file =
    platform === 'win32'
      ? path.win32.join(
          env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData',
          'ssh',
          'ssh_config'
        )
      : '/etc/ssh/ssh_config'
  return exists(file) ? file : 'none'
}

/**
 * The ssh command line: our key only, our known hosts (plus the system's) only, the system
 * config only, no agent, no prompts. `configFile` defaults to `systemSshConfig()`. Pure given it.
 */
export function sshCommand(
  keyFile: string,
  knownHostsFile: string,
  strict: boolean,
  configFile: string = systemSshConfig()
): string {
  return [
    'ssh',
    '-i',
    shellQuote(keyFile),
    '-F',
    shellQuote(configFile),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    `StrictHostKeyChecking=${strict ? 'yes' : 'no'}`,
    // As actions/checkout: with strict checking the host key decides, not the address's entry.
    ...(strict ? ['-o', 'CheckHostIP=no'] : []),
    '-o',
    `UserKnownHostsFile=${shellQuote(knownHostsFile)}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=4'
  ].join(' ')
}

/**
 * GitHub.com's published SSH host keys (https://api.github.com/meta), so that `ssh-key` alone
 * works against github.com with strict checking, as in actions/checkout. Fingerprints:
 * SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU (ED25519),
 * SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM (ECDSA).
 */
export const GITHUB_COM_HOST_KEYS = [
  'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
  'github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg='
]

/** The known_hosts file: the input's lines, plus GitHub.com's keys for github.com. Pure. */
export function knownHostsFile(knownHosts: string, host: string): string {
  const lines = knownHosts.split('\n').filter(line => line.trim() !== '')
  if (host.toLowerCase() === 'github.com') lines.push(...GITHUB_COM_HOST_KEYS)
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}

/** Writes the key files into a private directory under `runnerTemp` and returns the access. */
export function prepareSshAccess(
  repo: RepoId,
  settings: SshSettings,
  runnerTemp: string
): SshAccess {
  const directory = path.join(
    runnerTemp,
    `${SSH_DIRECTORY_PREFIX}${randomBytes(6).toString('hex')}`
  )
  mkdirSync(directory, { mode: 0o700, recursive: true })
  const keyFile = path.join(directory, 'key')
  const knownHostsPath = path.join(directory, 'known_hosts')
  const host = sshHostOf(repo)
  try {
    writeFileSync(keyFile, settings.key, { mode: 0o600, flag: 'wx' })
    writeFileSync(knownHostsPath, knownHostsFile(settings.knownHosts, host), {
      mode: 0o600,
      flag: 'wx'
    })
  } catch (error) {
    removeSshFiles(directory)
    throw error
  }
  return {
    url: sshUrlOf(repo, settings.user),
    auth: { kind: 'ssh', command: sshCommand(keyFile, knownHostsPath, settings.strict) },
    directory,
    host,
    user: settings.user
  }
}

export function removeSshFiles(directory: string): void {
  if (path.basename(directory).startsWith(SSH_DIRECTORY_PREFIX))
    rmSync(directory, { recursive: true, force: true })
}

/**
 * What went wrong over SSH, in the inputs' terms, for the failures ssh words in its own (git's
 * generic hint would blame the token). Undefined for anything else. Pure.
 */
export function sshFailureMessage(
  stderr: string,
  access: { host: string; user: string },
  repository: string
): string | undefined {
  if (
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i.test(
      stderr
    )
  )
    return (
      `SSH host key verification failed for ${access.host}: with ssh-strict: true the server's host key ` +
      `must be listed in ssh-known-hosts (or the machine's /etc/ssh/ssh_known_hosts), and it is not, or it ` +
      `differs. Add the server's key to ssh-known-hosts (\`ssh-keyscan ${access.host}\` prints it; check its ` +
      'fingerprint out of band), or set ssh-strict: false to accept any host key.'
    )
  if (/Permission denied \(publickey/i.test(stderr))
    return (
      `The SSH server ${access.host} refused the key in ssh-key for user '${access.user}' ` +
      `(Permission denied (publickey)): check that its public key is a deploy key or user key with ` +
      `read access to ${repository}, and that ssh-user is the login the server expects (GitHub: git).`
    )
  return undefined
}
