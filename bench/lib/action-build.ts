/**
 * The built action the demo and the benchmarks run — never the committed dist/ in place, and
 * never a rebuild of it (issue 16.6: they run beside the tests and `npm run build`).
 *
 * Without an explicit directory: the first build whose `dist/source-hash` equals the hash of
 * the sources in this tree (scripts/source-hash.mjs) — the committed dist/, the end-to-end
 * tests' private build, or our own private build — is copied into a temporary directory and
 * run from there, so a rebuild that starts meanwhile cannot pull files from under a running
 * job. When none matches, a private build is made (scripts/build.mjs --action-dir, ~30 s) into
 * `.tmp/private-action` and kept for the next run of the same sources.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { REPO_ROOT } from '../../testkit/emulator.js'

export interface ActionBuild {
  /** Directory with action.yml and dist/. */
  dir: string
  /** Where it came from, for the output. */
  origin: string
  /** Removes the temporary copy (a no-op for a directory the caller named). */
  remove(): void
}

/** Builds the demo and the bench keep, beside the end-to-end tests' (`.tmp/e2e-action`). */
const PRIVATE_BUILD = path.join(REPO_ROOT, '.tmp', 'private-action')

function builtFrom(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dist', 'source-hash'), 'utf8').trim()
  } catch {
    return ''
  }
}

function isComplete(dir: string): boolean {
  return ['main', 'post'].every(step => existsSync(path.join(dir, 'dist', step, 'index.js')))
}

/** Copies action.yml + dist/ of `from` into a fresh temp dir; undefined if `from` changed meanwhile. */
function snapshot(from: string, want: string): ActionBuild | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'shared-checkout-action-'))
  const remove = (): void => rmSync(dir, { recursive: true, force: true })
  try {
    cpSync(path.join(from, 'action.yml'), path.join(dir, 'action.yml'))
    cpSync(path.join(from, 'dist'), path.join(dir, 'dist'), { recursive: true })
  } catch {
    remove() // a rebuild removed files while we copied
    return undefined
  }
  if (builtFrom(dir) !== want || !isComplete(dir)) {
    remove()
    return undefined
  }
  const name = path.relative(REPO_ROOT, from) || '.'
  return {
    dir,
    origin: `a copy of ${name === '.' ? 'the committed dist/' : `${name}/dist`} (built from these sources) in ${dir}`,
    remove
  }
}

export function resolveActionBuild(options: {
  /** --action-dir or SHARED_CHECKOUT_ACTION_DIR: run that build as it is. */
  explicit?: string
  log: (line: string) => void
}): ActionBuild {
  const want = execFileSync(process.execPath, ['scripts/source-hash.mjs'], {
    cwd: REPO_ROOT,
    encoding: 'utf8'
  }).trim()
  if (options.explicit) {
    const dir = path.resolve(options.explicit)
    if (!isComplete(dir))
      throw new Error(
        `No built action in ${dir}/dist: build one with \`node scripts/build.mjs --action-dir ${dir}\`.`
      )
    const stale = builtFrom(dir) !== want ? ' — NOT built from the sources in this tree' : ''
    return { dir, origin: `${dir} (given)${stale}`, remove: () => undefined }
  }
  for (const candidate of [REPO_ROOT, path.join(REPO_ROOT, '.tmp', 'e2e-action'), PRIVATE_BUILD]) {
    if (builtFrom(candidate) !== want || !isComplete(candidate)) continue
    const copy = snapshot(candidate, want)
    if (copy) return copy
  }
  options.log(
    'No build of the action matches the sources in this tree: building a private copy into ' +
      `${path.relative(REPO_ROOT, PRIVATE_BUILD)} (~30 s; dist/ is not touched) ...`
  )
  const started = performance.now()
  const building = `${PRIVATE_BUILD}.building-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  execFileSync(process.execPath, ['scripts/build.mjs', '--action-dir', building], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  // Only a finished build gets the name others reuse.
  rmSync(PRIVATE_BUILD, { recursive: true, force: true })
  renameSync(building, PRIVATE_BUILD)
  options.log(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  const copy = snapshot(PRIVATE_BUILD, want)
  if (!copy)
    throw new Error(`The private build in ${PRIVATE_BUILD} changed while it was copied; run again.`)
  return copy
}
