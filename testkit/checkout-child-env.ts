/**
 * How a test hands testkit/checkout-child.ts its configuration: through the environment, never
 * argv (the configuration holds the token, and other tests scan every command line for secrets).
 */
import type { InputName } from '../src/options/options.js'

export const CONFIG_VARIABLE = 'CHECKOUT_CHILD_CONFIG'

export interface ChildConfig {
  inputs: Partial<Record<InputName, string>>
  env: NodeJS.ProcessEnv
  home: string
  tempDir: string
  stallSeconds?: number
}

/** The environment that hands a child its configuration. */
export function checkoutChildEnv(childConfig: ChildConfig): NodeJS.ProcessEnv {
  return { ...process.env, [CONFIG_VARIABLE]: JSON.stringify(childConfig) }
}
