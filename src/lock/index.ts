/** The job-spanning lock (SPEC §2): the public API of src/lock. */
export { acquireLock, releaseLock, readLockHolder } from './lock.js'
export type { AcquireHooks, AcquireOptions, AcquiredLock, ReleaseOptions } from './lock.js'
export { describeHolder } from './describe.js'
export { lockPathFor } from './paths.js'
export { isKeeperInvocation, runKeeper } from './keeper.js'
export { LockCancelledError, LockLostError, LockPathError, LockTimeoutError } from './errors.js'
export type { JobIdentity, LockOwner, LockRecord } from './record.js'
