/**
 * Temporary siblings of the clone used while saving or restoring: same file system as the
 * clone (hard links and an atomic rename work), named so that nothing mistakes them for a clone.
 */
import { randomBytes } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Logger } from '../logger.js'

export type StagingPurpose = 'cache-restore' | 'cache-save'

export function stagingPathFor(clonePath: string, purpose: StagingPurpose): string {
  return `${clonePath}.${purpose}-${randomBytes(6).toString('hex')}`
}

/**
 * Removes staging siblings a killed job left behind. Safe only because the caller holds the
 * clone's lock (§2): no other job can be using them.
 */
export async function removeStaleStaging(clonePath: string, logger: Logger): Promise<void> {
  const name = basename(clonePath)
  const stale = /^\.(cache-restore|cache-save)-[0-9a-f]{12}$/
  for (const entry of await readdir(dirname(clonePath)).catch(() => [])) {
    if (!entry.startsWith(name) || !stale.test(entry.slice(name.length))) continue
    const path = join(dirname(clonePath), entry)
    await rm(path, { recursive: true, force: true }).then(
      () => logger.info(`Removed ${path}, left behind by an interrupted cache step.`),
      error => logger.warning(`Could not remove ${path}: ${error}; remove it by hand.`)
    )
  }
}
