// Prints callerShellPid() as seen from a child process (for anchor.test.ts).
import { callerShellPid } from '../../../src/cli/anchor.js'

process.stdout.write(`${callerShellPid()}\n`)
