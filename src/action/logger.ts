import * as core from '@actions/core'
import type { Logger } from '../logger.js'

/** The Logger git/ and cache/ receive inside the action: lines go through the toolkit (masked). */
export function actionLogger(): Logger {
  return {
    info: message => core.info(message),
    warning: message => core.warning(message),
    notice: message => core.notice(message),
    debug: message => core.debug(message)
  }
}
