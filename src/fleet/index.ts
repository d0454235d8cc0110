/**
 * Running a fleet (§6): maintenance of the stores, eviction of unused trees and repositories,
 * and the `status`, `gc` and `evict` commands. The action's post step calls maintainIfDue and
 * evictIfDue after the job's tree is released.
 */
export { evictCommand, gcCommand, statusCommand } from './commands.js'
export {
  fleetGitRunner,
  maintainIfDue,
  maintainStore,
  maintenanceDue,
  type MaintainIfDueOptions,
  type MaintainOptions,
  type MaintenanceResult
} from './maintain.js'
export { evict, planEviction, type EvictionReport, type EvictOptions } from './evict.js'
export { evictIfDue, type EvictIfDueOptions, type EvictIfDueResult } from './schedule.js'
export { loadSettings, SettingsError, type FleetSettings } from './settings.js'
export { collectStatus, renderStatus, type StatusReport } from './status.js'
