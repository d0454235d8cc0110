/** The action's inputs, read as the runner hands them over and validated by options/ (§1). */
import { readCheckoutOptions, type CheckoutOptions } from '../options/options.js'
import { getInput } from './runner.js'

export function readActionOptions(env: NodeJS.ProcessEnv = process.env): CheckoutOptions {
  return readCheckoutOptions(name => getInput(name, env), { env, platform: process.platform })
}
