// The hash of everything the bundles in dist/ are built from. `npm run build` writes it to
// dist/source-hash; the end-to-end tests compare it with the working tree to know whether the
// committed dist/ is what they would be testing (see __tests__/e2e/setup.mjs).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const INPUTS = ['src', 'package-lock.json', 'scripts/build.mjs', 'tsconfig.json', 'action.yml']

function files(entry) {
  if (statSync(entry).isFile()) return [entry]
  return readdirSync(entry)
    .sort()
    .flatMap(name => files(path.join(entry, name)))
}

export function sourceHash(root = '.') {
  const hash = createHash('sha256')
  for (const input of INPUTS) {
    for (const file of files(path.join(root, input))) {
      hash.update(path.relative(root, file).split(path.sep).join('/'))
      hash.update('\0')
      hash.update(readFileSync(file))
      hash.update('\0')
    }
  }
  return hash.digest('hex')
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
) {
  process.stdout.write(`${sourceHash()}\n`)
}
