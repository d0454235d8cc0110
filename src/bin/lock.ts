/**
 * The lock as a stand-alone CLI, usable from any CI script:
 *   lock acquire --path <clone> [--timeout S] [--hold job|process]
 *       job (default): prints {"token","lockFile",...} and exits; a keeper holds the lock until
 *         `release`, or until the calling shell (the job anchor) exits.
 *       process: prints the same, then holds the lock until SIGINT/SIGTERM and releases it.
 *   lock release --path <clone> --token T
 *   lock status --path <clone>
 */
import { resolve } from 'node:path'
import {
  acquireLock,
  describeHolder,
  isKeeperInvocation,
  lockPathFor,
  readLockHolder,
  releaseLock,
  runKeeper
} from '../lock/index.js'

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`)
  return index >= 0 ? args[index + 1] : undefined
}

function required(args: string[], name: string): string {
  const value = option(args, name)
  if (!value) throw new Error(`--${name} is required`)
  return value
}

async function acquire(args: string[]): Promise<void> {
  const lockFile = lockPathFor(resolve(required(args, 'path')))
  const hold = option(args, 'hold') ?? 'job'
  if (hold !== 'job' && hold !== 'process')
    throw new Error(`--hold ${hold}: expected job or process`)
  const abort = new AbortController()
  const cancel = (): void => abort.abort()
  process.on('SIGINT', cancel)
  process.on('SIGTERM', cancel)
  const lock = await acquireLock({
    lockPath: lockFile,
    holdFor: hold,
    timeoutSeconds: Number(option(args, 'timeout') ?? '-1'),
    keeperEntry: process.argv[1],
    keeperExecArgv: process.execArgv,
    signal: abort.signal,
    log: line => console.error(line)
  })
  const { token, keeperPid, keeperStartTime, waitedMs } = lock
  console.log(JSON.stringify({ token, lockFile, keeperPid, keeperStartTime, waitedMs }))
  if (hold === 'job') return
  await new Promise<void>(done => {
    process.off('SIGINT', cancel).off('SIGTERM', cancel)
    process.once('SIGINT', done).once('SIGTERM', done)
    setInterval(() => undefined, 1 << 30)
  })
  await releaseLock(lockFile, token)
}

async function status(args: string[]): Promise<void> {
  const lockFile = lockPathFor(resolve(required(args, 'path')))
  const holder = await readLockHolder(lockFile)
  const description = holder ? describeHolder(holder, Date.now()) : undefined
  console.log(JSON.stringify({ lockFile, held: holder !== undefined, description, holder }))
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv
  if (command === 'acquire') return acquire(args)
  if (command === 'release') {
    return releaseLock(lockPathFor(resolve(required(args, 'path'))), required(args, 'token'))
  }
  if (command === 'status') return status(args)
  throw new Error('usage: lock acquire|release|status --path <clone> [...]')
}

if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
  process.exit(0)
} else {
  try {
    await main(process.argv.slice(2))
    process.exit(0)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
}
