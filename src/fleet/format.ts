/** How sizes and times read in the fleet tools' logs, status and evict output. Pure. */

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const

/** `0 bytes`, `812 bytes`, `1.5 KiB`, `12.3 GiB` (powers of 1024, like `du -h`). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} bytes`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`
}

/** `45s`, `12m`, `3h`, `5d` — a coarse span for tables. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours}h`
  return `${Math.floor(hours / 24)}d`
}

/** `12m ago`, or `never` when unknown. */
export function formatAgo(atMs: number | undefined, nowMs: number): string {
  return atMs === undefined ? 'never' : `${formatSpan(nowMs - atMs)} ago`
}

/** Days as given in settings: `7 days`, `0.5 days`, `1 day`. */
export function formatDays(days: number): string {
  return `${Number(days.toFixed(4))} ${days === 1 ? 'day' : 'days'}`
}

export const DAY_MS = 24 * 3600_000

/** Aligns rows into columns separated by two spaces; the last column is not padded. */
export function renderTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  return rows.map(row =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  )
}
