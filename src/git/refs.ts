/**
 * Pure decisions about what to fetch for a requested ref (§3.3). The one network question
 * (what a short name or the default branch means) is answered by ls-remote in sync.ts and
 * handed in as RemoteRefs.
 */

export const REMOTE = 'origin'

/** A ref request after its kind is known. */
export type QualifiedRef =
  | { kind: 'branch'; ref: string; name: string } // refs/heads/<name>
  | { kind: 'tag'; ref: string; name: string } // refs/tags/<name>
  | { kind: 'pull'; ref: string } // refs/pull/N/merge | refs/pull/N/head
  | { kind: 'other'; ref: string } // any other refs/...
  | { kind: 'commit'; sha: string } // a full SHA, nothing to name

/** What `git ls-remote --symref origin HEAD refs/heads/<x> refs/tags/<x>` told us. */
export interface RemoteRefs {
  /** Target of the remote's HEAD symref, e.g. refs/heads/main. */
  defaultBranch?: string
  /** Full ref name → object id. */
  refs: Record<string, string>
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i

/** A full commit SHA as a user may write it (either case): 40 hex digits (SHA-1) or 64 (SHA-256). */
export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value)
}

/** An object id as git writes it in files (lower case). */
export function isObjectId(value: string): boolean {
  return FULL_SHA.test(value) && value === value.toLowerCase()
}

/**
 * What ls-remote must be asked, or null when nothing needs the network: the commit is known
 * and the ref's kind is clear from its spelling. A ref without a known commit is always asked
 * for, so that a commit already in the store needs no fetch and no store lock (§3.3).
 */
export function remoteQueryFor(ref: string, commit?: string): string[] | null {
  if (ref === '') return commit ? null : ['HEAD']
  if (isFullSha(ref)) return null
  if (ref.startsWith('refs/')) return commit ? null : [ref]
  return [`refs/heads/${ref}`, `refs/tags/${ref}`]
}

/**
 * The object the remote's ref points at now (a tag object for an annotated tag), from the
 * ls-remote answer; undefined when it was not asked or not found. Pure.
 */
export function remoteObjectFor(
  target: QualifiedRef,
  requestedRef: string,
  remote: RemoteRefs | null
): string | undefined {
  if (!remote || target.kind === 'commit') return undefined
  if (requestedRef === '') return remote.refs.HEAD
  return remote.refs[target.ref]
}

/** Parses `git ls-remote --symref` output. */
export function parseLsRemote(stdout: string): RemoteRefs {
  const result: RemoteRefs = { refs: {} }
  for (const line of stdout.split('\n')) {
    const symref = /^ref: (\S+)\tHEAD$/.exec(line)
    if (symref) {
      result.defaultBranch = symref[1]
      continue
    }
    const plain = /^([0-9a-f]+)\t(\S+)$/.exec(line)
    if (plain) result.refs[plain[2]] = plain[1]
  }
  return result
}

/** The message for a ref the remote does not have: names the ref and what was tried. */
export function unknownRefMessage(ref: string, remoteUrl: string, tried: string[]): string {
  return (
    `ref '${ref}' was not found in ${remoteUrl} (looked for ${tried.join(', ')}); ` +
    `check the 'ref' input: a branch, tag, full SHA or refs/pull/N/merge`
  )
}

/**
 * Gives a requested ref its kind. Short names: branch wins over tag (actions/checkout does
 * the same). Empty ref: the commit if one is given, else the remote's default branch.
 * Undefined when the remote has no such ref.
 */
export function qualifyRef(
  ref: string,
  commit: string | undefined,
  remote: RemoteRefs | null
): QualifiedRef | undefined {
  if (ref === '') {
    if (commit) return { kind: 'commit', sha: commit.toLowerCase() }
    const head = remote?.defaultBranch
    return head ? qualifyRef(head, undefined, null) : undefined
  }
  if (isFullSha(ref)) return { kind: 'commit', sha: ref.toLowerCase() }
  if (ref.startsWith('refs/heads/')) {
    return { kind: 'branch', ref, name: ref.slice('refs/heads/'.length) }
  }
  if (ref.startsWith('refs/tags/'))
    return { kind: 'tag', ref, name: ref.slice('refs/tags/'.length) }
  if (/^refs\/pull\/\d+\/(?:merge|head)$/.test(ref)) return { kind: 'pull', ref }
  if (ref.startsWith('refs/')) return { kind: 'other', ref }
  const branch = `refs/heads/${ref}`
  const tag = `refs/tags/${ref}`
  if (remote && branch in remote.refs) return { kind: 'branch', ref: branch, name: ref }
  if (remote && tag in remote.refs) return { kind: 'tag', ref: tag, name: ref }
  return undefined
}

export interface FetchPlanInput {
  target: QualifiedRef
  /** The exact commit expected (e.g. GITHUB_SHA): fetched by id, checked out exactly. */
  commit?: string
  /** 0 = full history, N = at most N commits deep. */
  fetchDepth: number
  fetchTags: boolean
  /** Whether the clone is shallow now (`.git/shallow` exists). */
  shallow: boolean
  /** Whether the clone has any history yet (false right after `git init`). */
  hasHistory: boolean
}

export interface FetchPlan {
  /** Arguments of `git fetch` before the remote name. */
  args: string[]
  refspecs: string[]
  /** Revision that names the commit to check out once the fetch is done. */
  checkoutTarget: string
  /** The fully qualified ref for the `ref` output ('' for a bare commit). */
  ref: string
}

/** Where a fetched ref is kept locally, following actions/checkout's naming. */
function localRefFor(target: Exclude<QualifiedRef, { kind: 'commit' }>): string {
  switch (target.kind) {
    case 'branch':
      return `refs/remotes/${REMOTE}/${target.name}`
    case 'tag':
      return target.ref
    case 'pull':
      return target.ref.replace(/^refs\//, 'refs/remotes/')
    case 'other':
      return target.ref
  }
}

/**
 * Decides the fetch. Depth: a full clone stays full when a shallow fetch is asked for (the
 * history is already paid for, and other jobs sharing the clone may want it); a shallow clone
 * is deepened with --unshallow when full history is asked for.
 */
/** Where a fetched bare commit is kept (one ref, overwritten by each such fetch). */
export const COMMIT_REF = 'refs/shared-checkout/commit'

export function planFetch(input: FetchPlanInput): FetchPlan {
  const args = ['--no-recurse-submodules', '--progress']
  args.push(input.fetchTags ? '--tags' : '--no-tags')
  if (input.fetchDepth > 0) {
    if (input.shallow || !input.hasHistory) args.push(`--depth=${input.fetchDepth}`)
  } else if (input.shallow) {
    args.push('--unshallow')
  }
  const commit = input.commit?.toLowerCase() || undefined
  const { target } = input
  if (target.kind === 'commit') {
    // Stored under a ref: objects no ref points at are not offered as "have" in the next job's
    // fetch, which would make the server send the shared history again (§3.3).
    return { args, refspecs: [`+${target.sha}:${COMMIT_REF}`], checkoutTarget: target.sha, ref: '' }
  }
  const local = localRefFor(target)
  const source = commit ?? target.ref
  return {
    args,
    refspecs: [`+${source}:${local}`],
    checkoutTarget: commit ?? `${local}^{commit}`,
    ref: target.ref
  }
}
