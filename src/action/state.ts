/**
 * What main hands to post (`saveState` → `STATE_<name>`), typed in one place so main and post
 * cannot drift apart. Each value is saved as soon as it is known: the runner keeps state a
 * main step wrote before it was killed, so post can still release what main held. No toolkit
 * import: main hands in the toolkit's `saveState`, post reads its environment.
 */
export interface HeldTree {
  lockFile: string
  token: string
  tree: number
  /** The tree's directory. */
  dir: string
  /** The machine's root (post's eviction) and the repository's directory (maintenance). */
  root: string
  repoDir: string
  keeperPid?: number
  keeperStartTime?: string
}

const NAMES = {
  mainStarted: 'mainStarted',
  heldTree: 'heldTree',
  released: 'released',
  envRestore: 'envRestore',
  sshDirectory: 'sshDirectory'
} as const

export type SaveState = (name: string, value: string) => void

export function mainState(save: SaveState) {
  return {
    started(): void {
      save(NAMES.mainStarted, 'true')
    },
    treeHeld(tree: HeldTree): void {
      save(NAMES.heldTree, JSON.stringify(tree))
    },
    released(): void {
      save(NAMES.released, 'true')
    },
    /** Values post writes through GITHUB_ENV so what main exported for later steps stops working. */
    envRestore(restore: Record<string, string>): void {
      save(NAMES.envRestore, JSON.stringify(restore))
    },
    sshDirectory(directory: string): void {
      save(NAMES.sshDirectory, directory)
    }
  }
}

export interface PostState {
  mainStarted: boolean
  heldTree?: HeldTree
  released: boolean
  envRestore?: Record<string, string>
  sshDirectory?: string
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (!text) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined
  }
}

/** What main saved, as the runner hands it to post (`STATE_<name>`). Pure. */
export function readPostState(env: NodeJS.ProcessEnv = process.env): PostState {
  const get = (name: string): string => env[`STATE_${name}`] ?? ''
  return {
    mainStarted: get(NAMES.mainStarted) === 'true',
    heldTree: parseJson<HeldTree>(get(NAMES.heldTree)),
    released: get(NAMES.released) === 'true',
    envRestore: parseJson<Record<string, string>>(get(NAMES.envRestore)),
    sshDirectory: get(NAMES.sshDirectory) || undefined
  }
}
