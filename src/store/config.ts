/**
 * The store's git directory as the action needs it (§3.6): written afresh whenever the store
 * lock is taken, from an allow-list of entries and a config of our own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { objectFormatOf, renderConfig, type ConfigSection } from '../git/gitdir.js'

/** What a bare repository needs; lock files, FETCH_HEAD, hooks, logs, … go. */
export const STORE_KEEP: ReadonlySet<string> = new Set([
  'HEAD',
  'config',
  'objects',
  'refs',
  'packed-refs',
  'shallow',
  'lfs',
  'hooks',
  'info'
])

export interface StoreConfigInput {
  /** Where fetches go (HTTPS, or SSH with ssh-key), as `remote.origin.url`. */
  fetchUrl: string
  objectFormat: 'sha1' | 'sha256'
  /** The partial-clone filter, when the store is (or becomes) a partial clone. */
  filter?: string
}

/** Pure. */
export function storeConfig(input: StoreConfigInput): string {
  const partial = input.filter !== undefined && input.filter !== ''
  const extensions: [string, string][] = []
  if (input.objectFormat === 'sha256') extensions.push(['objectformat', 'sha256'])
  if (partial) extensions.push(['partialclone', 'origin'])
  const origin: ConfigSection = {
    name: 'remote',
    subsection: 'origin',
    values: [['url', input.fetchUrl]]
  }
  if (partial) origin.values.push(['promisor', true], ['partialclonefilter', input.filter!])
  const sections: ConfigSection[] = [
    {
      name: 'core',
      values: [
        ['repositoryformatversion', extensions.length > 0 ? 1 : 0],
        ['filemode', true],
        ['bare', true],
        ['logallrefupdates', false]
      ]
    },
    { name: 'extensions', values: extensions },
    origin,
    { name: 'gc', values: [['auto', 0]] },
    { name: 'maintenance', values: [['auto', false]] }
  ]
  return renderConfig(sections)
}

/** The store's object format and whether it already is a partial clone (promisor packs). */
export function storeFacts(storeDir: string): {
  objectFormat: 'sha1' | 'sha256'
  filter?: string
} {
  let config = ''
  try {
    config = readFileSync(path.join(storeDir, 'config'), 'utf8')
  } catch {
    // a store being created: the defaults
  }
  const filter = /^\s*partialclonefilter\s*=\s*"?([^"\n]+)"?\s*$/im.exec(config)?.[1]
  return { objectFormat: objectFormatOf(config), filter: filter?.trim() }
}

/** Does the store hold promisor packs (objects fetched with a filter)? */
export function hasPromisorPacks(storeDir: string): boolean {
  try {
    return readdirSync(path.join(storeDir, 'objects', 'pack')).some(name =>
      name.endsWith('.promisor')
    )
  } catch {
    return false
  }
}

/** A store is usable once it has been renamed into place with these. */
export function looksLikeStore(storeDir: string): boolean {
  return ['HEAD', 'config', 'objects', 'refs'].every(name => existsSync(path.join(storeDir, name)))
}
