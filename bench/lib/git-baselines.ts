/**
 * The git commands the action is compared with (SPEC §5), run with the same auth mechanism the
 * action uses (the extraheader in GIT_CONFIG_* env, protocol v2), so only the work differs.
 */
import { execFile } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { promisify } from 'node:util'
import { authHeaderEntry, withConfigEntries } from '../../src/git/env.js'

const execFileAsync = promisify(execFile)

export interface Remote {
  url: string
  serverUrl: string
  token: string
  home: string
}

/** The auth header scoped to the server, through GIT_CONFIG_* (as actions/checkout and the action). */
export function remoteEnv(remote: Remote): NodeJS.ProcessEnv {
  return withConfigEntries({ ...process.env, HOME: remote.home, GIT_CONFIG_NOSYSTEM: '1' }, [
    authHeaderEntry(remote.serverUrl, remote.token)
  ])
}

export async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, env, maxBuffer: 64 << 20 })
    return stdout.trim()
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`bench: git ${args.join(' ')} in ${cwd} failed: ${e.stderr ?? e.message}`)
  }
}

/**
 * What actions/checkout runs into a fresh workspace for a push (fetch-depth 1): init, remote,
 * one fetch of the exact SHA into the branch's remote-tracking ref, checkout -B.
 */
export async function checkoutActionStyle(
  workspace: string,
  remote: Remote,
  sha: string,
  branch: string
): Promise<void> {
  const env = remoteEnv(remote)
  await mkdir(workspace, { recursive: true })
  await git(workspace, ['init', '--quiet', workspace], env)
  await git(workspace, ['remote', 'add', 'origin', remote.url], env)
  await git(
    workspace,
    [
      '-c',
      'protocol.version=2',
      'fetch',
      '--no-tags',
      '--prune',
      '--no-recurse-submodules',
      '--quiet',
      '--depth=1',
      'origin',
      `+${sha}:refs/remotes/origin/${branch}`
    ],
    env
  )
  await git(
    workspace,
    ['checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${branch}`],
    env
  )
}

/** Raw `git fetch && git checkout` in an existing full clone. */
export async function fetchAndCheckout(clone: string, remote: Remote, sha: string): Promise<void> {
  const env = remoteEnv(remote)
  await git(clone, ['fetch', '--quiet', 'origin'], env)
  await git(clone, ['checkout', '--quiet', '--force', '--detach', sha], env)
}

/** Raw `git checkout` of a commit the clone has (no fetch). */
export async function rawCheckout(clone: string, sha: string, remote: Remote): Promise<void> {
  await git(clone, ['checkout', '--quiet', '--force', '--detach', sha], remoteEnv(remote))
}

/** Raw `git clone` (full history unless depth is given). */
export async function rawClone(
  dest: string,
  remote: Remote,
  options: { depth?: number; checkout?: boolean } = {}
): Promise<void> {
  const args = ['clone', '--quiet']
  if (options.depth) args.push(`--depth=${options.depth}`)
  if (options.checkout === false) args.push('--no-checkout')
  await git(process.cwd(), [...args, remote.url, dest], remoteEnv(remote))
}
