/**
 * A tree damaged by a killed job, a crash, or a job that replaced parts of it (§3.2, §3.6,
 * §2.9): stale git lock files are removed and logged (submodules: submodules.test.ts), a damaged
 * index is dropped and rebuilt from the commit, a `.git` that is not a directory sets the tree
 * aside, and a link where the tree belongs is removed — never followed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import { indexProblem } from '../../../src/git/repair.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(() => world.close())

describe('a damaged index', () => {
  it('indexProblem accepts the index git wrote and refuses a truncated or garbled one', async () => {
    const result = await world.job({ ref: 'main' })
    const index = readFileSync(path.join(result.treeDir, '.git', 'index'))
    expect(indexProblem(index)).toBeUndefined()
    expect(indexProblem(index.subarray(0, index.length - 7))).toMatch(/checksum/)
    expect(indexProblem(Buffer.alloc(0))).toMatch(/shorter/)
    expect(indexProblem(Buffer.from('garbage'.repeat(10)))).toMatch(/signature/)
    const flipped = Buffer.from(index)
    flipped[40] ^= 0xff
    expect(indexProblem(flipped)).toMatch(/checksum/)
  })

  it.each([
    ['truncated', (file: string) => truncateSync(file, 20)],
    ['zero-length', (file: string) => writeFileSync(file, '')],
    ['a directory', (file: string) => (rmSync(file), mkdirSync(file))]
  ])(
    '%s: dropped, logged, and rebuilt from the commit (untracked files kept)',
    async (_, damage) => {
      const first = await world.job({ ref: 'main' })
      writeFileSync(path.join(first.treeDir, 'untracked.txt'), 'kept with clean: false\n')
      const index = path.join(first.treeDir, '.git', 'index')
      damage(index)
      const result = await world.job({ ref: 'main', clean: 'false' })
      expect(result.treeDir).toBe(first.treeDir)
      expect(result.setAside).toEqual([])
      expect(result.repairs.some(entry => entry.startsWith(index))).toBe(true)
      expect(result.log.join('\n')).toMatch(/dropped the index of tree 1: /)
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('?? untracked.txt')
      rmSync(path.join(result.treeDir, 'untracked.txt'))
    }
  )
})

describe('stale git lock files in a tree (§3.2)', () => {
  it('index.lock, HEAD.lock and ref locks of the tree are removed and logged; git would fail on them', async () => {
    const first = await world.job({ ref: 'main' })
    const gitDir = path.join(first.treeDir, '.git')
    const planted = ['index.lock', 'HEAD.lock', 'config.lock', 'refs/heads/x.lock'].map(f =>
      path.join(gitDir, f)
    )
    for (const file of planted) writeFileSync(file, '')
    // The hazard is real: plain git refuses to touch the index while index.lock exists.
    expect(() =>
      world.git(first.treeDir, ['checkout', '--force', '--detach', repo.shas.v1])
    ).toThrow(/index\.lock/)
    const result = await world.job({ ref: 'v1.0' })
    expect(result.store.sha).toBe(repo.shas.v1)
    expect([...result.repairs].sort()).toEqual([...planted].sort())
    for (const file of planted) {
      expect(existsSync(file)).toBe(false)
      expect(result.log.some(line => line.includes(file) && /stale git lock/.test(line))).toBe(true)
    }
    expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.v1)
  })
})

describe('a tree whose parts were replaced (§3.2, §2.9)', () => {
  it.each<[string, (gitDir: string, elsewhere: string) => void]>([
    [
      'a file',
      gitDir => (rmSync(gitDir, { recursive: true }), writeFileSync(gitDir, 'gitdir: /tmp\n'))
    ],
    [
      'a link to another git directory',
      (gitDir, elsewhere) => (renameSync(gitDir, elsewhere), symlinkSync(elsewhere, gitDir))
    ]
  ])(
    '.git replaced by %s: the tree is set aside and built afresh; nothing elsewhere is touched',
    async (_, replace) => {
      const first = await world.job({ ref: 'main' })
      const elsewhere = path.join(world.dir, `elsewhere-${Date.now()}`)
      replace(path.join(first.treeDir, '.git'), elsewhere)
      writeFileSync(path.join(first.treeDir, 'evidence.txt'), 'keep me\n')
      const before = existsSync(elsewhere) ? readdirSync(elsewhere).sort() : []

      const result = await world.job({ ref: 'main' })
      expect(result.setAside).toHaveLength(1)
      const aside = result.setAside[0]
      expect(path.dirname(aside)).toBe(result.layout.aside)
      expect(path.basename(aside)).toMatch(/^tree-1-\d{8}T\d{6}/)
      expect(readFileSync(path.join(aside, 'evidence.txt'), 'utf8')).toBe('keep me\n')
      expect(result.log.some(l => l.startsWith('warning:') && l.includes(aside))).toBe(true)
      expect(lstatSync(path.join(result.treeDir, '.git')).isDirectory()).toBe(true)
      expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
      if (before.length > 0) expect(readdirSync(elsewhere).sort()).toEqual(before)
    }
  )

  it('the tree directory replaced by a link: the link is removed, never followed', async () => {
    const first = await world.job({ ref: 'main' })
    const target = path.join(world.dir, 'link-target')
    mkdirSync(target)
    writeFileSync(path.join(target, 'precious.txt'), 'precious\n')
    rmSync(first.treeDir, { recursive: true })
    symlinkSync(target, first.treeDir)

    const result = await world.job({ ref: 'main' })
    expect(lstatSync(result.treeDir).isDirectory()).toBe(true)
    expect(result.repairs).toContain(`${result.treeDir} (not a directory)`)
    expect(readdirSync(target)).toEqual(['precious.txt'])
    expect(readFileSync(path.join(target, 'precious.txt'), 'utf8')).toBe('precious\n')
    expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
  })
})
