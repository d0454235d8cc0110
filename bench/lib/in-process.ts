/**
 * The action's checkout flow in this process (src/checkout/checkout.ts `runCheckout`, the same
 * code the main step runs), with the tree held by this process and released right after: what
 * the warm path costs without node start, bundle load, the keeper process and post.
 */
import { runCheckout, type CheckoutResult } from '../../src/checkout/checkout.js'
import { releaseLock } from '../../src/lock/index.js'
import { memoryLogger } from '../../src/logger.js'
import { parseCheckoutOptions, type InputName } from '../../src/options/options.js'
import type { BenchWorld } from './world.js'

export async function inProcessCheckout(
  world: BenchWorld,
  root: string,
  sha: string,
  inputs: Partial<Record<InputName, string>> = {}
): Promise<CheckoutResult> {
  const home = world.remote.home
  const values: Partial<Record<InputName, string>> = {
    repository: world.repository,
    'github-server-url': world.server.url,
    token: world.remote.token,
    root,
    cache: 'false',
    'show-progress': 'false',
    ...inputs
  }
  // A push of `sha` (as the action sees it): the commit is known, no ref lookup (§1 ref).
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    GITHUB_REPOSITORY: world.repository,
    GITHUB_SHA: sha,
    GITHUB_REF: `refs/heads/${world.branch}`
  }
  const parsed = parseCheckoutOptions(name => values[name] ?? '', {
    env,
    platform: process.platform,
    homedir: home
  })
  if (!parsed.ok) throw new Error(parsed.problems.map(p => p.message).join('\n'))
  const result = await runCheckout(parsed.options, {
    env: { PATH: process.env.PATH, HOME: home },
    platform: process.platform,
    log: memoryLogger(),
    signal: new AbortController().signal,
    job: { job: 'bench-in-process', runnerName: 'bench-in-process' },
    tempDir: world.scratch,
    holdTreeFor: 'process',
    stall: { limitBytes: 1024, seconds: 60 }
  })
  await releaseLock(result.lock.lockPath, result.lock.token)
  if (result.store.sha !== sha)
    throw new Error(`bench: in-process checkout gave ${result.store.sha}, not ${sha}`)
  return result
}
