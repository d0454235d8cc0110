// Before the end-to-end tests: they run built bundles, not src/. When the committed dist/ was
// built from other sources than the working tree's, a local run builds a private copy from the
// working tree (so `npm test` after editing src/ tests the edit), and a CI run fails: CI must
// test the dist/ that is committed.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { sourceHash } from '../../scripts/source-hash.mjs'

const PRIVATE = path.resolve('.tmp/e2e-action')

function builtFrom(dir) {
  try {
    return readFileSync(path.join(dir, 'dist', 'source-hash'), 'utf8').trim()
  } catch {
    return ''
  }
}

export default async function ensureFreshBundles() {
  if (process.env.E2E_ACTION_DIR) return
  const want = sourceHash()
  if (builtFrom('.') === want) return
  if (process.env.CI) {
    throw new Error(
      'dist/ was not built from the sources in this tree: run `npm run build` and commit dist/.'
    )
  }
  if (builtFrom(PRIVATE) !== want) {
    process.stdout.write(
      '\ndist/ is older than src/: building the end-to-end tests a private copy in .tmp/e2e-action (~30 s)\n'
    )
    execFileSync(process.execPath, ['scripts/build.mjs', '--action-dir', PRIVATE], {
      stdio: 'inherit'
    })
  }
  process.env.E2E_ACTION_DIR = PRIVATE
}
