/**
 * Reading a store's refs straight from its files (packed-refs and loose refs), without a git
 * process: the warm path copies the store's branches and tags into a tree on every job. Pure
 * parsers plus one reader.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isObjectId } from '../git/refs.js'

/** `packed-refs` → ref name → object id (peel lines `^…` are skipped). Pure. */
export function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue
    const space = line.indexOf(' ')
    const oid = line.slice(0, space)
    if (space > 0 && isObjectId(oid)) refs.set(line.slice(space + 1), oid)
  }
  return refs
}

/** A loose ref file's object id, or undefined (symbolic or damaged). Pure. */
export function parseLooseRef(content: string): string | undefined {
  const oid = content.trim()
  return isObjectId(oid) ? oid : undefined
}

function walkLoose(gitDir: string, relative: string, refs: Map<string, string>): void {
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(path.join(gitDir, relative), { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const name = `${relative}/${entry.name}`
    if (entry.isDirectory()) walkLoose(gitDir, name, refs)
    else if (entry.isFile() && !entry.name.endsWith('.lock')) {
      try {
        const oid = parseLooseRef(readFileSync(path.join(gitDir, name), 'latin1'))
        if (oid) refs.set(name, oid)
      } catch {
        // removed while we read: the packed value (if any) stands
      }
    }
  }
}

/** Refs under the given prefixes (e.g. `refs/remotes/origin`, `refs/tags`); loose wins. */
export function readRefs(gitDir: string, prefixes: readonly string[]): Map<string, string> {
  const refs = new Map<string, string>()
  let packed = ''
  try {
    packed = readFileSync(path.join(gitDir, 'packed-refs'), 'latin1')
  } catch {
    // no packed refs
  }
  for (const [name, oid] of parsePackedRefs(packed)) {
    if (prefixes.some(prefix => name.startsWith(`${prefix}/`))) refs.set(name, oid)
  }
  for (const prefix of prefixes) walkLoose(gitDir, prefix, refs)
  return refs
}

/** A `packed-refs` file holding `refs` (sorted, no peel lines: git peels on demand). Pure. */
export function renderPackedRefs(refs: ReadonlyMap<string, string>): string {
  const names = [...refs.keys()].sort()
  return names.map(name => `${refs.get(name)} ${name}\n`).join('')
}
