/**
 * Which process a `shared-checkout checkout` holds its tree for: the shell that ran it (§2: the
 * tree is the job's until `release`, or until that shell exits). Its parent is not always that
 * shell: `TREE=$(shared-checkout checkout …)` runs it in a subshell — a fork of the shell that
 * exits as soon as the command does. A fork has the same program and command line as the shell
 * it was forked from, so such parents are skipped up to the shell itself.
 */
import { readFileSync, readlinkSync } from 'node:fs'

export interface ProcessFacts {
  pid: number
  parent: number
  /** The program and command line; a fork has its parent's. */
  exe: string
  cmdline: string
}

/** The first process up the chain that is not a fork of its own parent. Pure. */
export function shellOf(chain: readonly ProcessFacts[]): number | undefined {
  for (let i = 0; i < chain.length; i++) {
    const next = chain[i + 1]
    const forkOfNext =
      next !== undefined &&
      chain[i].parent === next.pid &&
      chain[i].exe === next.exe &&
      chain[i].cmdline === next.cmdline
    if (!forkOfNext) return chain[i].pid
  }
  return undefined
}

function factsOf(pid: number): ProcessFacts | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return {
      pid,
      parent,
      exe: readlinkSync(`/proc/${pid}/exe`),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1')
    }
  } catch {
    return undefined
  }
}

/** The calling shell's PID (Linux: skipping subshells; elsewhere the parent). */
export function callerShellPid(parent: number = process.ppid): number {
  if (process.platform !== 'linux') return parent
  const chain: ProcessFacts[] = []
  for (let pid = parent; pid > 1 && chain.length < 16;) {
    const facts = factsOf(pid)
    if (!facts) break
    chain.push(facts)
    pid = facts.parent
  }
  return shellOf(chain) ?? parent
}
