import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardRepo, createSubmoduleRepos } from '../../../testkit/git-fixtures.js'
import {
  findBrokenRefs,
  findDamagedIndexes,
  indexProblem,
  isValidLooseRef,
  syncSharedClone
} from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { git, openHarness, type Harness } from './harness.js'

describe('isValidLooseRef', () => {
  it('accepts object ids and symrefs, refuses empty or garbled content', () => {
    expect(isValidLooseRef(`${'a'.repeat(40)}\n`)).toBe(true)
    expect(isValidLooseRef('b'.repeat(64))).toBe(true)
    expect(isValidLooseRef('ref: refs/remotes/origin/main\n')).toBe(true)
    for (const bad of ['', '\n', 'garbage\n', 'a'.repeat(39), '\0\0\0\0', `ref: \n`])
      expect(isValidLooseRef(bad)).toBe(false)
  })
})

describe('a shared clone damaged by a crash or power loss (zero-length or garbled files)', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness()
    createStandardRepo(h.upstream, 'acme', 'app')
    createSubmoduleRepos(h.upstream, 'acme')
  })
  afterAll(() => h.close())

  it('indexProblem accepts the index git wrote and refuses a truncated or garbled one', async () => {
    const request = h.request('acme', 'app', { clonePath: path.join(h.dir, 'pure', 'app') })
    await syncSharedClone(request, memoryLogger())
    const index = readFileSync(path.join(request.clonePath, '.git', 'index'))
    expect(indexProblem(index)).toBeUndefined()
    expect(indexProblem(index.subarray(0, index.length - 7))).toMatch(/checksum/)
    expect(indexProblem(Buffer.alloc(0))).toMatch(/shorter/)
    expect(indexProblem(Buffer.from('garbage'.repeat(10)))).toMatch(/signature/)
    const flipped = Buffer.from(index)
    flipped[40] ^= 0xff
    expect(indexProblem(flipped)).toMatch(/checksum/)
  })

  it.each([
    ['a truncated index', (c: string) => truncateSync(path.join(c, '.git/index'), 20)],
    ['a zero-length index', (c: string) => writeFileSync(path.join(c, '.git/index'), '')],
    [
      'a zero-length remote-tracking ref',
      (c: string) => writeFileSync(path.join(c, '.git/refs/remotes/origin/main'), '')
    ],
    [
      'a garbled tag ref',
      (c: string) => writeFileSync(path.join(c, '.git/refs/tags/v1.0'), 'garbage\n')
    ]
  ])('%s is removed, logged and rebuilt in place (no re-clone)', async (_, damage) => {
    const request = h.request('acme', 'app', {
      clonePath: path.join(h.dir, 'damage', String(Math.random()).slice(2), 'app'),
      fetchTags: true
    })
    const first = await syncSharedClone(request, memoryLogger())
    writeFileSync(path.join(request.clonePath, 'untracked.txt'), 'kept with clean: false\n')
    damage(request.clonePath)
    const gitDir = path.join(request.clonePath, '.git')
    expect(findBrokenRefs(gitDir).length + findDamagedIndexes(gitDir).length).toBe(1)

    const log = memoryLogger()
    const second = await syncSharedClone({ ...request, clean: false }, log)
    expect(second.cloned).toBe(false)
    expect(second.movedAside).toBeUndefined()
    expect(second.commit).toBe(first.commit)
    expect(second.repairs).toHaveLength(1)
    expect(log.lines.join('\n')).toMatch(/removed (broken ref file|damaged index) /)
    // The index was rebuilt from HEAD, not from an empty one: tracked files are tracked.
    expect(git(request.clonePath, ['status', '--porcelain'], h.env)).toBe('?? untracked.txt')
    expect(findBrokenRefs(gitDir)).toEqual([])
    expect(findDamagedIndexes(gitDir)).toEqual([])
  })

  it("a submodule's damaged index is removed and the submodule checked out again", async () => {
    const request = h.request('acme', 'super', { submodules: 'recursive' })
    await syncSharedClone(request, memoryLogger())
    const moduleIndex = path.join(request.clonePath, '.git/modules/libs/sub/index')
    truncateSync(moduleIndex, 10)
    const log = memoryLogger()
    const result = await syncSharedClone(request, log)
    expect(result.repairs).toEqual([moduleIndex])
    expect(git(path.join(request.clonePath, 'libs/sub'), ['status', '--porcelain'], h.env)).toBe('')
    expect(readFileSync(path.join(request.clonePath, 'libs/sub/deep/deep.txt'), 'utf8')).toBe(
      'deepest\n'
    )
  })
})
