/**
 * @actions/cache and @actions/core write workflow commands (`::debug::…`, `::add-mask::…`,
 * `::warning::…`) to stdout for the runner to interpret. Outside a runner they are noise: tests
 * drop them while they run (and collect them, should a test want to look).
 */
export function captureWorkflowCommands(): { lines: string[]; restore: () => void } {
  const lines: string[] = []
  const original = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const kept = text.split(/(?<=\n)/).filter(line => {
      if (!line.startsWith('::')) return true
      lines.push(line.trimEnd())
      return false
    })
    if (kept.length === 0) return true
    return (original as (...args: unknown[]) => boolean)(kept.join(''), ...rest)
  }) as typeof process.stdout.write
  return { lines, restore: () => void (process.stdout.write = original) }
}
