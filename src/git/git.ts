/**
 * The one seam between the action and the git binary. Every git process starts here: no shell,
 * an environment built by env.ts (credentials only for the verbs that talk to the remote, §3.4),
 * output redacted, cancellation that ends git and its helpers (§7), and retries with backoff for
 * transient network failures of remote verbs — never for a refused credential or a missing
 * repository or ref.
 */
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { remoteGitEnv, type RemoteAuth, type StallLimit } from './env.js'

export interface GitOutput {
  stdout: string
  stderr: string
  exitCode: number
}

/** A git command that failed: which command, in which directory, and what git said. */
export class GitError extends Error {
  readonly args: string[]
  readonly cwd: string
  readonly exitCode: number | null
  readonly stderr: string

  constructor(
    args: string[],
    cwd: string,
    exitCode: number | null,
    stderr: string,
    why?: string,
    message?: string
  ) {
    const said = stderr.trim() || '(no output)'
    const hint = failureHint(stderr)
    super(
      message ??
        `git ${args.join(' ')} failed in ${cwd}` +
          (why ? ` (${why})` : exitCode === null ? '' : ` (exit code ${exitCode})`) +
          `: ${said}` +
          (hint ? `\n${hint}` : '')
    )
    this.name = 'GitError'
    this.args = args
    this.cwd = cwd
    this.exitCode = exitCode
    this.stderr = stderr
  }
}

/** The job was cancelled while git ran; git was stopped. */
export class GitCancelledError extends Error {
  constructor(args: string[]) {
    super(`git ${args[0] ?? ''} was stopped: the step was cancelled`)
    this.name = 'GitCancelledError'
  }
}

const REFUSED =
  /could not read (Username|Password)|Authentication failed|returned error: 40[13]\b|Permission denied \(publickey|Host key verification failed|HTTP Basic: Access denied/i
const NOT_FOUND =
  /repository '.*' not found|Repository not found|returned error: 404\b|couldn't find remote ref|not our ref|does not appear to be a git repository|unadvertised object/i
const UNREACHABLE =
  /Failed to connect|Could not connect|Could not resolve host|Connection refused|Connection timed out|Connection reset|Operation too slow|Operation timed out|early EOF|unexpected disconnect|remote end hung up unexpectedly|RPC failed|returned error: 5\d\d\b|gnutls_handshake|SSL_ERROR|transfer closed|Empty reply from server|kex_exchange_identification|Broken pipe/i

/**
 * What a user should check, for the failures git words in its own terms (a refused token shows
 * up as "could not read Username ... terminal prompts disabled"). Pure.
 */
export function failureHint(stderr: string): string | undefined {
  if (REFUSED.test(stderr))
    return 'The server refused the credentials: check that the token (or ssh-key) is valid and may read this repository.'
  if (/repository '.*' not found|Repository not found|returned error: 404\b/i.test(stderr))
    return 'The server has no such repository, or the credentials cannot see it: check the repository name and the token.'
  if (/Operation too slow/i.test(stderr))
    return 'The transfer stalled: the server sent almost nothing for too long, so git gave up.'
  if (UNREACHABLE.test(stderr))
    return "The server could not be reached: check the server URL and the runner's network."
  return undefined
}

/**
 * Is this failure worth another try? Only network trouble is; a refused credential, a missing
 * repository or ref, or anything else git says is the answer. Pure.
 */
export function isTransientFailure(stderr: string): boolean {
  if (REFUSED.test(stderr) || NOT_FOUND.test(stderr)) return false
  return UNREACHABLE.test(stderr)
}

const DAMAGED =
  /is corrupt|corrupt (loose|packed) object|bad object|unable to read (sha1 )?file|inflate: data stream error|missing (blob|tree|commit|tag) object|did not send all necessary objects|invalid object|object file .* is empty|packfile .* does not match index|failed to read object|could not read object|unable to unpack|loose object .*corrupt/i

/**
 * Does git say that the object store itself is damaged (corrupt or missing objects), rather
 * than that something was asked wrongly? Pure (§3.2, §7: a damaged store is set aside and
 * rebuilt, never silently used).
 */
export function isObjectStoreDamage(stderr: string): boolean {
  return DAMAGED.test(stderr)
}

/** Replaces every secret in `text` with ***; empty secrets are ignored. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  return out
}

export interface GitRunnerOptions {
  /** The local environment (env.ts localGitEnv): no credentials in it. */
  env: NodeJS.ProcessEnv
  /** Strings to redact from anything we report (the token and its encodings). */
  secrets: readonly string[]
  /** Cancellation of the step: running git processes are stopped (SIGTERM, then SIGKILL). */
  signal?: AbortSignal
  /** Called with the PID of every git process (tests check /proc/<pid>/cmdline and environ). */
  onProcess?: (pid: number, args: readonly string[]) => void
  /** Called for every chunk git writes to stderr (progress), already redacted. */
  onStderr?: (text: string) => void
  log?: (line: string) => void
}

export interface RunOptions {
  /** Set GIT_DIR (the store, queried from outside it: its directory is not the cwd, §3.8). */
  gitDir?: string
  /** Exit codes that are answers rather than failures (e.g. 1 for `config --get` of a missing key). */
  okExitCodes?: number[]
  /** Extra environment for this command only (never secrets: they go through `remote`). */
  env?: NodeJS.ProcessEnv
  /** Forward stderr to onStderr as it arrives (progress of fetch/checkout). */
  streamStderr?: boolean
}

export interface RemoteOptions extends RunOptions {
  auth: RemoteAuth
  stall: StallLimit
  /** Waits between tries of a transient failure; default RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[]
}

/** actions/checkout tries network commands three times, 10–20 s apart. */
export const RETRY_DELAYS_MS: readonly number[] = [10_000, 20_000]
const KILL_GRACE_MS = 2000

export class GitRunner {
  constructor(readonly options: GitRunnerOptions) {}

  /** A runner with the same settings and another local environment. */
  withEnv(env: NodeJS.ProcessEnv): GitRunner {
    return new GitRunner({ ...this.options, env })
  }

  /** A command that does not talk to the remote: no credentials in its environment. */
  local(cwd: string, args: string[], options: RunOptions = {}): Promise<GitOutput> {
    return this.spawnGit(cwd, args, { ...this.options.env, ...options.env }, options)
  }

  /** A command that talks to the remote: credentials in its environment, retried when transient. */
  async remote(cwd: string, args: string[], options: RemoteOptions): Promise<GitOutput> {
    const env = { ...remoteGitEnv(this.options.env, options.auth, options.stall), ...options.env }
    const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.spawnGit(cwd, args, env, options)
      } catch (error) {
        if (!(error instanceof GitError) || attempt >= delays.length) throw error
        if (!isTransientFailure(error.stderr)) throw error
        const wait = delays[attempt]
        this.options.log?.(
          `git ${args[0]} failed (${firstLine(error.stderr)}); trying again in ${Math.round(wait / 1000)} s`
        )
        await sleep(wait, undefined, { signal: this.options.signal }).catch(() => {
          throw new GitCancelledError(args)
        })
      }
    }
  }

  private spawnGit(
    cwd: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    options: RunOptions
  ): Promise<GitOutput> {
    const { signal, secrets } = this.options
    if (signal?.aborted) return Promise.reject(new GitCancelledError(args))
    const fullEnv = options.gitDir ? { ...env, GIT_DIR: options.gitDir } : env
    return new Promise((resolve, reject) => {
      // Its own process group: cancelling stops git and the helpers it started (remote-https,
      // index-pack, ssh), not only git itself.
      const child = spawn('git', args, {
        cwd,
        env: fullEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32'
      })
      if (child.pid !== undefined) this.options.onProcess?.(child.pid, args)
      const out: Buffer[] = []
      const err: Buffer[] = []
      let cancelled = false
      let killTimer: NodeJS.Timeout | undefined
      const stop = (): void => {
        cancelled = true
        signalGroup(child.pid, 'SIGTERM')
        killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS)
        killTimer.unref()
      }
      signal?.addEventListener('abort', stop, { once: true })
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => {
        err.push(chunk)
        if (options.streamStderr) this.options.onStderr?.(redact(chunk.toString('utf8'), secrets))
      })
      child.on('error', error => {
        signal?.removeEventListener('abort', stop)
        const why =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'git is not installed or not on PATH'
            : error.message
        reject(new GitError(args, cwd, null, '', redact(why, secrets)))
      })
      child.on('close', (code, killedBy) => {
        signal?.removeEventListener('abort', stop)
        clearTimeout(killTimer)
        if (cancelled) {
          signalGroup(child.pid, 'SIGKILL') // helpers that outlived git
          return reject(new GitCancelledError(args))
        }
        const stdout = Buffer.concat(out).toString('utf8')
        const stderr = redact(Buffer.concat(err).toString('utf8'), secrets)
        const exitCode = code ?? -1
        if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
          resolve({ stdout, stderr, exitCode })
        } else {
          reject(
            new GitError(args, cwd, code, stderr, killedBy ? `killed by ${killedBy}` : undefined)
          )
        }
      })
    })
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal)
  } catch {
    // already gone
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map(line => line.trim())
      .find(line => line !== '') ?? 'no output'
  )
}
