/**
 * What a job leaves in its tree is undone for the next job (§3.6): the tree's git directory is
 * the action's again before any git command runs there — config written afresh, hooks and info
 * emptied, the index dropped when it would hide files, the job's own refs and objects gone — so
 * nothing a job writes with ordinary git commands runs code in, redirects, or changes what the
 * next job sees. Each case leaves something in tree 1 and runs the next job with `clean: false`
 * (nothing is cleaned for it: the tree's git directory alone must make the difference).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  commitFiles,
  createStandardRepo,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'
import { treeConfig } from '../../../src/trees/prepare.js'

let world: CheckoutWorld
let repo: StandardRepo
let treeDir: string
let expectedFiles: string[]
let marker: string
let script: string
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
  repo.shas.main = commitFiles(repo, { 'src/deep/a.txt': 'a\n' }, 'a file in a directory')
  expectedFiles = execFileSync('git', ['ls-tree', '-r', '--name-only', 'main'], {
    cwd: repo.bare,
    encoding: 'utf8'
  })
    .trim()
    .split('\n')
    .sort()
  treeDir = (await world.job({ ref: 'main' })).treeDir
  marker = path.join(world.dir, 'planted-ran.txt')
  script = path.join(world.dir, 'planted.sh')
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\ncat\nexit 0\n`)
  chmodSync(script, 0o755)
})
afterAll(() => world.close())

/** Files of the index that exist on disk: what a later step of the job sees. */
const filesOnDisk = (): string[] =>
  world
    .git(treeDir, ['ls-files'])
    .split('\n')
    .filter(file => existsSync(path.join(treeDir, file)))
    .sort()

/** The next job, and what it must see: every file of main with main's content, a clean status. */
async function nextJobSeesMain(): Promise<string[]> {
  const result = await world.job({ ref: 'main', clean: 'false' })
  expect(result.treeDir).toBe(treeDir)
  expect(result.store.sha).toBe(repo.shas.main)
  expect(world.git(treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
  expect(filesOnDisk()).toEqual(expectedFiles)
  expect(readFileSync(path.join(treeDir, 'README.md'), 'utf8')).toBe('# app\n')
  expect(world.git(treeDir, ['status', '--porcelain'])).toBe('')
  return result.log
}

describe('what a job wrote into its git directory', () => {
  it('hooks, fsmonitor, filters and code-running config never run in the next job', async () => {
    for (const hook of ['post-checkout', 'reference-transaction', 'post-index-change']) {
      writeFileSync(
        path.join(treeDir, '.git', 'hooks', hook),
        `#!/bin/sh\nexec ${script} ${hook}\n`
      )
      chmodSync(path.join(treeDir, '.git', 'hooks', hook), 0o755)
    }
    world.git(treeDir, ['config', 'core.fsmonitor', script])
    world.git(treeDir, ['config', 'filter.planted.smudge', script])
    world.git(treeDir, ['config', 'filter.planted.clean', script])
    world.git(treeDir, ['config', 'filter.planted.required', 'true'])
    writeFileSync(path.join(treeDir, '.git', 'info', 'attributes'), '* filter=planted\n')
    world.git(treeDir, ['config', 'diff.external', script])
    world.git(treeDir, ['config', 'core.pager', script])
    // Positive control: plain git in that tree does run what was planted.
    world.git(treeDir, ['status', '--porcelain'])
    world.git(treeDir, ['checkout', '--force', '--detach', repo.shas.first])
    expect(existsSync(marker)).toBe(true)
    rmSync(marker)

    await nextJobSeesMain()
    // Neither the job's checkout nor the plain git of nextJobSeesMain ran anything planted.
    expect(existsSync(marker)).toBe(false)
  })

  it.each<[string, (tree: string) => void]>([
    ['core.bare=true', tree => world.git(tree, ['config', 'core.bare', 'true'])],
    ['core.worktree elsewhere', tree => world.git(tree, ['config', 'core.worktree', '/tmp'])],
    [
      'a url.insteadOf redirect to a dead server',
      tree =>
        world.git(tree, ['config', 'url.http://127.0.0.1:1/.insteadOf', `${world.server.url}/`])
    ],
    [
      'a stored auth header',
      tree =>
        world.git(tree, [
          'config',
          `http.${world.server.url}/.extraheader`,
          'AUTHORIZATION: basic Zm9vOmJhcg=='
        ])
    ],
    [
      'an include.path and a core.sshCommand',
      tree => {
        const included = path.join(world.dir, 'included.config')
        writeFileSync(included, `[core]\n\thooksPath = ${world.dir}\n`)
        world.git(tree, ['config', 'include.path', included])
        world.git(tree, ['config', 'core.sshCommand', script])
      }
    ]
  ])('%s: the config is the action’s again', async (_, leave) => {
    leave(treeDir)
    await nextJobSeesMain()
    expect(readFileSync(path.join(treeDir, '.git', 'config'), 'utf8')).toBe(
      treeConfig({
        originUrl: world.server.repoUrl('acme', 'app'),
        objectFormat: 'sha1',
        platform: process.platform
      })
    )
    // The job's own git fetch goes to the server, with nothing planted in the way.
    expect(world.git(treeDir, ['config', '--get', 'remote.origin.url'])).toBe(
      world.server.repoUrl('acme', 'app')
    )
  })
})

describe('what a job left in the index and the refs', () => {
  it.each<[string, (tree: string) => void, RegExp]>([
    [
      'a sparse checkout',
      tree => world.git(tree, ['sparse-checkout', 'set', 'nothing']),
      /tree 1 was sparse for an earlier job|dropped the index of tree 1: entries are flagged skip-worktree/
    ],
    [
      'a skip-worktree file with other content',
      tree => {
        world.git(tree, ['update-index', '--skip-worktree', 'README.md'])
        writeFileSync(path.join(tree, 'README.md'), 'tampered\n')
      },
      /tree 1 was sparse for an earlier job|dropped the index of tree 1: entries are flagged skip-worktree/
    ],
    [
      'an assume-unchanged file with other content',
      tree => {
        world.git(tree, ['update-index', '--assume-unchanged', 'README.md'])
        writeFileSync(path.join(tree, 'README.md'), 'tampered\n')
      },
      /dropped the index of tree 1: entries are flagged assume-unchanged/
    ],
    [
      'an intent-to-add entry',
      tree => {
        writeFileSync(path.join(tree, 'README.md'), 'tampered\n')
        writeFileSync(path.join(tree, 'new.txt'), 'new\n')
        world.git(tree, ['add', '--intent-to-add', 'new.txt'])
        rmSync(path.join(tree, 'new.txt'))
      },
      /dropped the index of tree 1: entries are intent-to-add/
    ],
    [
      'a split index',
      tree => {
        world.git(tree, ['update-index', '--split-index'])
        writeFileSync(path.join(tree, 'README.md'), 'tampered\n')
      },
      /dropped the index of tree 1: it is a split index/
    ]
  ])('%s: every file is written afresh', async (_, leave, logged) => {
    leave(treeDir)
    const log = await nextJobSeesMain()
    expect(log.join('\n')).toMatch(logged)
  })

  it('a replace ref, commits and branches of the job: gone, the next job sees the real commit', async () => {
    world.git(treeDir, ['replace', '-f', repo.shas.main, repo.shas.first])
    writeFileSync(path.join(treeDir, 'local.txt'), 'local\n')
    world.git(treeDir, ['add', 'local.txt'])
    world.git(treeDir, [
      '-c',
      'user.name=job',
      '-c',
      'user.email=job@example.com',
      'commit',
      '--quiet',
      '-m',
      'local work'
    ])
    const local = world.git(treeDir, ['rev-parse', 'HEAD'])
    world.git(treeDir, ['branch', 'job-branch'])
    world.git(treeDir, ['tag', 'job-tag'])
    await nextJobSeesMain()
    expect(
      world.git(treeDir, ['for-each-ref', 'refs/replace', 'refs/heads', 'refs/tags/job-tag'])
    ).toBe('')
    expect(world.git(treeDir, ['cat-file', '-t', repo.shas.main])).toBe('commit')
    expect(() => world.git(treeDir, ['cat-file', '-e', local])).toThrow()
    expect(existsSync(path.join(treeDir, 'local.txt'))).toBe(false)
  })
})
