/**
 * "Before/after" of loading the cache module lazily (DESIGN.md: src/cache is imported with
 * `await import()` only when the cache is consulted). Builds the main entry twice with esbuild,
 * the same way for both, so only the import style differs:
 *   lazy  — src/bin/main.ts with code splitting: the cache code is a separate chunk, loaded
 *           only by a run that consults the cache;
 *   eager — an entry that statically imports src/cache/index.ts and @actions/cache (which
 *           src/cache/service.ts also loads lazily) first, as plain `import`s would: every
 *           run parses and evaluates them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../../testkit/emulator.js'

export interface StartupVariant {
  /** Entry file to run with node. */
  entry: string
  /** Bytes of the files node loads at start-up (entry + statically imported chunks). */
  startupBytes: number
  /** Bytes of every output file. */
  totalBytes: number
}

export interface StartupVariants {
  lazy: StartupVariant
  eager: StartupVariant
  /** `lazy` with @actions/core's OIDC client (and so @actions/http-client and undici) left out. */
  lean: StartupVariant
  /** src/bin/post.ts as shipped, and without the OIDC client. */
  post: StartupVariant
  leanPost: StartupVariant
  remove(): void
}

/**
 * @actions/core imports its OIDC client (getIDToken) statically, and with it @actions/http-client
 * and undici — about three quarters of what main loads at start-up — though the action never
 * asks for an OIDC token. The stub stands in for that one module, to measure what leaving it out
 * would save.
 */
const STUB_OIDC = {
  name: 'stub-oidc',
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: { importer: string }) => { path: string; namespace: string } | undefined
    ): void
    onLoad(
      options: { filter: RegExp; namespace: string },
      callback: () => { contents: string; loader: 'js' }
    ): void
  }): void {
    build.onResolve({ filter: /oidc-utils\.js$/ }, args =>
      args.importer.includes(`${path.sep}@actions${path.sep}core${path.sep}`)
        ? { path: 'oidc-utils', namespace: 'stub-oidc' }
        : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'stub-oidc' }, () => ({
      contents:
        "export class OidcClient { static async getIDToken() { throw new Error('left out of this build') } }",
      loader: 'js'
    }))
  }
}

// CommonJS dependencies (@actions/*) call require() for Node built-ins.
const REQUIRE_SHIM =
  "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);"

async function build(entry: string, outdir: string, lean = false): Promise<void> {
  const { build: esbuild } = await import('esbuild')
  await esbuild({
    plugins: lean ? [STUB_OIDC] : [],
    entryPoints: { main: entry },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    banner: { js: REQUIRE_SHIM },
    // The eager entry lives in a temp dir: resolve packages from the repository.
    nodePaths: [path.join(REPO_ROOT, 'node_modules')],
    logLevel: 'error'
  })
}

/** Output size, and the size of what a start-up loads: the entry plus its static imports. */
function sizes(outdir: string): StartupVariant {
  const entry = path.join(outdir, 'main.mjs')
  let totalBytes = 0
  for (const file of readdirSync(outdir)) totalBytes += statSync(path.join(outdir, file)).size
  // esbuild writes static chunk imports as `import ... from "./x.mjs"` / `import "./x.mjs"`.
  const loaded = new Set<string>()
  const visit = (file: string): void => {
    if (loaded.has(file)) return
    loaded.add(file)
    const text = readFileSync(path.join(outdir, file), 'utf8')
    for (const m of text.matchAll(/^import\s(?:[^;]*?from\s*)?"\.\/([\w.-]+\.mjs)"/gm)) visit(m[1])
  }
  visit('main.mjs')
  let startupBytes = 0
  for (const file of loaded) startupBytes += statSync(path.join(outdir, file)).size
  return { entry, startupBytes, totalBytes }
}

export async function buildStartupVariants(): Promise<StartupVariants> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-startup-'))
  const lazyDir = path.join(dir, 'lazy')
  const eagerDir = path.join(dir, 'eager')
  await build(path.join(REPO_ROOT, 'src', 'bin', 'main.ts'), lazyDir)
  const eagerEntry = path.join(dir, 'eager-entry.ts')
  writeFileSync(
    eagerEntry,
    `import ${JSON.stringify(path.join(REPO_ROOT, 'src', 'cache', 'index.ts'))}\n` +
      `import '@actions/cache'\n` +
      `import ${JSON.stringify(path.join(REPO_ROOT, 'src', 'bin', 'main.ts'))}\n`
  )
  await build(eagerEntry, eagerDir)
  const leanDir = path.join(dir, 'lean')
  await build(path.join(REPO_ROOT, 'src', 'bin', 'main.ts'), leanDir, true)
  const postDir = path.join(dir, 'post')
  await build(path.join(REPO_ROOT, 'src', 'bin', 'post.ts'), postDir)
  const leanPostDir = path.join(dir, 'lean-post')
  await build(path.join(REPO_ROOT, 'src', 'bin', 'post.ts'), leanPostDir, true)
  return {
    lazy: sizes(lazyDir),
    eager: sizes(eagerDir),
    lean: sizes(leanDir),
    post: sizes(postDir),
    leanPost: sizes(leanPostDir),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
