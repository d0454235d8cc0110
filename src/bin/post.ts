// Entry point of the post step.
import { run } from '../action/post.js'

await run()
