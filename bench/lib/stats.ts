/** Small numeric helpers shared by the benchmarks. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export const median = (values: readonly number[]): number => percentile(values, 50)

export const max = (values: readonly number[]): number =>
  values.length === 0 ? NaN : values.reduce((a, b) => Math.max(a, b), -Infinity)

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`
}

/** Prints rows as an aligned two-column table under a title. */
export function printTable(title: string, rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(`\n${title}`)
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
}

/** Parses `--name value` pairs. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) flags.set(argv[i].slice(2), 'true')
    else flags.set(argv[i].slice(2), argv[++i])
  }
  return flags
}
