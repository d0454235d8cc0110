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
  /** The keeper's recorded start time: post signals it only if it is still that process. */
  keeperStartTime: 'keeperStartTime',
  /** 'true' when main already released the lock (hold-lock: sync, or main failed). */
  lockReleased: 'lockReleased',
  /** JSON {name: value} post writes through GITHUB_ENV so persisted credentials stop working. */
  credentialRestore: 'credentialRestore'
} as const

export type StateName = (typeof State)[keyof typeof State]
