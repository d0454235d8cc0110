// Bundles each entry point with ncc into dist/<name>/index.js (+ the package.json ncc writes).
// Deterministic: .ci/run checks that this reproduces the committed dist/ byte for byte.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

const entries = {
  main: 'src/bin/main.ts',
  post: 'src/bin/post.ts',
  lock: 'src/bin/lock.ts'
}

rmSync('dist', { recursive: true, force: true })
for (const [name, entry] of Object.entries(entries)) {
  execFileSync(
    process.execPath,
    ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', `dist/${name}`, '--license', 'licenses.txt', '--quiet'],
    { stdio: 'inherit' }
  )
}
