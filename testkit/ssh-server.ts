/**
 * A real OpenSSH server for tests of git over SSH: Debian's `sshd` run as a child process with a
 * private config, host key and authorized key, on port 22 of a loopback address 127.0.0.N of its
 * own. Port 22 because the action (like actions/checkout) builds SSH URLs as
 * `<ssh-user>@<host of github-server-url>:<owner>/<name>.git`, with no port: a test pairs this
 * server with the HTTP git server on the same address
 * (`startGitServer({ root, host: ssh.host })`) and passes that server's URL as
 * `github-server-url`.
 *
 * Needs root (port 22, login as another user) and openssh-server (testkit/install-tools.sh).
 * Login: user `git` (created once with useradd when missing), public-key authentication only.
 * Every authorized session runs a forced command (authorized_keys `command=`) that serves
 * `git-upload-pack` for `<owner>/<name>(.git)` under `root`, matched case-insensitively like the
 * HTTP server; anything else (push, shells, paths outside root) is refused.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface SshKeyPair {
  /** OpenSSH private key file content (unencrypted). */
  privateKey: string
  /** `ssh-ed25519 AAAA… comment`, one line. */
  publicKey: string
}

export interface SshServerOptions {
  /** Directory holding `<owner>/<name>.git` bare repositories (as for startGitServer). */
  root: string
  /**
   * Chooses each address to try (default randomLoopbackHost); a taken one is retried with the
   * next choice. Tests of the kit use it to force a collision.
   */
  pickHost?: () => string
}

export interface SshServer {
  /** The loopback address sshd listens on (port 22), e.g. 127.0.0.23. */
  host: string
  /** The login user SSH URLs must name: `git`. */
  user: string
  /** A key the server accepts. */
  clientKey: SshKeyPair
  /** A key the server refuses (valid, just not authorized). */
  otherKey: SshKeyPair
  /** A known_hosts line for `host` (what the `ssh-known-hosts` input would hold). */
  hostKeyLine: string
  /** `git@HOST:owner/name.git`, the URL git uses. */
  repoUrl(owner: string, name: string): string
  /** Authenticated sessions that ran a command (served or refused by the forced command). */
  connections(): number
  /** Stops sshd and removes its private files. */
  stop(): Promise<void>
}

const SSHD = '/usr/sbin/sshd'
const LOGIN_USER = 'git'
/** sshd's privilege separation directory on Debian; the init script normally creates it. */
const PRIVSEP_DIR = '/run/sshd'
const START_ATTEMPTS = 12
const START_TIMEOUT_MS = 10_000

/** A random loopback address other than 127.0.0.1 (which other servers of a test may use). */
export function randomLoopbackHost(random: () => number = Math.random): string {
  return `127.0.0.${2 + Math.floor(random() * 253)}`
}

/** Single-quotes a word for POSIX sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** `OpenSSH_9.2, OpenSSL …` → [9, 2] */
export function parseOpenSshVersion(banner: string): [number, number] | undefined {
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(banner)
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

export interface SshdConfigInput {
  host: string
  hostKey: string
  authorizedKeys: string
  user: string
  /** OpenSSH version of the sshd that reads the config (options it does not know are fatal). */
  version: [number, number]
}

/** The private sshd_config: one address, port 22, public keys only, one user. */
export function sshdConfig(input: SshdConfigInput): string {
  const [major, minor] = input.version
  const lines = [
    `ListenAddress ${input.host}:22`,
    `HostKey ${input.hostKey}`,
    'PidFile none',
    `AllowUsers ${input.user}`,
    `AuthorizedKeysFile ${input.authorizedKeys}`,
    // Key-only: no passwords, no keyboard-interactive, no host-based trust, no PAM.
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'PermitEmptyPasswords no',
    'PermitRootLogin no',
    'UsePAM no',
    // The authorized_keys file lives under the temp dir, whose parent (/tmp, mode 1777) fails
    // StrictModes' ownership walk; the file itself is root-owned 0644 in a root-owned 0755 dir.
    'StrictModes no',
    // git sends GIT_PROTOCOL=version=2 this way.
    'AcceptEnv GIT_PROTOCOL',
    'PermitTTY no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'PermitTunnel no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'LoginGraceTime 30',
    // Parallel clones (jobs, submodules) must not be dropped as a connection flood.
    'MaxStartups 200',
    'LogLevel INFO'
  ]
  // OpenSSH 9.8+ penalizes addresses that fail authentication; tests refuse keys on purpose.
  if (major > 9 || (major === 9 && minor >= 8)) lines.push('PerSourcePenalties no')
  return `${lines.join('\n')}\n`
}

/** An authorized_keys line that forces every session of `publicKey` through `command`. */
export function authorizedKeysLine(publicKey: string, command: string): string {
  if (/["\\\n]/.test(command)) throw new Error(`forced command cannot be quoted: ${command}`)
  return `command="${command}",restrict ${publicKey.trim()}\n`
}

/**
 * The forced command: logs the request, maps `git-upload-pack '<owner>/<name>(.git)'` onto
 * `<root>/<owner>/<name>.git` case-insensitively, refuses everything else. Runs as `user`, so the
 * repositories' ownership (root) is accepted with safe.directory; partial clones are allowed by
 * the server, not by the repositories' config (as for the HTTP server).
 */
export function forcedCommandScript(input: { root: string; log: string; git: string }): string {
  return `#!/bin/sh
# Forced command of the test kit's sshd (testkit/ssh-server.ts).
root=${shellQuote(input.root)}
log=${shellQuote(input.log)}
git=${shellQuote(input.git)}
request=\${SSH_ORIGINAL_COMMAND-}
printf '%s\\n' "$request" >>"$log"
case $request in
  "git-upload-pack '"*"'") repo_path=\${request#"git-upload-pack '"} ;;
  "git upload-pack '"*"'") repo_path=\${request#"git upload-pack '"} ;;
  *) echo "ERROR: this test server serves git-upload-pack only, not: $request" >&2; exit 1 ;;
esac
repo_path=\${repo_path%"'"}
repo_path=\${repo_path#/}
owner=\${repo_path%%/*}
name=\${repo_path#*/}
name=\${name%.git}
case $repo_path in
  */*/* | *[!A-Za-z0-9._/-]*) owner= ;;
  */*) ;;
  *) owner= ;;
esac
case "$owner:$name" in
  :* | *: | .:* | ..:* | *:. | *:..)
    echo "ERROR: Repository not found ('$repo_path' is not <owner>/<name>)." >&2
    exit 1 ;;
esac
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
# find_entry DIR NAME: the entry of DIR whose name equals NAME ignoring case, spelled as on disk.
find_entry() {
  want=$(lower "$2")
  for entry in "$1"/* "$1"/.[!.]*; do
    [ -e "$entry" ] || continue
    if [ "$(lower "\${entry##*/}")" = "$want" ]; then printf '%s' "$entry"; return 0; fi
  done
  return 1
}
if ! owner_dir=$(find_entry "$root" "$owner") || ! repo=$(find_entry "$owner_dir" "$name.git"); then
  echo "ERROR: Repository not found." >&2
  exit 1
fi
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_CONFIG_COUNT=3
export GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'
export GIT_CONFIG_KEY_1=uploadpack.allowFilter GIT_CONFIG_VALUE_1=true
export GIT_CONFIG_KEY_2=uploadpack.allowAnySHA1InWant GIT_CONFIG_VALUE_2=true
exec "$git" upload-pack "$repo"
`
}

/** Why sshd could not start, from what it printed: the address was taken, or anything else. */
export function sshdStartFailure(stderr: string): 'address-in-use' | 'other' {
  return /Address already in use|Cannot bind any address/i.test(stderr) ? 'address-in-use' : 'other'
}

function fail(what: string): never {
  throw new Error(`testkit ssh server: ${what}`)
}

function findOnPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return fail(`'${command}' is not on PATH`)
}

function checkPrerequisites(): void {
  if (process.platform !== 'linux') fail(`runs on Linux only (this is ${process.platform})`)
  if (process.getuid?.() !== 0) {
    fail(
      'must run as root: sshd listens on port 22 (the port SSH URLs without one use) and logs ' +
        `sessions in as the '${LOGIN_USER}' user`
    )
  }
  if (!existsSync(SSHD)) {
    fail(`${SSHD} is missing: install openssh-server (bash testkit/install-tools.sh)`)
  }
}

function getent(database: string, key: string): string[] | undefined {
  try {
    return execFileSync('getent', [database, key], { encoding: 'utf8', stdio: 'pipe' })
      .trim()
      .split(':')
  } catch {
    return undefined
  }
}

/**
 * The login user exists, has a shell that runs commands (sshd runs the forced command through
 * it) and no locked password (sshd without PAM refuses locked accounts, even for keys).
 * Created once per machine; concurrent creators are tolerated.
 */
function ensureLoginUser(): void {
  for (let attempt = 0; !getent('passwd', LOGIN_USER); attempt++) {
    try {
      execFileSync(
        'useradd',
        [
          '--system',
          '--user-group',
          '--shell',
          '/bin/sh',
          '--home-dir',
          '/',
          '--no-create-home',
          '--password',
          '*',
          '--comment',
          'shared-checkout test kit, git over ssh',
          LOGIN_USER
        ],
        { stdio: 'pipe' }
      )
    } catch (error) {
      // 9: another test process created it meanwhile; 10: it holds /etc/passwd's lock.
      const { status, stderr } = error as { status?: number; stderr?: Buffer }
      if ((status !== 9 && status !== 10) || attempt >= 50) {
        fail(`cannot create the '${LOGIN_USER}' user (useradd: ${String(stderr).trim()})`)
      }
      execFileSync('sleep', ['0.1'])
    }
  }
  const passwd = getent('passwd', LOGIN_USER) ?? []
  const shell = passwd[6] ?? ''
  if (!/\/(ba|da|z)?sh$/.test(shell)) {
    fail(
      `user '${LOGIN_USER}' has shell '${shell}': sshd runs the forced command through the ` +
        `login shell, so it must be a POSIX shell (usermod -s /bin/sh ${LOGIN_USER})`
    )
  }
  const password = getent('shadow', LOGIN_USER)?.[1] ?? ''
  if (password.startsWith('!')) {
    fail(
      `user '${LOGIN_USER}' is locked ('!' password): sshd without PAM refuses locked ` +
        `accounts even for keys (usermod -p '*' ${LOGIN_USER})`
    )
  }
}

/** The login user must reach `root` and read the repositories in it. */
function openRootToLoginUser(root: string): void {
  const absolute = path.resolve(root)
  // mkdtemp made it 0700; its contents are created with the default umask (world-readable).
  chmodSync(absolute, statSync(absolute).mode | 0o055)
  for (let dir = path.dirname(absolute); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      fail(`'${dir}' is not traversable by others, so user '${LOGIN_USER}' cannot reach ${root}`)
    }
    if (dir === path.dirname(dir)) break
  }
}

function keygen(file: string, comment: string): SshKeyPair {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
    stdio: 'pipe'
  })
  return {
    privateKey: readFileSync(file, 'utf8'),
    publicKey: readFileSync(`${file}.pub`, 'utf8').trim()
  }
}

interface RunningSshd {
  child: ChildProcess
  /** Everything sshd printed (for failures). */
  output: () => string
}

/** Starts sshd with `configFile`; resolves once it listens, rejects with what it printed. */
function runSshd(configFile: string): Promise<RunningSshd> {
  return new Promise((resolve, reject) => {
    const child = spawn(SSHD, ['-D', '-e', '-f', configFile], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let output = ''
    let listening = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sshd did not listen within ${START_TIMEOUT_MS} ms:\n${output}`))
    }, START_TIMEOUT_MS)
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      // Keep the start-up messages and the latest ones; sessions log a few lines each.
      output = output.length > 64_000 ? output.slice(0, 8_000) + output.slice(-32_000) : output
      output += chunk
      if (!listening && /Server listening on \S+ port 22/.test(output)) {
        listening = true
        clearTimeout(timer)
        resolve({ child, output: () => output })
      }
    })
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    // 'close', not 'exit': only then has all of sshd's stderr (its reason) been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (!listening) reject(new SshdExit(output, code, signal))
    })
  })
}

class SshdExit extends Error {
  constructor(
    readonly output: string,
    code: number | null,
    signal: NodeJS.Signals | null
  ) {
    super(`sshd exited (${signal ?? `code ${code}`}) before listening:\n${output}`)
  }
}

export async function startSshServer(options: SshServerOptions): Promise<SshServer> {
  checkPrerequisites()
  ensureLoginUser()
  if (!existsSync(PRIVSEP_DIR)) mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 })
  openRootToLoginUser(options.root)
  // `sshd -V` prints its banner on stderr.
  const banner = spawnSync(SSHD, ['-V'], { encoding: 'utf8' })
  const version =
    parseOpenSshVersion(`${banner.stdout}${banner.stderr}`) ??
    fail(`cannot tell the OpenSSH version of ${SSHD}: ${banner.stderr || banner.error}`)

  const dir = mkdtempSync(path.join(tmpdir(), 'sc-sshd-'))
  let started: RunningSshd | undefined
  const cleanUpAtExit = (): void => {
    started?.child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', cleanUpAtExit)
  try {
    // The session (user git) reads authorized_keys, runs serve.sh and appends to the log.
    chmodSync(dir, 0o755)
    const keys = path.join(dir, 'keys')
    mkdirSync(keys, { mode: 0o700 })
    const hostKey = path.join(keys, 'host_ed25519')
    const hostPublic = keygen(hostKey, 'testkit-sshd-host').publicKey
    const clientKey = keygen(path.join(keys, 'client'), 'testkit-client')
    const otherKey = keygen(path.join(keys, 'other'), 'testkit-other')

    const log = path.join(dir, 'sessions.log')
    writeFileSync(log, '')
    chmodSync(log, 0o666)
    const serve = path.join(dir, 'serve.sh')
    writeFileSync(
      serve,
      forcedCommandScript({ root: path.resolve(options.root), log, git: findOnPath('git') })
    )
    chmodSync(serve, 0o755)
    const authorizedKeys = path.join(dir, 'authorized_keys')
    writeFileSync(authorizedKeys, authorizedKeysLine(clientKey.publicKey, serve))
    chmodSync(authorizedKeys, 0o644)

    const configFile = path.join(dir, 'sshd_config')
    let host = ''
    let lastFailure = ''
    for (let attempt = 0; !started && attempt < START_ATTEMPTS; attempt++) {
      host = (options.pickHost ?? randomLoopbackHost)()
      writeFileSync(
        configFile,
        sshdConfig({ host, hostKey, authorizedKeys, user: LOGIN_USER, version })
      )
      try {
        started = await runSshd(configFile)
      } catch (error) {
        if (error instanceof SshdExit && sshdStartFailure(error.output) === 'address-in-use') {
          lastFailure = error.output
          continue
        }
        fail(`sshd did not start: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    if (!started) {
      fail(
        `port 22 was taken on ${START_ATTEMPTS} loopback addresses in a row; is a system sshd ` +
          `listening on 0.0.0.0:22 (ss -ltnp 'sport = :22')? Last error:\n${lastFailure}`
      )
    }
    const running = started
    const [keyType, keyData] = hostPublic.split(/\s+/)
    return {
      host,
      user: LOGIN_USER,
      clientKey,
      otherKey,
      hostKeyLine: `${host} ${keyType} ${keyData}`,
      repoUrl: (owner, name) => `${LOGIN_USER}@${host}:${owner}/${name}.git`,
      connections: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length,
      stop: async () => {
        process.removeListener('exit', cleanUpAtExit)
        const { child } = running
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise(resolve => child.once('exit', resolve))
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
          await exited
          clearTimeout(timer)
        }
        rmSync(dir, { recursive: true, force: true })
      }
    }
  } catch (error) {
    process.removeListener('exit', cleanUpAtExit)
    cleanUpAtExit()
    throw error
  }
}
