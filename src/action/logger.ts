import type { Logger } from '../logger.js'
import { debug, info, notice, warning } from './runner.js'

/** The Logger git/ and cache/ receive inside the action: lines as runner commands (masked). */
export function actionLogger(): Logger {
  return { info, warning, notice, debug }
}
