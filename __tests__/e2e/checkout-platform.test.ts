/**
 * What differs between runners and runner users (issue 7) through the emulator: repository
 * names are case-insensitive (one directory, one store, one tree lock per repository); the
 * action's git reads no global config (a job could have planted anything there, §3.6), so a
 * runner user's core.autocrlf (in $HOME/.gitconfig) does not change the checkout: every job
 * gets the repository's own bytes (.gitattributes and file modes win), and its own git — with
 * or without autocrlf — finds the tree clean, also after a job of another user.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { expectConclusion, repoPathsOf, repoPathsOfTree } from './helpers.js'
import {
  createRepo,
  createStandardRepo,
  fixtureGit,
  revParse,
  type StandardRepo
} from '../../testkit/git-fixtures.js'

let world: E2EWorld
let repo: StandardRepo
let eolHead: string
const DATA = Buffer.from([0, 1, 2, 13, 10, 255, 0, 13, 10])

beforeAll(async () => {
  world = await createWorld()
  repo = createStandardRepo(world.upstream)
  createStandardRepo(world.upstream, 'acme', 'crlf')
  // Line-ending rules of every kind, plus an executable script (the file-mode half of 7.4).
  const eol = createRepo(world.upstream, 'acme', 'eol', {
    '.gitattributes': '*.sh text eol=lf\n*.bat text eol=crlf\n*.bin binary\n',
    'tool.sh': '#!/bin/sh\necho tool\n',
    'run.bat': '@echo off\necho hi\n',
    'unix.txt': 'line one\nline two\n',
    'committed-crlf.txt': 'stored\r\nwith crlf\r\n',
    'data.bin': DATA
  })
  fixtureGit(eol.work, ['update-index', '--chmod=+x', 'tool.sh'])
  fixtureGit(eol.work, ['commit', '--quiet', '-m', 'tool.sh is executable'])
  fixtureGit(eol.work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main'])
  eolHead = revParse(eol, 'main')
})
afterAll(() => world.close())

const expectSuccess = (result: JobResult): void => expectConclusion(result, 'success')

/** A runner user's home directory whose .gitconfig holds `config` (as a runner service has). */
function homeWith(name: string, config: string): string {
  const home = path.join(world.scratch, 'homes', name)
  mkdirSync(home, { recursive: true })
  writeFileSync(path.join(home, '.gitconfig'), config)
  return home
}

it('Acme/App and acme/app share one directory, one store and one tree lock', async () => {
  const upper = await world.job({ repository: 'Acme/App', with: { ref: 'main' } }).result
  const lower = await world.job({ repository: 'acme/app', with: { ref: 'main' } }).result
  expectSuccess(upper)
  expectSuccess(lower)
  const paths = repoPathsOf(world, 'acme/app')
  expect(upper.outputs.path).toBe(paths.tree(1))
  expect(lower.outputs.path).toBe(upper.outputs.path)
  expect(lower.outputs['lock-file']).toBe(upper.outputs['lock-file'])
  expect(upper.outputs.cloned).toBe('true')
  expect(lower.outputs.cloned).toBe('false')
  expect(lower.outputs.commit).toBe(repo.shas.main)
  // One directory for the owner and one for the repository, whatever the spelling.
  const hostDir = path.dirname(path.dirname(paths.dir))
  expect(readdirSync(hostDir).filter(e => e.toLowerCase() === 'acme')).toEqual(['acme'])
  expect(readdirSync(path.join(hostDir, 'acme')).filter(e => e.toLowerCase() === 'app')).toEqual([
    'app'
  ])
  expect(repoPathsOfTree(lower.outputs.path).store).toBe(paths.store)
}, 60_000)

/**
 * Prints the effective autocrlf, then the status twice: as git reports it (trusting the index's
 * stat data), and re-hashed: against a fresh index in a temp file, so git must read and convert
 * every file (a tree that only looks clean because of cached stat data fails this one).
 */
const statusStep = {
  id: 'status',
  run: [
    'cd "$SHARED_CHECKOUT_PATH"',
    'echo "autocrlf:[$(git config --get core.autocrlf)]"',
    'echo "status:[$(git status --porcelain)]"',
    'index=$(mktemp)',
    'GIT_INDEX_FILE=$index git read-tree HEAD',
    'echo "rehashed:[$(GIT_INDEX_FILE=$index git status --porcelain --untracked-files=no)]"',
    'rm -f "$index"'
  ].join('\n')
}

async function eolJob(home: string): Promise<JobResult> {
  const result = await world.job({
    repository: 'acme/eol',
    with: { ref: 'main' },
    env: { HOME: home },
    steps: [statusStep]
  }).result
  expectSuccess(result)
  expect(result.outputs.commit).toBe(eolHead)
  return result
}

/** The bytes and modes the repository's .gitattributes and index ask for, whoever checks out. */
function expectRepositoryBytes(tree: string): void {
  const file = (name: string): Buffer => readFileSync(path.join(tree, name))
  expect(file('tool.sh').toString()).toBe('#!/bin/sh\necho tool\n') // eol=lf
  expect(file('run.bat').toString()).toBe('@echo off\r\necho hi\r\n') // eol=crlf
  expect(file('data.bin').equals(DATA)).toBe(true) // binary: untouched
  // No attribute: as committed. The user's global autocrlf does not reach the checkout.
  expect(file('unix.txt').toString()).toBe('line one\nline two\n')
  expect(file('committed-crlf.txt').toString()).toBe('stored\r\nwith crlf\r\n')
  expect(statSync(path.join(tree, 'tool.sh')).mode & 0o111).toBe(0o111)
  expect(statSync(path.join(tree, 'run.bat')).mode & 0o111).toBe(0)
}

it("HOME/.gitconfig core.autocrlf=true: the checkout is the repository's own, and clean for the job", async () => {
  const home = homeWith('autocrlf', '[core]\n\tautocrlf = true\n')
  for (const round of [1, 2]) {
    const result = await eolJob(home)
    expect(result.outputs.cloned).toBe(round === 1 ? 'true' : 'false')
    expect(result.outputs.tree).toBe('1')
    const out = result.step('status')?.stdout ?? []
    expect(out).toContain('autocrlf:[true]') // the job's own git really runs with autocrlf on
    expect(out).toContain('status:[]')
    expect(out).toContain('rehashed:[]')
    expectRepositoryBytes(result.outputs.path)
  }
}, 90_000)

it('a job whose user has no autocrlf, after one that had it, gets the same bytes and a clean tree', async () => {
  const plain = homeWith('plain', '')
  const result = await eolJob(plain)
  const out = result.step('status')?.stdout ?? []
  expect(out).toContain('autocrlf:[]')
  expect(out).toContain('status:[]')
  expect(out).toContain('rehashed:[]')
  expectRepositoryBytes(result.outputs.path)
}, 60_000)

it('the standard fixture stays clean too with a global core.autocrlf=true', async () => {
  const home = homeWith('autocrlf-std', '[core]\n\tautocrlf = true\n')
  for (const round of [1, 2]) {
    const result = await world.job({
      repository: 'acme/crlf',
      with: { ref: 'main' },
      env: { HOME: home },
      steps: [statusStep]
    }).result
    expectSuccess(result)
    expect(result.outputs.cloned).toBe(round === 1 ? 'true' : 'false')
    const out = result.step('status')?.stdout ?? []
    expect(out).toContain('autocrlf:[true]')
    expect(out).toContain('status:[]')
    expect(out).toContain('rehashed:[]')
  }
}, 90_000)
