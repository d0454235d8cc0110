/**
 * The command line of the stand-alone lock (src/bin/lock.ts), kept pure: argv in, a checked
 * command or a usage error out (§7: every value is checked before anything on disk changes,
 * and an error names the flag, the value and what is accepted). Help texts live here too.
 */
import { LockOptionError } from './errors.js'
import { parseTimeoutSeconds } from './options.js'
import { lockPathFor } from './paths.js'

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** The lock could not be taken, released or read (lost, path problem, keeper failure …). */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** `acquire --timeout` ran out: the holder is named on stderr. */
  timedOut: 3,
  /** SIGINT/SIGTERM while waiting: this process left the queue. */
  cancelled: 4
} as const

/** A bad command line (exit 2). */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliUsageError'
  }
}

export type CliCommand =
  | { kind: 'help'; text: string }
  | {
      kind: 'acquire'
      lockFile: string
      timeoutSeconds: number
      hold: 'job' | 'process'
      anchorPid?: number
    }
  | { kind: 'release'; lockFile: string; token: string }
  | { kind: 'status'; lockFile: string }

const WHERE = `  --path <clone>        the directory the lock guards; the lock file is <clone>.lock
  --lock <file>         or the lock file itself (one of the two is required)`

const EXIT_CODES = `Exit codes: 0 done; 1 failed (lost lock, unwritable directory, keeper problem …);
2 bad command line; 3 timed out waiting (the holder is named); 4 cancelled while waiting.`

export const HELP: Record<'main' | 'acquire' | 'release' | 'status', string> = {
  main: `Usage: lock <command> [flags]      (lock <command> --help for its flags)

The job-spanning lock of Shared Checkout, usable from any CI script.

Commands:
  acquire   take the lock (waits in a FIFO queue); prints {"token", ...} as JSON
  release   release it, given the token acquire printed
  status    print who holds it, as JSON

${EXIT_CODES}
`,
  acquire: `Usage: lock acquire (--path <clone> | --lock <file>) [--timeout S] [--hold job|process]
                    [--anchor-pid PID]

Takes the lock, waiting in arrival order; while it waits it prints who holds it (stderr).
Prints one JSON line on stdout: {"token", "lockFile", "keeperPid", "keeperStartTime",
"waitedMs", "anchorPid"}. Keep the token: release needs it.

${WHERE}
  --timeout S           -1 waits forever (default), 0 tries once, else seconds with at most
                        3 decimals (e.g. 600 or 2.5)
  --hold job            (default) the lock outlives this command: a background keeper holds it
                        until \`lock release\`, or until the anchor process exits — by default
                        the PARENT of this command, i.e. the shell that ran it. Run acquire and
                        release from the same long-lived shell script: once that shell exits,
                        the keeper releases the lock (and a later release reports it gone).
  --hold process        this command itself holds the lock until SIGINT/SIGTERM, then releases
  --anchor-pid PID      with --hold job: tie the lock to this process instead of the parent
                        (e.g. --anchor-pid $$; note that \`bash -c 'lock acquire …'\` runs the
                        command in bash's place, which makes bash's own parent the anchor)

${EXIT_CODES}
`,
  release: `Usage: lock release (--path <clone> | --lock <file>) --token T

Releases the lock if it still carries the token (32 hex digits, as acquire printed), and
stops its keeper. Fails (exit 1) when it is no longer held with that token: released by its
keeper because the shell that ran \`lock acquire --hold job\` has exited, or broken as stale.

${WHERE}
  --token T             the token acquire printed

${EXIT_CODES}
`,
  status: `Usage: lock status (--path <clone> | --lock <file>)

Prints {"lockFile", "held", "description", "holder"} as JSON (exit 0 whether held or not).

${WHERE}

${EXIT_CODES}
`
}

const FLAGS: Record<'acquire' | 'release' | 'status', readonly string[]> = {
  acquire: ['path', 'lock', 'timeout', 'hold', 'anchor-pid'],
  release: ['path', 'lock', 'token'],
  status: ['path', 'lock']
}

const TOKEN = /^[0-9a-f]{32}$/

type Command = keyof typeof FLAGS

function isCommand(word: string | undefined): word is Command {
  return word === 'acquire' || word === 'release' || word === 'status'
}

const isHelp = (word: string): boolean => word === '--help' || word === '-h' || word === 'help'

function bad(flag: string, value: string, accepted: string): CliUsageError {
  return new CliUsageError(`${flag} ${JSON.stringify(value)} is not valid: expected ${accepted}.`)
}

/** `--name value` or `--name=value`; each known flag at most once; nothing else. */
function readFlags(command: Command, args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>()
  const known = FLAGS[command]
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    if (!match) {
      throw new CliUsageError(
        `lock ${command}: unexpected argument ${JSON.stringify(arg)}; flags are ${known.map(f => `--${f}`).join(', ')}.`
      )
    }
    const [, name, inline] = match
    if (!known.includes(name)) {
      throw new CliUsageError(
        `lock ${command}: unknown flag --${name}; it accepts ${known.map(f => `--${f}`).join(', ')} (see lock ${command} --help).`
      )
    }
    if (flags.has(name)) throw new CliUsageError(`lock ${command}: --${name} is given twice.`)
    const value = inline ?? args[i + 1]
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new CliUsageError(`lock ${command}: --${name} needs a value.`)
    }
    if (inline === undefined) i++
    flags.set(name, value)
  }
  return flags
}

function lockFileOf(command: Command, flags: Map<string, string>): string {
  const path = flags.get('path')
  const lock = flags.get('lock')
  if ((path === undefined) === (lock === undefined)) {
    throw new CliUsageError(
      `lock ${command}: give exactly one of --path <clone> and --lock <file> (see lock ${command} --help).`
    )
  }
  if (path !== undefined) {
    if (path.trim() === '') throw bad('--path', path, 'a directory path')
    return lockPathFor(path)
  }
  if (lock!.trim() === '') throw bad('--lock', lock!, 'a lock file path')
  return lock!
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return -1
  try {
    return parseTimeoutSeconds(value, '--timeout')
  } catch (error) {
    if (error instanceof LockOptionError) throw new CliUsageError(error.message)
    throw error
  }
}

/** Parses `lock <command> [flags]` (argv without node and the script). */
export function parseCli(argv: readonly string[]): CliCommand {
  const [command, ...args] = argv
  if (command === undefined || isHelp(command)) {
    const topic = args[0]
    return { kind: 'help', text: HELP[isCommand(topic) ? topic : 'main'] }
  }
  if (!isCommand(command)) {
    throw new CliUsageError(
      `unknown command ${JSON.stringify(command)}. usage: lock acquire|release|status [flags] (lock --help).`
    )
  }
  if (args.some(isHelp)) return { kind: 'help', text: HELP[command] }
  const flags = readFlags(command, args)
  const lockFile = lockFileOf(command, flags)
  if (command === 'status') return { kind: 'status', lockFile }
  if (command === 'release') {
    const token = flags.get('token')
    if (token === undefined) throw new CliUsageError('lock release: --token is required.')
    if (!TOKEN.test(token)) throw bad('--token', token, '32 hex digits, as acquire printed')
    return { kind: 'release', lockFile, token }
  }
  const hold = flags.get('hold') ?? 'job'
  if (hold !== 'job' && hold !== 'process') throw bad('--hold', hold, 'job or process')
  const anchor = flags.get('anchor-pid')
  let anchorPid: number | undefined
  if (anchor !== undefined) {
    anchorPid = /^\d+$/.test(anchor) ? Number(anchor) : NaN
    if (!Number.isSafeInteger(anchorPid) || anchorPid <= 1) {
      throw bad('--anchor-pid', anchor, 'the id of a running process (greater than 1)')
    }
    if (hold !== 'job') throw new CliUsageError('lock acquire: --anchor-pid needs --hold job.')
  }
  return {
    kind: 'acquire',
    lockFile,
    timeoutSeconds: parseTimeout(flags.get('timeout')),
    hold,
    anchorPid
  }
}
