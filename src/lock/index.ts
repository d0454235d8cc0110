/** The job-spanning lock (SPEC §2): the public API of src/lock. */
export { acquireLock, releaseLock, readLockHolder } from './lock.js'
export type {
  AcquireHooks,
  AcquireOptions,
  AcquiredLock,
  LockPool,
  ReleaseOptions
} from './lock.js'
export { describeHolder } from './describe.js'
export { lockPathFor } from './paths.js'
export { isKeeperInvocation, runKeeper } from './keeper.js'
export { parseTimeoutSeconds, TIMEOUT_ACCEPTED } from './options.js'
export {
  LockCancelledError,
  LockHeldByOwnJobError,
  LockLostError,
  LockOptionError,
  LockPathError,
  LockReleaseError,
  LockTimeoutError
} from './errors.js'
export type { JobIdentity, LockOwner, LockRecord } from './record.js'
export { emptyJob } from './record.js'
