/**
 * The inputs that shape the working tree (issue 15), through the built action and the runner
 * emulator: sparse checkout per tree (§1 sparse-checkout, sparse-checkout-cone-mode) with one
 * tree going full → sparse → full → sparse (other patterns) → … without fetching anything and
 * without rewriting files that stay; set-safe-directory for a tree another user owns; and the
 * issue's inputs refused before anything on disk changes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { createRepo, type FixtureRepo } from '../../testkit/git-fixtures.js'
import {
  allLines,
  errors,
  expectConclusion,
  filesUnder,
  git,
  mainLog,
  repoPathsOf
} from './helpers.js'

let world: E2EWorld
let repo: FixtureRepo
let sha: string

const FILES = [
  'README.md',
  'NOTES.md',
  'build.sh',
  'a/one.txt',
  'a/two.md',
  'a/b/three.txt',
  'a/b/c/four.txt',
  'a/bb/five.txt',
  'b/six.txt',
  'b/seven.md',
  'c/deep/eight.txt',
  'c/nine.txt'
]

beforeAll(async () => {
  world = await createWorld()
  repo = createRepo(
    world.upstream,
    'acme',
    'mono',
    Object.fromEntries(FILES.map(f => [f, `${f}\n`.repeat(100)]))
  )
  sha = git(repo.bare, ['rev-parse', 'main'])
})
afterAll(() => world.close())

const paths = (): ReturnType<typeof repoPathsOf> => repoPathsOf(world, 'acme/mono')

async function checkout(extra: Record<string, string>, steps = {}): Promise<JobResult> {
  const result = await world.job({
    repository: 'acme/mono',
    with: { ref: sha, ...extra },
    ...steps
  }).result
  expectConclusion(result, 'success')
  return result
}

/** The files of the tree, relative, sorted (no .git). */
function treeFiles(): string[] {
  const tree = paths().tree(1)
  return filesUnder(tree)
    .map(f => path.relative(tree, f))
    .filter(f => !f.startsWith('.git/'))
    .sort()
}

function inodes(): Map<string, number> {
  const tree = paths().tree(1)
  return new Map(treeFiles().map(f => [f, statSync(path.join(tree, f)).ino]))
}

/** Files whose inode did not change (git left them alone rather than writing them again). */
function kept(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...before]
    .filter(([f, ino]) => after.get(f) === ino)
    .map(([f]) => f)
    .sort()
}

describe('sparse checkout per tree: one tree, jobs asking for different things', () => {
  const inCone = (dirs: string[]) =>
    FILES.filter(f => {
      const slash = f.lastIndexOf('/')
      if (slash < 0) return true
      const parent = f.slice(0, slash)
      return dirs.some(d => f.startsWith(`${d}/`) || d.startsWith(`${parent}/`))
    }).sort()

  let full: Map<string, number>
  let uploadPacks: number

  beforeAll(async () => {
    await checkout({})
    full = inodes()
    expect(treeFiles()).toEqual([...FILES].sort())
    uploadPacks = world.server.requests.filter(r => r.service === 'git-upload-pack').length
  }, 60_000)

  afterAll(() => {
    // Every transition worked from the store: the server was not asked for objects again.
    expect(world.server.requests.filter(r => r.service === 'git-upload-pack')).toHaveLength(
      uploadPacks
    )
  })

  it('full → sparse (cone): only the cone is written, the files that stay are not rewritten', async () => {
    const result = await checkout({ 'sparse-checkout': 'a/b' })
    expect(result.outputs.tree).toBe('1')
    expect(treeFiles()).toEqual(inCone(['a/b']))
    expect(kept(full, inodes())).toEqual(inCone(['a/b']))
    const tree = paths().tree(1)
    expect(git(tree, ['status', '--porcelain'])).toBe('')
    expect(git(tree, ['config', '--bool', 'core.sparseCheckout'])).toBe('true')
    expect(git(tree, ['sparse-checkout', 'list'])).toBe('a/b')
  }, 60_000)

  it('sparse → full: every file is back; the index is kept and only the left-out files are written', async () => {
    const before = inodes()
    const result = await checkout({})
    expect(treeFiles()).toEqual([...FILES].sort())
    // Dropping the index would have rewritten every file; expanding keeps the cone's files.
    expect(kept(before, inodes())).toEqual(inCone(['a/b']))
    expect(mainLog(result)).toContain(
      'was sparse for an earlier job: this checkout writes the files it left out'
    )
    expect(mainLog(result)).not.toContain('dropped the index')
    const tree = paths().tree(1)
    expect(
      git(tree, ['ls-files', '-t'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
    expect(git(tree, ['config', '--bool', '--default', 'false', 'core.sparseCheckout'])).toBe(
      'false'
    )
    expect(existsSync(path.join(tree, '.git', 'info', 'sparse-checkout'))).toBe(false)
    expect(git(tree, ['status', '--porcelain'])).toBe('')
  }, 60_000)

  it('full → sparse with non-cone patterns', async () => {
    await checkout({
      'sparse-checkout': '/*.md\n/c/\n!/c/nine.txt',
      'sparse-checkout-cone-mode': 'false'
    })
    expect(treeFiles()).toEqual(['NOTES.md', 'README.md', 'c/deep/eight.txt'])
    const tree = paths().tree(1)
    expect(git(tree, ['config', '--bool', 'core.sparseCheckoutCone'])).toBe('false')
    expect(git(tree, ['status', '--porcelain'])).toBe('')
  }, 60_000)

  it('sparse → sparse with other patterns (cone, two directories)', async () => {
    await checkout({ 'sparse-checkout': 'b\nc/deep' })
    expect(treeFiles()).toEqual(inCone(['b', 'c/deep']))
    expect(git(paths().tree(1), ['status', '--porcelain'])).toBe('')
  }, 60_000)

  it('a tree that was sparse for the last job is complete for the next job that asks for everything', async () => {
    await checkout({})
    expect(treeFiles()).toEqual([...FILES].sort())
    const tree = paths().tree(1)
    expect(
      git(tree, ['ls-files', '-t'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
  }, 60_000)

  it('skip-worktree bits a job planted to hide a file are cleared for the next job', async () => {
    await checkout(
      {},
      {
        steps: [
          {
            run: 'cd "$SHARED_CHECKOUT_PATH" && git update-index --skip-worktree README.md && rm README.md'
          }
        ]
      }
    )
    expect(treeFiles()).not.toContain('README.md')
    await checkout({})
    expect(treeFiles()).toEqual([...FILES].sort())
  }, 60_000)
})

describe('set-safe-directory: later steps and a tree another user owns', () => {
  /** A step that gives the tree to `nobody`, runs git status in it, and gives it back. */
  const statusAsAnotherOwner = [
    'tree="$SHARED_CHECKOUT_PATH"',
    'chown -R nobody "$tree"',
    'if git -C "$tree" status --porcelain > status.out 2>&1; then echo STATUS=ok; else echo STATUS=failed; fi',
    'cat status.out',
    'echo "GLOBAL=$(git config --global --get-all safe.directory || true)"',
    'chown -R root "$tree"'
  ].join('\n')

  it.each([
    ['true', 'STATUS=ok'],
    ['false', 'STATUS=failed']
  ])(
    'set-safe-directory: %s → %s',
    async (value, expected) => {
      const result = await checkout(
        { 'set-safe-directory': value },
        { steps: [{ run: statusAsAnotherOwner, cwd: world.scratch }] }
      )
      const lines = allLines(result)
      expect(lines).toContain(expected)
      if (value === 'false')
        expect(lines.join('\n')).toMatch(/detected dubious ownership in repository/)
      // Through the environment of the job only, never a global config file (§3.5).
      expect(lines).toContain('GLOBAL=')
      expect(existsSync(path.join(world.scratch, '.gitconfig'))).toBe(false)
      if (value === 'true') {
        const exported = result.main?.env ?? {}
        const count = Number(exported.GIT_CONFIG_COUNT)
        const entries = Array.from({ length: count }, (_, i) => [
          exported[`GIT_CONFIG_KEY_${i}`],
          exported[`GIT_CONFIG_VALUE_${i}`]
        ])
        expect(entries).toContainEqual(['safe.directory', paths().tree(1)])
        // post takes it back: the count the job started with.
        expect(result.post?.env.GIT_CONFIG_COUNT).toBe('0')
      } else expect(result.env.GIT_CONFIG_COUNT).toBeUndefined()
    },
    60_000
  )
})

describe("the issue's inputs are checked before anything on disk changes", () => {
  it('one job with every input malformed: each is named, nothing is created, no key file is written', async () => {
    const root = path.join(world.scratch, 'untouched-root')
    const handle = world.job({
      tempDir: path.join(world.scratch, 'bad-inputs-job'),
      repository: 'acme/mono',
      with: {
        'ssh-key': 'not a key',
        'ssh-known-hosts': 'host\u0007key',
        'ssh-strict': 'maybe',
        'ssh-user': 'a b',
        'sparse-checkout': 'src/*',
        'sparse-checkout-cone-mode': 'cone',
        filter: 'blob:some',
        'show-progress': 'loud',
        'set-safe-directory': 'please'
      },
      env: { SHARED_CHECKOUT_ROOT: root }
    })
    const result = await handle.result
    expectConclusion(result, 'failure')
    const message = errors(result)
    for (const input of [
      'ssh-key',
      'ssh-known-hosts',
      'ssh-strict',
      'ssh-user',
      'sparse-checkout',
      'sparse-checkout-cone-mode',
      'filter',
      'show-progress',
      'set-safe-directory'
    ])
      expect(message).toContain(`Input '${input}' is `)
    expect(message).toContain(`Input 'filter' is "blob:some": expected a partial-clone filter`)
    expect(message).toContain(`Input 'ssh-key' is (hidden)`)
    expect(existsSync(root)).toBe(false)
    expect(
      readdirSync(handle.runnerTemp).filter(n => n.startsWith('shared-checkout-ssh-'))
    ).toEqual([])
  }, 60_000)
})
