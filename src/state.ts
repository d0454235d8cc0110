/**
 * Values main hands to post (core.saveState → STATE_<name>). One place for the names, so main
 * and post cannot drift apart.
 */
export const State = {
  /** Set once main has started, so post can tell "main never ran" from "main ran". */
  isPost: 'isPost',
  lockFile: 'lockFile',
  lockToken: 'lockToken',
  keeperPid: 'keeperPid',
  /** 'true' when main already released the lock (hold-lock: sync, or main failed). */
  lockReleased: 'lockReleased',
  /** Names of env vars exported for persist-credentials, comma-separated, cleared in post. */
  credentialEnvNames: 'credentialEnvNames'
} as const

export type StateName = (typeof State)[keyof typeof State]
