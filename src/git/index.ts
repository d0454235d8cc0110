export { syncSharedClone, brokenPathFor, partialSiblings } from './sync.js'
export type { SyncRequest, SyncResult } from './sync.js'
export {
  gitAuthEnv,
  persistedCredentialEnv,
  withConfigEntries,
  authHeaderEntry,
  basicCredential,
  tokenSecrets
} from './auth.js'
export type { ConfigEntry, GitAuthEnvOptions, PersistedCredentials } from './auth.js'
export { GitError, runGit, redact } from './git.js'
export type { GitContext, GitOutput } from './git.js'
export { planFetch, qualifyRef, remoteQueryFor, parseLsRemote, isFullSha } from './refs.js'
export type { FetchPlan, FetchPlanInput, QualifiedRef, RemoteRefs } from './refs.js'
export { findGitLockFiles, removeStaleGitLocks, isGitLockFile } from './repair.js'
export {
  inspectClone,
  normalizeRemoteUrl,
  sameRepository,
  findObjectStoreDamage
} from './inspect.js'
export type { CloneState } from './inspect.js'
export { parseTransferredBytes, objectStoreBytes } from './progress.js'
