/**
 * Command-line flags of `shared-checkout`: `--name value`, `--name=value`, and bare `--flag`
 * for booleans. Pure. Flags carry the action's input names, so every value goes through the
 * same parsers (options/) as the action's inputs.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export interface ParsedArgs {
  flags: Map<string, string>
  positional: string[]
}

/**
 * `booleans`: flags that may appear without a value (`--json`, `--dry-run`, `--clean`); all
 * others take one. Unknown flags are refused, naming the ones accepted.
 */
export function parseArgs(
  argv: readonly string[],
  known: { values: readonly string[]; booleans: readonly string[] }
): ParsedArgs {
  const flags = new Map<string, string>()
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (name === 'token')
      throw new UsageError(
        '--token is not accepted: a token on the command line is visible to every user of the machine. ' +
          'Set SHARED_CHECKOUT_TOKEN (or GITHUB_TOKEN) in the environment instead.'
      )
    const isBoolean = known.booleans.includes(name)
    if (!isBoolean && !known.values.includes(name)) {
      const all = [...known.values, ...known.booleans].map(n => `--${n}`).join(', ')
      throw new UsageError(`unknown flag --${name}; accepted: ${all || 'none'}`)
    }
    if (flags.has(name)) throw new UsageError(`--${name} is given twice`)
    if (eq >= 0) flags.set(name, arg.slice(eq + 1))
    else if (isBoolean) {
      const next = argv[i + 1]
      if (next !== undefined && /^(true|false)$/i.test(next)) {
        flags.set(name, next)
        i++
      } else flags.set(name, 'true')
    } else {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`--${name} needs a value`)
      flags.set(name, next)
      i++
    }
  }
  return { flags, positional }
}

/** `12G`, `500M`, `1.5T`, `2048` (bytes) → bytes. Pure. */
export function parseSize(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?$/i.exec(value.trim())
  if (!match) return undefined
  const units: Record<string, number> = {
    '': 1,
    B: 1,
    K: 1024,
    M: 1024 ** 2,
    G: 1024 ** 3,
    T: 1024 ** 4
  }
  const unit =
    (match[2] ?? '').toUpperCase().replace(/I?B$/, '') ||
    (match[2]?.toUpperCase() === 'B' ? 'B' : '')
  const factor = units[unit]
  if (factor === undefined) return undefined
  return Math.round(Number(match[1]) * factor)
}
