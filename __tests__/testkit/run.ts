/**
 * Runs git (or ssh) for tests of the test kit without blocking the event loop: the HTTP test
 * server answers from this same process.
 */
import { spawn } from 'node:child_process'
import { fixtureGitEnv } from '../../testkit/git-fixtures.js'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /** Wall time, for "does not hang" bounds. */
  ms: number
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<RunResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...fixtureGitEnv, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started }))
  })
}

/** Runs git and throws with its stderr unless it succeeds; returns stdout trimmed. */
export async function git(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<string> {
  const result = await run('git', args, options)
  if (result.code !== 0) {
    throw new Error(`git ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
  }
  return result.stdout.trim()
}
