/**
 * Bundles a TypeScript entry into one plain .mjs so benchmark workers start as fast as the
 * shipped action does (tsx adds ~200 ms of start-up per process). Uses the esbuild that tsx
 * already brings.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Bundle {
  file: string
  remove(): void
}

export async function bundleEntry(entry: string, name: string): Promise<Bundle> {
  const { build } = await import('esbuild')
  const dir = mkdtempSync(join(tmpdir(), `${name}-`))
  const file = join(dir, `${name}.mjs`)
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    logLevel: 'error'
  })
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
