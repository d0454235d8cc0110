import type { ConfigEntry } from './env.js'

/**
 * Settings a platform needs on every git command of a sync. Pure: the platform is a parameter,
 * so every OS's answer is testable anywhere. Windows: without core.longpaths, checking out a
 * path longer than MAX_PATH (260 characters) fails, and shared clones live deep under the root
 * (`<root>\<host>\<owner>\<name>\...`, issue 7.3).
 */
export function platformConfigEntries(platform: NodeJS.Platform): ConfigEntry[] {
  return platform === 'win32' ? [{ key: 'core.longpaths', value: 'true' }] : []
}
