/**
 * A lock entry (testkit/lock-holder.ts, src/bin/lock.ts) bundled into one plain .mjs with the
 * lock module inside, for tests that start many holder, keeper or CLI processes:
 * - node starts it about three times faster than through tsx, which matters for a suite that
 *   starts dozens of processes on a 2-core machine (issue 16.5);
 * - it lives in a fresh world-readable temp directory, so a process of another user (the
 *   unprivileged-user tests run as `nobody`) can load it wherever the repository is cloned,
 *   even inside a directory only root may enter (issue 13.11).
 * Uses the esbuild that tsx already brings; synchronous, so a test helper can build it lazily.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface LockBundle {
  /** The bundled entry (a lock holder or CLI is also a keeper entry: it dispatches to runKeeper). */
  file: string
  /** Its directory: readable and searchable by every user. */
  dir: string
  remove(): void
}

const TESTKIT = fileURLToPath(new URL('.', import.meta.url))

/** Bundles a TypeScript entry (path relative to the repository root or absolute). */
export function bundleForAnyUser(entry: string, name: string): LockBundle {
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild')
  const dir = mkdtempSync(join(tmpdir(), `${name}-`))
  const file = join(dir, `${name}.mjs`)
  buildSync({
    entryPoints: [resolve(TESTKIT, '..', entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    logLevel: 'error'
  })
  chmodSync(dir, 0o755)
  chmodSync(file, 0o644)
  return { file, dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** testkit/lock-holder.ts, bundled. */
export function bundleLockHolder(): LockBundle {
  return bundleForAnyUser('testkit/lock-holder.ts', 'lock-holder')
}
