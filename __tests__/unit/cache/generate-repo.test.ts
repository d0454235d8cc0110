import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendCommits, generateRepo } from '../../../testkit/generate-repo.js'

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()
let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'generate-repo-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('generateRepo', () => {
  it('writes the same SHAs on every run, with the requested shape', async () => {
    const options = { commits: 120, files: 40, branches: 2 }
    const first = await generateRepo(join(work, 'one.git'), options)
    const second = await generateRepo(join(work, 'two.git'), options)
    expect(second.head).toBe(first.head)
    expect(git(first.path, 'rev-list', '--count', 'main')).toBe('120')
    expect(git(first.path, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toHaveLength(40)
    expect(git(first.path, 'for-each-ref', '--format=%(refname)').split('\n').sort()).toEqual([
      'refs/heads/branch-1',
      'refs/heads/branch-2',
      'refs/heads/main'
    ])
    expect(git(first.path, 'fsck', '--no-progress')).toBe('')
    const other = await generateRepo(join(work, 'seed.git'), { ...options, seed: 9 })
    expect(other.head).not.toBe(first.head)
  })

  it('appends commits deterministically on top of main', async () => {
    const a = await generateRepo(join(work, 'a.git'), { commits: 30, files: 10 })
    const b = await generateRepo(join(work, 'b.git'), { commits: 30, files: 10 })
    const headA = await appendCommits(a.path, 7)
    expect(await appendCommits(b.path, 7)).toBe(headA)
    expect(git(a.path, 'rev-list', '--count', 'main')).toBe('37')
    expect(git(a.path, 'rev-parse', 'main~7')).toBe(a.head)
  })
})
