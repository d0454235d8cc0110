export { syncSharedClone, syncConfigEntries, brokenPathFor, partialSiblings } from './sync.js'
export type { SyncConfigOptions, SyncRequest, SyncResult } from './sync.js'
export { platformConfigEntries } from './platform.js'
export {
  gitAuthEnv,
  persistedCredentialEnv,
  withConfigEntries,
  authHeaderEntry,
  basicCredential,
  tokenSecrets
} from './auth.js'
export type { ConfigEntry, GitAuthEnvOptions, PersistedCredentials } from './auth.js'
export { GitError, runGit, redact, failureHint } from './git.js'
export type { GitContext, GitOutput } from './git.js'
export { planFetch, qualifyRef, remoteQueryFor, parseLsRemote, isFullSha } from './refs.js'
export type { FetchPlan, FetchPlanInput, QualifiedRef, RemoteRefs } from './refs.js'
export {
  findGitLockFiles,
  removeStaleGitLocks,
  isGitLockFile,
  isValidLooseRef,
  findBrokenRefs,
  indexProblem,
  findDamagedIndexes,
  removeDamagedGitFiles
} from './repair.js'
export {
  inspectClone,
  normalizeRemoteUrl,
  sameRepository,
  findObjectStoreDamage
} from './inspect.js'
export type { CloneState } from './inspect.js'
export { parseTransferredBytes, objectStoreBytes } from './progress.js'
export { configRepairs, flaggedIndexPaths, parseConfigList, undoLeftovers } from './leftovers.js'
export type { ConfigRepair, ConfigValue, FlaggedPaths } from './leftovers.js'
