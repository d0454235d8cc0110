#!/usr/bin/env node
// Entry point of the `shared-checkout` command. The same bundle also serves as the keeper
// process that `checkout` starts detached to hold the tree for the calling shell (§2).
import { run } from '../cli/main.js'
import { isKeeperInvocation, runKeeper } from '../lock/index.js'

if (isKeeperInvocation(process.env)) {
  await runKeeper(process.env)
  process.exit(0)
} else {
  const code = await run(process.argv.slice(2), {
    entry: process.argv[1] ?? '',
    execArgv: process.execArgv
  })
  process.exit(code)
}
