// Entry point of the main step. The same bundle also serves as the lock keeper process that
// main starts detached (SPEC §2: the lock is held by the job, not by this process).
import { isKeeperInvocation, runKeeper } from '../lock/index.js'
import { run } from '../main.js'

if (isKeeperInvocation(process.env)) await runKeeper(process.env)
else await run()
