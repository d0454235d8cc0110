/**
 * Issue 7 through the emulator: repository names are case-insensitive (one clone, one lock per
 * repository), and a runner user's global core.autocrlf (in $HOME/.gitconfig) leaves the shared
 * clone clean for every job while the repository's .gitattributes and file modes still win.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
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

function expectSuccess(result: JobResult): void {
  if (result.conclusion !== 'success')
    throw new Error(
      result.steps.flatMap(s => [`--- ${s.kind}`, ...s.stdout, ...s.stderr]).join('\n')
    )
}

/** A runner user's home directory whose .gitconfig holds `config` (as a runner service has). */
function homeWith(name: string, config: string): string {
  const home = path.join(world.scratch, 'homes', name)
  mkdirSync(home, { recursive: true })
  writeFileSync(path.join(home, '.gitconfig'), config)
  return home
}

it('Acme/App and acme/app share one clone path and one lock file', async () => {
  const upper = await world.job({ repository: 'Acme/App', with: { ref: 'main' } }).result
  const lower = await world.job({ repository: 'acme/app', with: { ref: 'main' } }).result
  expectSuccess(upper)
  expectSuccess(lower)
  expect(lower.outputs.path).toBe(upper.outputs.path)
  expect(lower.outputs['lock-file']).toBe(upper.outputs['lock-file'])
  expect(upper.outputs.cloned).toBe('true')
  expect(lower.outputs.cloned).toBe('false')
  expect(lower.outputs.commit).toBe(repo.shas.main)
  // One clone directory (plus its lock files) for the owner, whatever the spelling.
  const ownerDirs = readdirSync(path.dirname(path.dirname(upper.outputs.path)))
  expect(ownerDirs).toEqual(['acme'])
  const entries = readdirSync(path.dirname(upper.outputs.path)).filter(e => !e.startsWith('app.'))
  expect(entries).toEqual(['app'])
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

it('HOME/.gitconfig core.autocrlf=true: clean after checkout, .gitattributes and modes win', async () => {
  const home = homeWith('autocrlf', '[core]\n\tautocrlf = true\n')
  for (const round of [1, 2]) {
    const result = await eolJob(home)
    expect(result.outputs.cloned).toBe(round === 1 ? 'true' : 'false')
    const out = result.step('status')?.stdout ?? []
    expect(out).toContain('autocrlf:[true]') // the job really runs with autocrlf on
    expect(out).toContain('status:[]')
    expect(out).toContain('rehashed:[]')
    const file = (name: string): Buffer => readFileSync(path.join(result.outputs.path, name))
    expect(file('tool.sh').toString()).toBe('#!/bin/sh\necho tool\n') // eol=lf beats autocrlf
    expect(file('run.bat').toString()).toBe('@echo off\r\necho hi\r\n') // eol=crlf
    expect(file('data.bin').equals(DATA)).toBe(true) // binary: untouched
    expect(file('unix.txt').toString()).toBe('line one\r\nline two\r\n') // autocrlf applies
    expect(file('committed-crlf.txt').toString()).toBe('stored\r\nwith crlf\r\n')
    expect(statSync(path.join(result.outputs.path, 'tool.sh')).mode & 0o111).toBe(0o111)
    expect(statSync(path.join(result.outputs.path, 'run.bat')).mode & 0o111).toBe(0)
  }
}, 90_000)

/**
 * KNOWN GAP (src/git, reported to the lead): runner users with different autocrlf settings share
 * one clone. The second user's checkout keeps the first user's CRLF files, because git trusts the
 * index's stat data; `git status` says clean but a re-hash (any touch of a file) shows them
 * modified. `it.failing` keeps this visible: it turns red the day the sync re-converts the tree
 * (then make it a plain `it`).
 */
it.failing(
  'a job whose user has no autocrlf, after one that had it, finds the tree clean',
  async () => {
    const plain = homeWith('plain', '')
    const result = await eolJob(plain)
    const out = result.step('status')?.stdout ?? []
    expect(out).toContain('autocrlf:[]')
    expect(out).toContain('status:[]')
    expect(out).toContain('rehashed:[]')
  },
  60_000
)

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
