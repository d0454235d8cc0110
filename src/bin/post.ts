// Entry point of the post step.
import { run } from '../post.js'

await run()
