// Bundles each entry point with ncc into dist/<name>/index.js (+ the package.json ncc writes).
// Deterministic: .ci/run checks that this reproduces the committed dist/ byte for byte.
//
// `--action-dir DIR` builds a complete, separate copy of the action instead (DIR/action.yml +
// DIR/dist/): benchmarks and parallel test runs use it so they never race the committed dist/.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { sourceHash } from './source-hash.mjs'

const entries = {
  main: 'src/bin/main.ts',
  post: 'src/bin/post.ts',
  lock: 'src/bin/lock.ts',
  cli: 'src/bin/shared-checkout.ts'
}

const flag = process.argv.indexOf('--action-dir')
const actionDir = flag === -1 ? '.' : path.resolve(process.argv[flag + 1])
const distDir = path.join(actionDir, 'dist')

rmSync(distDir, { recursive: true, force: true })
if (actionDir !== '.') {
  mkdirSync(actionDir, { recursive: true })
  copyFileSync('action.yml', path.join(actionDir, 'action.yml'))
}
for (const [name, entry] of Object.entries(entries)) {
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      entry,
      '-o',
      path.join(distDir, name),
      '--license',
      'licenses.txt',
      '--quiet'
    ],
    { stdio: 'inherit' }
  )
}

// What these bundles were built from: the end-to-end tests refuse to test a stale dist/.
writeFileSync(path.join(distDir, 'source-hash'), `${sourceHash()}\n`)
