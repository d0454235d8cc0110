/**
 * Per-machine settings of the fleet tools (§6): how long an unused tree or repository is kept,
 * and how much free space the root's file system keeps. They belong to the machine, not to a
 * workflow, so they come from the environment of the runner (or CI agent) and from a file in
 * the root; the environment wins over the file, the file over the defaults:
 *
 *   SHARED_CHECKOUT_EVICT_TREE_DAYS   evictTreeDays   default 7     a tree unused this long goes
 *   SHARED_CHECKOUT_EVICT_REPO_DAYS   evictRepoDays   default 30    a repository unused this long goes
 *   SHARED_CHECKOUT_EVICT_MIN_FREE    evictMinFree    default auto  = min(10 GiB, 10 % of the file system)
 *
 * `<root>/_settings.json` holds the file's keys, e.g. `{ "evictTreeDays": 3, "evictMinFree": "20G" }`.
 * No host directory can be named `_settings.json`: host names with '_' are refused (§7).
 * Parsing is pure; only loadSettings reads the file.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseSize, UsageError } from '../cli/args.js'
import { formatBytes } from './format.js'

export const SETTINGS_FILE_NAME = '_settings.json'

/** A setting that cannot be used: names where it came from, the value and what is accepted. */
export class SettingsError extends UsageError {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

/** How much free space eviction keeps on the root's file system. */
export type MinFree =
  | { kind: 'auto' }
  | { kind: 'bytes'; bytes: number }
  | { kind: 'percent'; percent: number }
  | { kind: 'off' }

export type SettingSource = 'default' | 'file' | 'environment' | 'flag'

export interface FleetSettings {
  /** Days a tree may stay unused; null: trees are never removed for age. */
  treeDays: number | null
  /** Days a whole repository may stay unused; null: never removed for age. */
  repoDays: number | null
  minFree: MinFree
  /** Where each value came from, for status and logs. */
  sources: { treeDays: SettingSource; repoDays: SettingSource; minFree: SettingSource }
}

/**
 * Defaults (README "Running a fleet"): a tree unused for a week is cheap to check out again
 * from the store; a repository unused for a month costs one clone if it comes back.
 */
export const DEFAULT_TREE_DAYS = 7
export const DEFAULT_REPO_DAYS = 30
/**
 * `auto`: 10 GiB or 10 % of the file system, whichever is smaller. 10 GiB keeps room for a
 * couple of large clones and build outputs on a big disk; on a small runner disk (say 40 GiB)
 * a fixed 10 GiB would be a quarter of it and would evict repositories that are in daily use,
 * so the share caps it there.
 */
export const AUTO_MIN_FREE_BYTES = 10 * 1024 ** 3
export const AUTO_MIN_FREE_PERCENT = 10

const ENV = {
  treeDays: 'SHARED_CHECKOUT_EVICT_TREE_DAYS',
  repoDays: 'SHARED_CHECKOUT_EVICT_REPO_DAYS',
  minFree: 'SHARED_CHECKOUT_EVICT_MIN_FREE'
} as const
const FILE_KEYS = {
  treeDays: 'evictTreeDays',
  repoDays: 'evictRepoDays',
  minFree: 'evictMinFree'
} as const

export const DAYS_ACCEPTED =
  "a number of days greater than 0 (decimals allowed, e.g. 7 or 0.5), or 'off' to never remove for age"
export const MIN_FREE_ACCEPTED =
  "a size such as 20G, 500M or 1.5T (K/M/G/T are powers of 1024; a bare number is bytes), a share of the file system such as 15%, 'auto' (10 GiB or 10 %, whichever is smaller) or 'off'"

const OFF = /^(off|never|none|false)$/i

/** `7`, `0.5`, `off` → days (null = off); undefined when not accepted. Pure. */
export function parseDays(text: string): number | null | undefined {
  const value = text.trim()
  if (OFF.test(value)) return null
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined
  const days = Number(value)
  return days > 0 && Number.isFinite(days) ? days : undefined
}

/** `20G`, `15%`, `auto`, `off`, `0` → MinFree; undefined when not accepted. Pure. */
export function parseMinFree(text: string): MinFree | undefined {
  const value = text.trim()
  if (OFF.test(value)) return { kind: 'off' }
  if (/^auto$/i.test(value)) return { kind: 'auto' }
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value)
  if (percent) {
    const share = Number(percent[1])
    return share > 0 && share < 100 ? { kind: 'percent', percent: share } : undefined
  }
  const bytes = parseSize(value)
  if (bytes === undefined) return undefined
  return bytes === 0 ? { kind: 'off' } : { kind: 'bytes', bytes }
}

/** The free space to keep on a file system of `totalBytes`, or 0 when off. Pure. */
export function minFreeBytes(minFree: MinFree, totalBytes: number): number {
  switch (minFree.kind) {
    case 'off':
      return 0
    case 'bytes':
      return minFree.bytes
    case 'percent':
      return Math.floor((totalBytes * minFree.percent) / 100)
    case 'auto':
      return Math.min(AUTO_MIN_FREE_BYTES, Math.floor((totalBytes * AUTO_MIN_FREE_PERCENT) / 100))
  }
}

/** How a MinFree reads in logs and status: `auto (10.0 GiB)`, `15%`, `20.0 GiB`, `off`. Pure. */
export function describeMinFree(minFree: MinFree): string {
  switch (minFree.kind) {
    case 'off':
      return 'off'
    case 'bytes':
      return formatBytes(minFree.bytes)
    case 'percent':
      return `${minFree.percent}%`
    case 'auto':
      return `auto: 10 GiB or ${AUTO_MIN_FREE_PERCENT}%, whichever is smaller`
  }
}

type FileValues = Partial<Record<keyof typeof FILE_KEYS, string>>

/** The settings file's text → its values as strings; throws SettingsError naming the file. Pure. */
export function parseSettingsFile(text: string, file: string): FileValues {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new SettingsError(
      `${file} is not valid JSON (${(error as Error).message}); expected an object such as ` +
        `{ "evictTreeDays": 7, "evictRepoDays": 30, "evictMinFree": "auto" }`
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SettingsError(
      `${file} must hold a JSON object such as { "evictTreeDays": 7, "evictRepoDays": 30, "evictMinFree": "auto" }`
    )
  const known = Object.values(FILE_KEYS) as string[]
  const values: FileValues = {}
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const setting = (Object.keys(FILE_KEYS) as (keyof typeof FILE_KEYS)[]).find(
      name => FILE_KEYS[name] === key
    )
    if (!setting)
      throw new SettingsError(
        `${file}: unknown key ${JSON.stringify(key)}; accepted keys: ${known.join(', ')}`
      )
    if (typeof raw !== 'string' && typeof raw !== 'number')
      throw new SettingsError(
        `${file}: ${key} is ${JSON.stringify(raw)}; expected ${setting === 'minFree' ? MIN_FREE_ACCEPTED : DAYS_ACCEPTED}`
      )
    values[setting] = String(raw)
  }
  return values
}

/**
 * The effective settings: environment over file over defaults. Every value is checked; the
 * first bad one throws SettingsError naming its variable or file key, the value and what is
 * accepted. Pure.
 */
export function resolveSettings(input: {
  env: NodeJS.ProcessEnv
  fileText?: string
  file: string
}): FleetSettings {
  const fileValues =
    input.fileText === undefined ? {} : parseSettingsFile(input.fileText, input.file)
  const days = (text: string, where: string): number | null => {
    const parsed = parseDays(text)
    if (parsed === undefined)
      throw new SettingsError(`${where} is ${JSON.stringify(text)}; expected ${DAYS_ACCEPTED}`)
    return parsed
  }
  const free = (text: string, where: string): MinFree => {
    const parsed = parseMinFree(text)
    if (!parsed)
      throw new SettingsError(`${where} is ${JSON.stringify(text)}; expected ${MIN_FREE_ACCEPTED}`)
    return parsed
  }
  // Every value given is checked, also one the environment overrides: a typo in the file
  // would otherwise surface only once the variable is gone.
  const parse = <T>(
    name: keyof typeof ENV,
    parser: (text: string, where: string) => T,
    fallback: T
  ): [T, SettingSource] => {
    const fromFile = fileValues[name]
    const fileValue =
      fromFile === undefined ? undefined : parser(fromFile, `${FILE_KEYS[name]} in ${input.file}`)
    const fromEnv = input.env[ENV[name]]
    if (fromEnv !== undefined && fromEnv.trim() !== '')
      return [parser(fromEnv, ENV[name]), 'environment']
    if (fromFile !== undefined) return [fileValue as T, 'file']
    return [fallback, 'default']
  }
  const [treeDays, treeSource] = parse('treeDays', days, DEFAULT_TREE_DAYS as number | null)
  const [repoDays, repoSource] = parse('repoDays', days, DEFAULT_REPO_DAYS as number | null)
  const [minFree, freeSource] = parse('minFree', free, { kind: 'auto' } as MinFree)
  return {
    treeDays,
    repoDays,
    minFree,
    sources: { treeDays: treeSource, repoDays: repoSource, minFree: freeSource }
  }
}

export function settingsFileOf(root: string): string {
  return path.join(root, SETTINGS_FILE_NAME)
}

/** Reads `<root>/_settings.json` (absent: defaults and environment only) and resolves. */
export function loadSettings(root: string, env: NodeJS.ProcessEnv): FleetSettings {
  const file = settingsFileOf(root)
  let fileText: string | undefined
  try {
    fileText = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      throw new SettingsError(
        `${file} cannot be read (${(error as Error).message}); fix its permissions or remove it`
      )
  }
  return resolveSettings({ env, fileText, file })
}

/** Flags of `shared-checkout evict` over the machine's settings. Pure. */
export function withOverrides(
  settings: FleetSettings,
  overrides: { olderThanDays?: number | null; minFree?: MinFree }
): FleetSettings {
  const result: FleetSettings = { ...settings, sources: { ...settings.sources } }
  if (overrides.olderThanDays !== undefined) {
    result.treeDays = overrides.olderThanDays
    result.repoDays = overrides.olderThanDays
    result.sources.treeDays = 'flag'
    result.sources.repoDays = 'flag'
  }
  if (overrides.minFree !== undefined) {
    result.minFree = overrides.minFree
    result.sources.minFree = 'flag'
  }
  return result
}
