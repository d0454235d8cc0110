/**
 * A checkout in a child process, for tests that signal or kill it mid-flight: run with
 * `node --import tsx testkit/checkout-child.ts` and CHECKOUT_CHILD_CONFIG='<json>' in its
 * environment (never argv: the JSON holds the token, and other tests scan every process's
 * command line for secrets; checkoutChildEnv builds it). The JSON holds action inputs
 * (`inputs`), the git environment (`env`), a temp dir and runtime knobs. It handles SIGINT and
 * SIGTERM like the action's main step (abort, release what it holds, exit) and prints one JSON
 * line per event on stdout: {"event":"tree-held",...}, {"event":"git","pid":…,"args":[…]},
 * {"event":"done",...} or {"event":"error","name":…,"message":…}.
 */
import { runCheckout } from '../src/checkout/checkout.js'
import { releaseLock, type AcquiredLock } from '../src/lock/index.js'
import { memoryLogger } from '../src/logger.js'
import { parseCheckoutOptions } from '../src/options/options.js'
import { CONFIG_VARIABLE, type ChildConfig } from './checkout-child-env.js'

const config = JSON.parse(process.env[CONFIG_VARIABLE] ?? '{}') as ChildConfig
const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}
const parsed = parseCheckoutOptions(name => config.inputs[name] ?? '', {
  env: { ...config.env, GITHUB_REPOSITORY: '' },
  platform: process.platform,
  homedir: config.home
})
if (!parsed.ok) {
  emit({
    event: 'error',
    name: 'InputError',
    message: parsed.problems.map(p => p.message).join('\n')
  })
  process.exit(2)
}
const abort = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    emit({ event: 'signal', signal })
    abort.abort()
  })
let held: AcquiredLock | undefined
const log = memoryLogger()
try {
  const result = await runCheckout(parsed.options, {
    env: config.env,
    platform: process.platform,
    log: { ...log, info: line => emit({ event: 'log', line }) },
    signal: abort.signal,
    job: { job: 'child' },
    tempDir: config.tempDir,
    holdTreeFor: 'process',
    stall: { limitBytes: 1024, seconds: config.stallSeconds ?? 60 },
    retryDelaysMs: [],
    onTreeHeld: (lock, tree) => {
      held = lock
      emit({ event: 'tree-held', tree, lockFile: lock.lockPath })
    },
    onGitProcess: (pid, args) => emit({ event: 'git', pid, args })
  })
  emit({ event: 'done', tree: result.tree, commit: result.store.sha, path: result.treeDir })
  await releaseLock(result.lock.lockPath, result.lock.token)
  emit({ event: 'released' })
} catch (error) {
  emit({ event: 'error', name: (error as Error).name, message: (error as Error).message })
  if (held) await releaseLock(held.lockPath, held.token).catch(() => undefined)
  emit({ event: 'released' })
  process.exitCode = 1
}
