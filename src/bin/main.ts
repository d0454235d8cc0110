// Entry point of the main step. The same bundle also serves as the lock keeper process that
// main starts detached (§2: the tree lock is held by the job, not by this process).
import { run } from '../action/main.js'
import { isKeeperInvocation, runKeeper } from '../lock/index.js'

if (isKeeperInvocation(process.env)) await runKeeper(process.env)
else await run()
