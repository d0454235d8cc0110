/** Timing and disk helpers for bench/run.ts. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { median } from './stats.js'

const execFileAsync = promisify(execFile)

/** Median and every sample, as stored in the JSON results. */
export interface Sample {
  median: number
  samples: number[]
}

export function sample(values: number[]): Sample {
  return { median: median(values), samples: values.map(v => Math.round(v * 100) / 100) }
}

/** Disk used by the paths together (`du -sk`, hard links counted once), in bytes. */
export async function diskUsage(paths: string[]): Promise<number> {
  const { stdout } = await execFileAsync('du', ['-skc', ...paths])
  const total = stdout.trim().split('\n').pop() ?? '0'
  return Number.parseInt(total, 10) * 1024
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return 'n/a'
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`
  return `${bytes} B`
}

export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`
}

/** "0.42×" — how long `value` takes relative to `baseline` (< 1 = faster than the baseline). */
export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return 'n/a'
  return `${(value / baseline).toFixed(2)}×`
}

/** "345 ms (323–393)": median with the range of the samples, for noisy machines. */
export function formatSpread(s: Sample): string {
  if (s.samples.length < 2) return formatSeconds(s.median)
  const low = Math.min(...s.samples)
  const high = Math.max(...s.samples)
  const unit = (ms: number): string => (high >= 1000 ? (ms / 1000).toFixed(2) : ms.toFixed(0))
  return `${formatSeconds(s.median)} (${unit(low)}–${unit(high)}${high >= 1000 ? ' s' : ' ms'})`
}
