/**
 * Read-only directories a job leaves in its tree (Go's module cache makes them by default):
 * for the runner's user, an ordinary unprivileged user, `git clean -ffdx` cannot empty them.
 * The next job's checkout gives the owner write permission back and cleans (issue 13.5). Run as
 * `nobody`, since root ignores permissions; skipped where the tests cannot switch users.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bundleForAnyUser, type LockBundle } from '../../../testkit/lock-bundle.js'

const NOBODY = 65534
const canSwitchUser = process.getuid?.() === 0
const itAsNobody = canSwitchUser ? it : it.skip
if (!canSwitchUser)
  console.warn('not root: the read-only leftovers test (run as nobody) is skipped')

let scratch: string
let child: LockBundle
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-read-only-'))
  chmodSync(scratch, 0o755)
  if (canSwitchUser) child = bundleForAnyUser('testkit/tree-checkout-child.ts', 'tree-checkout')
})
afterAll(() => {
  // Root can remove what nobody could not.
  rmSync(scratch, { recursive: true, force: true })
  child?.remove()
})

const asNobody = { uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH, HOME: '/tmp' } }

function nobodyGit(cwd: string, args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync('git', args, { cwd, encoding: 'utf8', ...asNobody })
}

/** A tree owned by nobody at one commit, with a job's read-only module cache left in it. */
function treeWithReadOnlyLeftovers(name: string): { treeDir: string; sha: string } {
  const treeDir = path.join(scratch, name)
  mkdirSync(treeDir)
  execFileSync('chown', [`${NOBODY}:${NOBODY}`, treeDir])
  const git = (args: string[]): string => {
    const run = nobodyGit(treeDir, args)
    if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${String(run.stderr)}`)
    return String(run.stdout).trim()
  }
  git(['init', '--quiet', '-b', 'main'])
  git([
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@t',
    'commit',
    '--quiet',
    '--allow-empty',
    '-m',
    'c'
  ])
  writeFileSync(path.join(treeDir, 'main.go'), 'package main\n')
  git(['add', 'main.go'])
  git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'main.go'])
  const sha = git(['rev-parse', 'HEAD'])
  // What `go build` leaves with GOMODCACHE inside the tree: files in directories of mode 0555.
  const cache = path.join(treeDir, 'gomodcache', 'example.com', 'mod@v1.0.0')
  mkdirSync(cache, { recursive: true })
  writeFileSync(path.join(cache, 'mod.go'), 'package mod\n')
  execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, path.join(treeDir, 'gomodcache')])
  for (const dir of [cache, path.dirname(cache), path.join(treeDir, 'gomodcache')])
    chmodSync(dir, 0o555)
  return { treeDir, sha }
}

describe('read-only directories left in a tree, for an unprivileged runner user', () => {
  itAsNobody('defeat a plain git clean (the failure the action must repair)', () => {
    const { treeDir } = treeWithReadOnlyLeftovers('plain')
    const clean = nobodyGit(treeDir, ['clean', '-ffdx'])
    expect(clean.status).not.toBe(0)
    expect(String(clean.stderr)).toMatch(/Permission denied/)
    expect(existsSync(path.join(treeDir, 'gomodcache'))).toBe(true)
  })

  itAsNobody('are made writable and cleaned by the next checkout, which says so', () => {
    const { treeDir, sha } = treeWithReadOnlyLeftovers('action')
    const run = spawnSync(process.execPath, [child.file, JSON.stringify({ treeDir, sha })], {
      encoding: 'utf8',
      ...asNobody
    })
    const result = JSON.parse(String(run.stdout).trim()) as {
      ok: boolean
      error?: string
      log: string[]
    }
    expect(result.error).toBeUndefined()
    expect(result.ok).toBe(true)
    expect(existsSync(path.join(treeDir, 'gomodcache'))).toBe(false)
    expect(existsSync(path.join(treeDir, 'main.go'))).toBe(true)
    expect(result.log.join('\n')).toMatch(
      /gave the owner write permission on 3 read-only directories/
    )
  })
})
