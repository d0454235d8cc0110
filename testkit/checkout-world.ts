/**
 * In-process checkouts for integration tests of the store and the trees: a real smart-HTTP git
 * server on loopback with its upstream repositories, a machine root, an isolated git HOME, and
 * `checkout(inputs)` that runs the same flow as the action's main step (src/checkout) with
 * the action's input names and defaults, holding the tree for this process until `release`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runCheckout, type CheckoutResult, type CheckoutRuntime } from '../src/checkout/checkout.js'
import { releaseLock, type AcquiredLock } from '../src/lock/index.js'
import { memoryLogger, type Logger } from '../src/logger.js'
import {
  parseCheckoutOptions,
  type CheckoutOptions,
  type InputName
} from '../src/options/options.js'
import { createUpstreamRoot, removeUpstreamRoot } from './git-fixtures.js'
import { startGitServer, type GitServer } from './git-server.js'

export const WORLD_TOKEN = 'ghs_testTOKEN0123456789abcdefABCDEF'

export interface CheckoutWorld {
  upstream: string
  server: GitServer
  /** Holds the root and the isolated HOME. */
  dir: string
  root: string
  /** Environment of the action's git processes: isolated global config, no system config. */
  env: NodeJS.ProcessEnv
  /** The options the action would read from these inputs (throws on a bad input). */
  options(inputs?: Partial<Record<InputName, string>>): CheckoutOptions
  /**
   * Runs a checkout; the tree stays held by this process until `release` (a checkout that fails
   * gives its tree back, as the action's main step does).
   */
  checkout(
    inputs?: Partial<Record<InputName, string>>,
    runtime?: Partial<CheckoutRuntime>
  ): Promise<CheckoutResult & { log: string[] }>
  /** `checkout` with options built by the caller (e.g. a file:// remote the inputs refuse). */
  checkoutWith(
    options: CheckoutOptions,
    runtime?: Partial<CheckoutRuntime>
  ): Promise<CheckoutResult & { log: string[] }>
  /** One job's checkout: checks out, then releases the tree at once (the job body is the test's). */
  job(
    inputs?: Partial<Record<InputName, string>>,
    runtime?: Partial<CheckoutRuntime>
  ): Promise<CheckoutResult & { log: string[] }>
  release(result: CheckoutResult): Promise<void>
  /** Plain git with the world's environment (no credentials), as a job's own steps run it. */
  git(cwd: string, args: string[]): string
  close(): Promise<void>
}

export interface CheckoutWorldOptions {
  /**
   * Upstream root to serve (default: a fresh one, removed by `close`). Pass the root an SSH test
   * server serves, with its `host`, so SSH URLs built from `github-server-url` reach it.
   */
  upstream?: string
  /** Loopback address of the git server (default 127.0.0.1). */
  host?: string
}

export async function openCheckoutWorld(
  worldOptions: CheckoutWorldOptions = {}
): Promise<CheckoutWorld> {
  const upstream = worldOptions.upstream ?? createUpstreamRoot()
  const server = await startGitServer({
    root: upstream,
    token: WORLD_TOKEN,
    host: worldOptions.host
  })
  const dir = mkdtempSync(path.join(tmpdir(), 'sc-checkout-'))
  const home = path.join(dir, 'home')
  mkdirSync(home)
  const globalConfig = path.join(home, '.gitconfig')
  writeFileSync(globalConfig, '')
  const root = path.join(dir, 'root')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1'
  }
  const options = (inputs: Partial<Record<InputName, string>> = {}): CheckoutOptions => {
    const values: Partial<Record<InputName, string>> = {
      repository: 'acme/app',
      'github-server-url': server.url,
      token: WORLD_TOKEN,
      root,
      cache: 'false',
      'show-progress': 'false',
      ...inputs
    }
    const result = parseCheckoutOptions(name => values[name] ?? '', {
      env: { ...env, GITHUB_REPOSITORY: '' },
      platform: process.platform,
      homedir: home
    })
    if (!result.ok) throw new Error(result.problems.map(p => p.message).join('\n'))
    return result.options
  }
  const checkoutWith = async (
    checkoutOptions: CheckoutOptions,
    runtime: Partial<CheckoutRuntime> = {}
  ): Promise<CheckoutResult & { log: string[] }> => {
    const logger: Logger & { lines: string[] } = memoryLogger()
    let held: AcquiredLock | undefined
    try {
      const result = await runCheckout(checkoutOptions, {
        env,
        platform: process.platform,
        log: logger,
        signal: new AbortController().signal,
        job: { job: 'test' },
        tempDir: dir,
        holdTreeFor: 'process',
        stall: { limitBytes: 1024, seconds: 30 },
        retryDelaysMs: [],
        ...runtime,
        onTreeHeld: (lock, tree, treeDir) => {
          held = lock
          runtime.onTreeHeld?.(lock, tree, treeDir)
        }
      })
      return { ...result, log: logger.lines }
    } catch (error) {
      // What the action's main step does on failure: the tree goes back to the pool.
      if (held) await releaseLock(held.lockPath, held.token)
      throw error
    }
  }
  const release = async (result: CheckoutResult): Promise<void> => {
    await releaseLock(result.lock.lockPath, result.lock.token)
  }
  return {
    upstream,
    server,
    dir,
    root,
    env,
    options,
    checkout: (inputs = {}, runtime = {}) => checkoutWith(options(inputs), runtime),
    checkoutWith,
    async job(inputs = {}, runtime = {}) {
      const result = await checkoutWith(options(inputs), runtime)
      await release(result)
      return result
    },
    release,
    git(cwd, args) {
      return execFileSync('git', args, {
        cwd,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      }).trim()
    },
    async close() {
      await server.stop()
      if (!worldOptions.upstream) removeUpstreamRoot(upstream)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
