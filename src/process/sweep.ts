/**
 * No process started for one job is still running in a tree or the store when another job
 * receives it (§3.8). A job's git child outlives the job's main step when main alone is killed
 * (the OOM killer does this), and a job's background processes run until the runner's
 * end-of-job cleanup, after post. So whoever receives a tree or the store — and post, before it
 * releases — ends the processes whose working directory is inside it.
 *
 * Linux reads /proc/<pid>/cwd; elsewhere there is no cheap way to ask, and nothing is ended.
 * Processes of other users cannot be inspected or signalled (EACCES/EPERM): they are reported.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface FoundProcess {
  pid: number
  cwd: string
}

/** Is `child` equal to `dir` or inside it? Pure (POSIX paths). */
export function isWithin(dir: string, child: string): boolean {
  const base = dir.replace(/\/+$/, '')
  return child === base || child.startsWith(`${base}/`)
}

/** Our own process and its ancestors are never ended (the runner, a shell that ran the CLI). */
function protectedPids(): Set<number> {
  const pids = new Set<number>([process.pid])
  let pid = process.ppid
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    pids.add(pid)
    pid = parentOf(pid) ?? 0
  }
  return pids
}

/** The parent PID from /proc/<pid>/stat (fields counted after the last ')'). */
function parentOf(pid: number): number | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return Number(fields[1]) || undefined
}

/** Processes whose working directory is `dir` or below it (Linux; [] elsewhere). */
export function processesIn(dir: string): FoundProcess[] {
  if (process.platform !== 'linux') return []
  const target = path.resolve(dir)
  const skip = protectedPids()
  const found: FoundProcess[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    if (skip.has(pid)) continue
    let cwd: string
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`)
    } catch {
      continue // gone, or another user's: not ours to judge
    }
    // A deleted directory reads as "<path> (deleted)": still a process left in it.
    const clean = cwd.replace(/ \(deleted\)$/, '')
    if (isWithin(target, clean)) found.push({ pid, cwd: clean })
  }
  return found
}

export interface EndOptions {
  /** How long processes get to exit after SIGTERM before SIGKILL. */
  graceMs?: number
  log?: (line: string) => void
  /** What the directory is, for the log ("tree 2 of acme/app"). */
  what?: string
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Ends every process working in `dir` (SIGTERM, then SIGKILL after the grace period) and
 * returns them. Throws when one cannot be ended (another user's process): the directory must
 * not be handed on while it runs.
 */
export async function endProcessesIn(
  dir: string,
  options: EndOptions = {}
): Promise<FoundProcess[]> {
  const found = processesIn(dir)
  if (found.length === 0) return []
  const what = options.what ?? dir
  const refused: number[] = []
  for (const { pid, cwd } of found) {
    options.log?.(`ending process ${pid} left running in ${what} (working directory ${cwd})`)
    try {
      process.kill(pid, 'SIGTERM')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') refused.push(pid)
    }
  }
  const deadline = Date.now() + (options.graceMs ?? 2000)
  while (Date.now() < deadline && found.some(p => !refused.includes(p.pid) && alive(p.pid)))
    await sleep(25)
  for (const { pid } of found) {
    if (refused.includes(pid) || !alive(pid)) continue
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // exited in between
    }
  }
  const killDeadline = Date.now() + 2000
  while (Date.now() < killDeadline && found.some(p => !refused.includes(p.pid) && alive(p.pid)))
    await sleep(10)
  if (refused.length > 0)
    throw new Error(
      `Processes ${refused.join(', ')} of another user are still running in ${what}; it cannot be ` +
        'handed to this job while they run. Stop them, or run every runner of this machine as one user.'
    )
  return found
}
