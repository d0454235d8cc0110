/**
 * `shared-checkout`: the command-line tool for operators and for other CI systems (§6).
 * Exit codes (README "Command-line tool"): 0 done; 1 failed (git, disk, …); 2 bad usage or
 * input; 3 timed out waiting for a lock; 4 the lock was lost or is not held; 130 cancelled.
 */
import { GitCancelledError } from '../git/git.js'
import { LockCancelledError, LockLostError, LockTimeoutError } from '../lock/index.js'
import type { Logger } from '../logger.js'
import { InputError } from '../options/options.js'
import { evictCommand, gcCommand, statusCommand } from '../fleet/index.js'
import { UsageError } from './args.js'
import { checkoutCommand, releaseCommand, type CommandContext } from './commands.js'
import { HELP } from './help.js'

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  lockTimeout: 3,
  lockLost: 4,
  cancelled: 130
} as const

const COMMANDS: Record<string, (context: CommandContext) => Promise<void>> = {
  checkout: checkoutCommand,
  release: releaseCommand,
  status: statusCommand,
  gc: gcCommand,
  evict: evictCommand
}

/** Which exit code an error means. Pure. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputError) return EXIT.usage
  if (error instanceof LockTimeoutError) return EXIT.lockTimeout
  if (error instanceof LockLostError) return EXIT.lockLost
  if (error instanceof LockCancelledError || error instanceof GitCancelledError)
    return EXIT.cancelled
  return EXIT.failed
}

export const stderrLogger: Logger = {
  info: message => process.stderr.write(`${message}\n`),
  warning: message => process.stderr.write(`warning: ${message}\n`),
  notice: message => process.stderr.write(`notice: ${message}\n`),
  debug: message => {
    if (process.env.SHARED_CHECKOUT_DEBUG) process.stderr.write(`debug: ${message}\n`)
  }
}

export async function run(
  argv: string[],
  keeper: { entry: string; execArgv: string[] }
): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main)
    return command ? EXIT.ok : EXIT.usage
  }
  const handler = COMMANDS[command]
  if (!handler) {
    process.stderr.write(`shared-checkout: unknown command '${command}'.\n\n${HELP.main}`)
    return EXIT.usage
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP[command as keyof typeof HELP] ?? HELP.main)
    return EXIT.ok
  }
  const abort = new AbortController()
  const cancel = (): void => abort.abort()
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  try {
    await handler({
      argv: rest,
      env: process.env,
      out: line => process.stdout.write(`${line}\n`),
      log: stderrLogger,
      signal: abort.signal,
      keeperEntry: keeper.entry,
      keeperExecArgv: keeper.execArgv
    })
    return EXIT.ok
  } catch (error) {
    process.stderr.write(
      `shared-checkout ${command}: ${error instanceof Error ? error.message : String(error)}\n`
    )
    return exitCodeFor(error)
  } finally {
    process.off('SIGINT', cancel)
    process.off('SIGTERM', cancel)
  }
}
