/**
 * Small helpers shared by the clone-*.test.ts end-to-end files (issue 4): git in a clone, the
 * logs of a job, and a failure message that shows what the action printed.
 */
import { expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs'
import path from 'node:path'
import type { JobResult } from '../../testkit/emulator.js'
import { createRepo, fixtureGitEnv, type FixtureRepo } from '../../testkit/git-fixtures.js'

/** git in a shared clone, isolated from the machine's config; trims stdout. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...fixtureGitEnv, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

/** Every line a job printed: its steps (main, run steps, post) and the emulator's own log. */
export function allLines(result: JobResult): string[] {
  return [...result.steps.flatMap(s => [...s.stdout, ...s.stderr]), ...result.jobLog]
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

/** Files under `dir` whose bytes contain any of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  return filesUnder(dir).filter(file => {
    const content = readFileSync(file)
    return needles.some(n => content.includes(n))
  })
}

/** The isolated git environment of the fixtures, plus HOME (no user config, no helpers). */
export function fixtureEnv(): NodeJS.ProcessEnv {
  return { ...fixtureGitEnv }
}
