import { spawn } from 'node:child_process'

/** What every git invocation needs besides its arguments. */
export interface GitContext {
  /** Complete environment of the git process (see auth.ts: secrets travel here, §3.4). */
  env: NodeJS.ProcessEnv
  /** Strings to redact from anything we report (the token and its encodings). */
  secrets: string[]
  /** Called with the PID of every git process we start (tests watch /proc/<pid>/cmdline). */
  onGitProcess?: (pid: number) => void
}

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

/**
 * What a user should check, for the failures git words in its own terms (a refused token shows
 * up as "could not read Username ... terminal prompts disabled"). Pure; undefined when git's
 * message speaks for itself.
 */
export function failureHint(stderr: string): string | undefined {
  if (
    /could not read (Username|Password)|Authentication failed|returned error: 40[13]\b/i.test(
      stderr
    )
  )
    return 'The server refused the credentials: check that the token is valid and may read this repository.'
  if (/repository '.*' not found|Repository not found|returned error: 404\b/i.test(stderr))
    return 'The server has no such repository, or the token cannot see it: check the repository name and the token.'
  if (
    /Failed to connect|Could not connect|Could not resolve host|Connection refused|Connection timed out/i.test(
      stderr
    )
  )
    return "The server could not be reached: check the server URL and the runner's network."
  return undefined
}

/** Replaces every secret in `text` with ***; empty secrets are ignored. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  return out
}

export interface RunGitOptions {
  /** Exit codes that are answers rather than failures (e.g. 1 for `config --get` of a missing key). */
  okExitCodes?: number[]
}

/**
 * Runs the real git binary without a shell. Arguments must never carry secrets (§3.4): the
 * caller puts them in ctx.env. Throws GitError (redacted) on a failing exit code.
 */
export function runGit(
  ctx: GitContext,
  cwd: string,
  args: string[],
  options: RunGitOptions = {}
): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] })
    if (child.pid !== undefined) ctx.onGitProcess?.(child.pid)
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', error => {
      const why =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'git is not installed or not on PATH'
          : error.message
      reject(new GitError(args, cwd, null, '', redact(why, ctx.secrets)))
    })
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8')
      const stderr = redact(Buffer.concat(err).toString('utf8'), ctx.secrets)
      const exitCode = code ?? -1
      if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
        resolve({ stdout, stderr, exitCode })
      } else {
        reject(new GitError(args, cwd, code, stderr, signal ? `killed by ${signal}` : undefined))
      }
    })
  })
}
