/**
 * What another user of the machine can read of each git process a job starts: its command line
 * and its environment (/proc/<pid>/cmdline and /proc/<pid>/environ), through the runtime's
 * onGitProcess hook (Linux).
 */
import { readFileSync } from 'node:fs'

export interface SeenGitProcess {
  args: readonly string[]
  cmdline: string
  /** The git process's environment; undefined when it exited before it could be read. */
  environ?: string
}

export function gitProcessWatcher(): {
  seen: SeenGitProcess[]
  /** Resolves once every process seen so far was read (or had exited). */
  settled: () => Promise<void>
  onGitProcess: (pid: number, args: readonly string[]) => void
} {
  const seen: SeenGitProcess[] = []
  const pending: Promise<void>[] = []
  const onGitProcess = (pid: number, args: readonly string[]): void => {
    const entry: SeenGitProcess = { args, cmdline: '' }
    seen.push(entry)
    pending.push(
      (async () => {
        // Before exec, /proc shows the forked node process (its command line and environment).
        for (let i = 0; i < 1000; i++) {
          try {
            entry.cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1')
            if (entry.cmdline.startsWith('git\0')) {
              entry.environ = readFileSync(`/proc/${pid}/environ`, 'latin1')
              return
            }
          } catch {
            return // exited
          }
          await new Promise(resolve => setTimeout(resolve, 1))
        }
      })()
    )
  }
  return { seen, settled: async () => void (await Promise.all(pending)), onGitProcess }
}

/** `key=value` of each GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n pair in a NUL-separated environ. */
export function configOfEnviron(environ: string): string[] {
  const vars = new Map(
    environ
      .split('\0')
      .filter(Boolean)
      .map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const)
  )
  const out: string[] = []
  for (let i = 0; i < Number(vars.get('GIT_CONFIG_COUNT') ?? 0); i++)
    out.push(`${vars.get(`GIT_CONFIG_KEY_${i}`)}=${vars.get(`GIT_CONFIG_VALUE_${i}`)}`)
  return out
}
