/**
 * Small helpers shared by the end-to-end files: where a repository's store and trees are
 * (§3 layout), git in them, the logs and errors of a job, and a failure message that shows what
 * the action printed.
 */
import { expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { createRepo, fixtureGitEnv, type FixtureRepo } from '../../testkit/git-fixtures.js'
import { repoIdOf } from '../../src/repo/identity.js'
import { layoutOf, type RepoLayout } from '../../src/repo/layout.js'

/** git in a store or tree, isolated from the machine's config; trims stdout. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...fixtureGitEnv, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

/** The paths of one repository's directory on the emulated machine (§3 layout). */
export type RepoPaths = RepoLayout
export const repoPaths = layoutOf

/** `<root>/<host>_<port>/<owner>/<name>` of a repository served by the world's server. */
export function repoPathsOf(world: E2EWorld, repository: string, root = world.root): RepoPaths {
  return layoutOf(path.join(root, ...repoIdOf(world.server.url, repository).segments))
}

/** The repository directory a job's `path` output (its tree, `<dir>/trees/<n>`) belongs to. */
export function repoPathsOfTree(treeDir: string): RepoPaths {
  return repoPaths(path.dirname(path.dirname(treeDir)))
}

/** Every line a job printed: its steps (main, run steps, post) and the emulator's own log. */
export function allLines(result: JobResult): string[] {
  return [...result.steps.flatMap(s => [...s.stdout, ...s.stderr]), ...result.jobLog]
}

/** What the main step printed (stdout and stderr). */
export function mainLog(result: JobResult): string {
  return [...(result.main?.stdout ?? []), ...(result.main?.stderr ?? [])].join('\n')
}

/** The job's error annotations, one per line. */
export function errors(result: JobResult): string {
  return result.annotations
    .filter(a => a.level === 'error')
    .map(a => a.message)
    .join('\n')
}

/** The job's warning annotations, one per line. */
export function warnings(result: JobResult): string {
  return result.annotations
    .filter(a => a.level === 'warning')
    .map(a => a.message)
    .join('\n')
}

/** main + post output, for assertion messages. */
export function describeJob(result: JobResult): string {
  return [
    `conclusion: ${result.conclusion}`,
    ...result.annotations.map(a => `${a.level}: ${a.message}`),
    ...result.steps.flatMap(s => [`--- ${s.kind} ${s.id} (${s.status})`, ...s.stdout, ...s.stderr])
  ].join('\n')
}

/** Asserts the conclusion, printing the job's output when it differs. */
export function expectConclusion(result: JobResult, conclusion: JobResult['conclusion']): void {
  if (result.conclusion !== conclusion) {
    throw new Error(`expected ${conclusion}, got:\n${describeJob(result)}`)
  }
  expect(result.conclusion).toBe(conclusion)
}

/** A repository whose history is `count` files of incompressible random data, `size` bytes each. */
export function createBlobRepo(
  root: string,
  owner: string,
  name: string,
  count: number,
  size: number
): FixtureRepo {
  const files: Record<string, Buffer> = {}
  for (let i = 0; i < count; i++) files[`blobs/${i}.bin`] = randomBytes(size)
  return createRepo(root, owner, name, files)
}

/** Every regular file under `dir` (no symlinks followed). */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name)
      const stat = lstatSync(full)
      if (stat.isDirectory()) walk(full)
      else if (stat.isFile()) out.push(full)
    }
  }
  if (existsSync(dir)) walk(dir)
  return out
}

/** Every entry (directories included) under `dir`, relative, sorted; [] when it is absent. */
export function entriesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return (readdirSync(dir, { recursive: true }) as string[]).sort()
}

/** Files under `dir` whose bytes contain any of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  return filesUnder(dir).filter(file => {
    const content = readFileSync(file)
    return needles.some(n => content.includes(n))
  })
}

/** The isolated git environment of the fixtures (no user config, no helpers). */
export function fixtureEnv(): NodeJS.ProcessEnv {
  return { ...fixtureGitEnv }
}

/** Resolves once `check()` is true; fails after `ms`. */
export async function waitUntil(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}
