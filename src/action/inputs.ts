/** The action's inputs, read through the toolkit and validated by options/ (§1). */
import * as core from '@actions/core'
import { readCheckoutOptions, type CheckoutOptions } from '../options/options.js'

export function readActionOptions(env: NodeJS.ProcessEnv = process.env): CheckoutOptions {
  return readCheckoutOptions(name => core.getInput(name), { env, platform: process.platform })
}
