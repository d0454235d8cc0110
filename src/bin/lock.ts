/**
 * The lock as a stand-alone CLI, usable from any CI script (`lock --help`; flags, help texts and
 * exit codes: src/lock/cli.ts):
 *   lock acquire (--path <clone> | --lock <file>) [--timeout S] [--hold job|process] [--anchor-pid PID]
 *   lock release (--path <clone> | --lock <file>) --token T
 *   lock status  (--path <clone> | --lock <file>)
 */
import { resolve } from 'node:path'
import { CliUsageError, EXIT, parseCli, type CliCommand } from '../lock/cli.js'
import {
  acquireLock,
  describeHolder,
  isKeeperInvocation,
  LockCancelledError,
  LockLostError,
  LockOptionError,
  LockTimeoutError,
  readLockHolder,
  releaseLock,
  runKeeper
} from '../lock/index.js'

type Acquire = Extract<CliCommand, { kind: 'acquire' }>

async function acquire(command: Acquire): Promise<void> {
  const lockFile = resolve(command.lockFile)
  const abort = new AbortController()
  const cancel = (): void => abort.abort()
  process.on('SIGINT', cancel)
  process.on('SIGTERM', cancel)
  const lock = await acquireLock({
    lockPath: lockFile,
    holdFor: command.hold,
    timeoutSeconds: command.timeoutSeconds,
    jobAnchorPid: command.anchorPid,
    keeperEntry: process.argv[1],
    keeperExecArgv: process.execArgv,
    signal: abort.signal,
    log: line => console.error(line)
  })
  try {
    // This process may exit right after printing: the keeper must hold the lock by then.
    await lock.keeperReady
  } catch (error) {
    await releaseLock(lockFile, lock.token).catch(() => undefined)
    throw error
  }
  const { token, keeperPid, keeperStartTime, waitedMs } = lock
  const anchorPid = lock.record.owners.find(owner => owner.role === 'job-anchor')?.pid
  console.log(JSON.stringify({ token, lockFile, keeperPid, keeperStartTime, waitedMs, anchorPid }))
  if (command.hold === 'job') return
  await new Promise<void>(done => {
    process.off('SIGINT', cancel).off('SIGTERM', cancel)
    process.once('SIGINT', done).once('SIGTERM', done)
    setInterval(() => undefined, 1 << 30)
  })
  await releaseLock(lockFile, token)
}

async function release(lockFile: string, token: string): Promise<void> {
  try {
    await releaseLock(resolve(lockFile), token)
  } catch (error) {
    if (!(error instanceof LockLostError) || error.current) throw error
    throw new Error(
      `lock release: ${error.lockPath} is not held any more (there is no lock file). A lock ` +
        'taken with `lock acquire --hold job` is released by its keeper as soon as its anchor ' +
        'process exits: by default the shell that ran `lock acquire`. If that shell ended ' +
        'before this release, the lock was released then: run acquire and release from the ' +
        'same shell script, or pass --anchor-pid. Otherwise it was broken as stale.'
    )
  }
}

async function status(lockFile: string): Promise<void> {
  const absolute = resolve(lockFile)
  const holder = await readLockHolder(absolute)
  const description = holder ? describeHolder(holder, Date.now()) : undefined
  console.log(
    JSON.stringify({ lockFile: absolute, held: holder !== undefined, description, holder })
  )
}

async function run(argv: string[]): Promise<void> {
  const command = parseCli(argv)
  if (command.kind === 'help') return void process.stdout.write(command.text)
  if (command.kind === 'acquire') return acquire(command)
  if (command.kind === 'release') return release(command.lockFile, command.token)
  return status(command.lockFile)
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CliUsageError || error instanceof LockOptionError) return EXIT.usage
  if (error instanceof LockTimeoutError) return EXIT.timedOut
  if (error instanceof LockCancelledError) return EXIT.cancelled
  return EXIT.failed
}

if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
  process.exit(EXIT.ok)
} else {
  try {
    await run(process.argv.slice(2))
    process.exit(EXIT.ok)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(exitCodeOf(error))
  }
}
