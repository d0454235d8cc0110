/**
 * A working tree after accidents and after what the previous job did to it (§3.2, §3.6): git's
 * stale lock files in the tree and its submodules are removed and named; an index left empty is
 * dropped and rebuilt; a sparse checkout, skip-worktree bits and replace refs an earlier job left
 * are gone for the next job; a tree whose git directory is missing is set aside into
 * `<dir>/aside/` and made afresh; a tree always borrows from this repository's store.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import { createSubmoduleRepos, type StandardRepo } from '../../testkit/git-fixtures.js'
import {
  expectConclusion,
  git,
  mainLog,
  repoPathsOf,
  repoPathsOfTree,
  warnings
} from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

const job = (steps: { run: string }[] = []) => world.job({ with: { ref: 'main' }, steps }).result

describe("git's own stale lock files in a tree", () => {
  it('removes each one, in the tree and in its submodules, and names it in the log and summary', async () => {
    createSubmoduleRepos(world.upstream)
    const superJob = () =>
      world.job({ repository: 'acme/super', with: { ref: 'main', submodules: 'recursive' } }).result
    const first = await superJob()
    expectConclusion(first, 'success')
    const gitDir = path.join(first.outputs.path, '.git')
    const planted = [
      'index.lock',
      'shallow.lock',
      'HEAD.lock',
      'config.lock',
      'packed-refs.lock',
      'refs/heads/x.lock',
      'modules/libs/sub/index.lock',
      'modules/libs/sub/HEAD.lock',
      'modules/libs/sub/modules/deep/index.lock'
    ].map(rel => path.join(gitDir, rel))
    for (const file of planted) {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, 'left by a git process that was killed\n')
    }

    const second = await superJob()
    expectConclusion(second, 'success')
    expect(second.outputs.path).toBe(first.outputs.path)
    expect(second.outputs.commit).toBe(first.outputs.commit)
    const log = mainLog(second)
    for (const file of planted) {
      expect(log).toContain(`removed stale git lock file ${file}`)
      expect(existsSync(file)).toBe(false)
    }
    expect(git(path.join(first.outputs.path, 'libs/sub'), ['status', '--porcelain'])).toBe('')
    expect(git(first.outputs.path, ['status', '--porcelain'])).toBe('')
    expect(second.summary).toMatch(/\| Repaired \| .*index\.lock/)
  }, 60_000)
})

describe('an index left empty by a crash or power loss', () => {
  it('is dropped, named, and rebuilt; the tree is not made afresh', async () => {
    const first = await job()
    expectConclusion(first, 'success')
    const tree = first.outputs.path
    const index = path.join(tree, '.git', 'index')
    writeFileSync(index, '')
    writeFileSync(path.join(tree, 'left-by-the-job.txt'), 'removed by clean\n')

    const second = await job()
    expectConclusion(second, 'success')
    expect(second.outputs.path).toBe(tree)
    expect(mainLog(second)).toMatch(
      /dropped the index of tree 1: it is shorter than an index header/
    )
    expect(readdirSync(repoPathsOfTree(tree).aside)).toEqual([])
    expect(git(tree, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(git(tree, ['status', '--porcelain', '--ignored'])).toBe('')
  }, 60_000)
})

describe('state an earlier job left in its tree', () => {
  it('a sparse checkout, skip-worktree bits and a replace ref are gone for the next job', async () => {
    const earlier = await job([
      {
        run: [
          'set -e',
          'cd "$SHARED_CHECKOUT_PATH"',
          "git sparse-checkout set --no-cone '/README.md'",
          'git update-index --skip-worktree README.md',
          'echo tampered > README.md',
          'git replace -f HEAD HEAD~2'
        ].join('\n')
      }
    ])
    expectConclusion(earlier, 'success')
    const tree = earlier.outputs.path
    expect(existsSync(path.join(tree, 'three.txt'))).toBe(false)

    const next = await job()
    expectConclusion(next, 'success')
    expect(next.outputs.path).toBe(tree)
    expect(next.outputs.cloned).toBe('false')
    // A later step with plain git sees the whole commit, with its real content.
    expect(readFileSync(path.join(tree, 'README.md'), 'utf8')).toBe('# app\n')
    expect(existsSync(path.join(tree, 'three.txt'))).toBe(true)
    expect(git(tree, ['status', '--porcelain'])).toBe('')
    expect(git(tree, ['for-each-ref', 'refs/replace'])).toBe('')
    expect(git(tree, ['log', '-1', '--format=%s'])).toBe('third')
    expect(
      git(tree, ['ls-files', '-v'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
  }, 60_000)
})

describe('a tree that cannot be used', () => {
  it('a tree without its git directory is set aside with a warning and made afresh', async () => {
    const paths = repoPathsOf(world, 'acme/app')
    const tree = paths.tree(1)
    rmSync(path.join(tree, '.git'), { recursive: true, force: true })
    writeFileSync(path.join(tree, 'precious.txt'), 'kept aside\n')

    const result = await job()
    expectConclusion(result, 'success')
    expect(result.outputs.path).toBe(tree)
    const aside = readdirSync(paths.aside).filter(n => n.startsWith('tree-1-'))
    expect(aside).toHaveLength(1)
    const moved = path.join(paths.aside, aside[0])
    expect(readFileSync(path.join(moved, 'precious.txt'), 'utf8')).toBe('kept aside\n')
    expect(warnings(result)).toContain(`moved it to ${moved}`)
    expect(result.summary).toMatch(/\| Set aside \| .*aside\/tree-1-/)
    expect(result.outputs.cloned).toBe('false')
    expect(git(tree, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(existsSync(path.join(tree, 'precious.txt'))).toBe(false)
  }, 60_000)

  it('a tree that borrows objects from elsewhere borrows from this store again', async () => {
    const paths = repoPathsOf(world, 'acme/app')
    const alternates = path.join(paths.tree(1), '.git', 'objects', 'info', 'alternates')
    const elsewhere = path.join(world.scratch, 'elsewhere', 'objects')
    mkdirSync(elsewhere, { recursive: true })
    writeFileSync(alternates, `${elsewhere}\n`)

    const result = await job()
    expectConclusion(result, 'success')
    expect(readFileSync(alternates, 'utf8').trim()).toBe(path.join(paths.store, 'objects'))
    expect(git(paths.tree(1), ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    git(paths.tree(1), ['fsck', '--no-progress', '--connectivity-only'])
  }, 60_000)
})
