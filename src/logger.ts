/**
 * What git/ and cache/ need to report progress, without importing the toolkit: the action
 * glue hands in one backed by @actions/core, tests and scripts one backed by the console.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  /** Worth seeing but not a problem (e.g. the cache service is unavailable here, §4). */
  notice(message: string): void
  debug(message: string): void
}

export const consoleLogger: Logger = {
  info: message => console.log(message),
  warning: message => console.log(`warning: ${message}`),
  notice: message => console.log(`notice: ${message}`),
  debug: message => {
    if (process.env.SHARED_CHECKOUT_DEBUG) console.log(`debug: ${message}`)
  }
}

/** Collects lines, for tests that assert on what was logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: message => lines.push(message),
    warning: message => lines.push(`warning: ${message}`),
    notice: message => lines.push(`notice: ${message}`),
    debug: message => lines.push(`debug: ${message}`)
  }
}
