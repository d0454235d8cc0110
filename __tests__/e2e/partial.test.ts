/**
 * Partial clones (§1 filter; issue 15): the store is a partial clone, and the objects a checkout
 * needs are fetched into the STORE before the tree's checkout (store/partial.ts) — never lazily
 * into the tree, whose own objects the next job's prepareTree wipes. Through the built action
 * (server bytes against a full clone in the same run, show-progress, the cache warm start) and
 * in-process checkouts (testkit/checkout-world) for how `filter` combines with sparse-checkout,
 * fetch-depth, lfs, submodules and later jobs that ask for no filter.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { envFor, startCacheServer, type CacheServer } from '../../testkit/cache-server.js'
import { openCheckoutWorld, type CheckoutWorld } from '../../testkit/checkout-world.js'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import {
  addLfsFile,
  commitFiles,
  createRepo,
  createSubmoduleRepos,
  type FixtureRepo
} from '../../testkit/git-fixtures.js'
import { itWithGitLfs } from '../../testkit/requirements.js'
import { expectConclusion, filesUnder, git, mainLog, repoPathsOfTree } from './helpers.js'

const DIRS = ['a', 'b', 'c']
/** a/, b/, c/ with four 32 KiB binaries each, rewritten twice: three versions in history. */
function createMono(upstream: string, name = 'mono'): { repo: FixtureRepo; sha: string } {
  const version = (): Record<string, Buffer | string> => {
    const files: Record<string, Buffer | string> = {}
    for (const dir of DIRS)
      for (let i = 1; i <= 4; i++) files[`${dir}/${i}.bin`] = randomBytes(32 << 10)
    return files
  }
  const repo = createRepo(upstream, 'acme', name, {
    ...version(),
    'README.md': '# mono\n',
    '.gitattributes': '*.bin binary\n',
    'b/.gitignore': 'out/\n'
  })
  commitFiles(repo, version(), 'second')
  const sha = commitFiles(repo, version(), 'third')
  return { repo, sha }
}

const TRACKED = (dirs = DIRS): string[] =>
  ['.gitattributes', 'README.md', ...dirs.flatMap(d => [1, 2, 3, 4].map(i => `${d}/${i}.bin`))]
    .concat(dirs.includes('b') ? ['b/.gitignore'] : [])
    .sort()

/** The working tree's files, relative, sorted. */
function treeFiles(tree: string): string[] {
  return filesUnder(tree)
    .map(f => path.relative(tree, f))
    .filter(f => !f.startsWith('.git/'))
    .sort()
}

/** Files in the tree's own object directory: a lazy fetch in the tree would put a pack here. */
function treeObjects(tree: string): string[] {
  return filesUnder(path.join(tree, '.git', 'objects')).filter(f => !f.endsWith('alternates'))
}

/** Objects of `rev`'s tree missing from the store (read without fetching). */
function missing(store: string, rev: string): Set<string> {
  return new Set(
    git(store, ['rev-list', '--objects', '--no-walk', '--missing=print', rev])
      .split('\n')
      .filter(l => l.startsWith('?'))
      .map(l => l.slice(1))
  )
}

/** path → blob id of `rev` (trees are in a blob:none store). */
function blobsOf(store: string, rev: string): Map<string, string> {
  return new Map(
    git(store, ['ls-tree', '-r', '--full-tree', rev])
      .split('\n')
      .map(l => /^\S+ blob (\S+)\t(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(m => [m[2], m[1]])
  )
}

function isPartial(store: string): boolean {
  return (
    git(store, ['config', '--default', '', 'remote.origin.partialclonefilter']) !== '' &&
    readdirSync(path.join(store, 'objects', 'pack')).some(n => n.endsWith('.promisor'))
  )
}

function dirSize(dir: string): number {
  return filesUnder(dir).reduce((sum, f) => sum + statSync(f).size, 0)
}

const PROGRESS =
  /Receiving objects|Resolving deltas|Updating files|Enumerating objects|Counting objects/

describe('through the action: a blob:none store against a full clone, and show-progress', () => {
  let world: E2EWorld
  let cache: CacheServer
  let sha: string
  const bytes: Record<string, number> = {}
  const results: Record<string, JobResult> = {}

  async function machine(
    name: string,
    withInputs: Record<string, string>,
    env: Record<string, string> = {}
  ) {
    const before = world.server.totalBytesSent()
    const result = await world.job({
      repository: 'acme/mono',
      with: { ref: sha, ...withInputs },
      env: { SHARED_CHECKOUT_ROOT: path.join(world.scratch, name), GIT_PROGRESS_DELAY: '0', ...env }
    }).result
    expectConclusion(result, 'success')
    bytes[name] = world.server.totalBytesSent() - before
    results[name] = result
    return result
  }

  beforeAll(async () => {
    world = await createWorld()
    cache = await startCacheServer()
    ;({ sha } = createMono(world.upstream))
    await machine('full', { 'show-progress': 'false' })
    await machine('partial', { filter: 'blob:none' })
  }, 60_000)
  afterAll(async () => {
    await cache.stop()
    await world.close()
  })

  it('the store is a partial clone; the checkout is complete and the tree fetched nothing itself', () => {
    const tree = results.partial.outputs.path
    const store = repoPathsOfTree(tree).store
    expect(isPartial(store)).toBe(true)
    expect(git(store, ['config', 'remote.origin.partialclonefilter'])).toBe('blob:none')
    expect(treeFiles(tree)).toEqual(TRACKED())
    expect(git(tree, ['status', '--porcelain'])).toBe('')
    expect(treeFiles(tree)).toEqual(treeFiles(results.full.outputs.path))
    expect(treeObjects(tree)).toEqual([])
    // HEAD's blobs landed in the store; the history's did not.
    expect(missing(store, sha).size).toBe(0)
    expect(missing(store, `${sha}~1`).size).toBe(12)
  })

  it('moved about a third of the bytes of a full clone (one version of the blobs of three)', () => {
    expect(bytes.partial).toBeGreaterThan(0)
    expect(bytes.partial).toBeLessThan(bytes.full * 0.5)
    const store = (name: string): string => repoPathsOfTree(results[name].outputs.path).store
    expect(dirSize(store('partial'))).toBeLessThan(dirSize(store('full')) * 0.5)
  })

  it('show-progress: true shows the progress of the fetches (history and blobs) and the checkout', () => {
    const log = mainLog(results.partial)
    expect(log).toMatch(/Receiving objects/)
    expect(log).toMatch(/Updating files/)
    expect(log).toMatch(/fetching \d+ objects of [0-9a-f]{12} into the store \(partial clone\)/)
  })

  it('show-progress: false shows none of it', () => {
    const log = mainLog(results.full)
    expect(log).not.toMatch(PROGRESS)
    expect(log).toMatch(/checked out/)
  })

  it('cache warm start: a partial store is archived and restored partial; a job without filter gets every blob', async () => {
    const cached = { ...envFor(cache) }
    await machine('cache-a', { filter: 'blob:none' }, cached)
    expect(results['cache-a'].outputs['cache-hit']).toBe('false')
    expect(cache.entries()).toHaveLength(1)
    const b = await machine('cache-b', {}, cached)
    expect(b.outputs['cache-hit']).toBe('true')
    const tree = b.outputs.path
    expect(isPartial(repoPathsOfTree(tree).store)).toBe(true)
    expect(treeFiles(tree)).toEqual(TRACKED())
    expect(git(tree, ['status', '--porcelain'])).toBe('')
    expect(treeObjects(tree)).toEqual([])
    // The archive held the history without blobs: B fetched the blobs of its commit only.
    expect(bytes['cache-b']).toBeGreaterThan(0)
    expect(bytes['cache-b']).toBeLessThan(bytes['cache-a'])
  }, 60_000)
})

describe('in-process: how filter combines with the other inputs', () => {
  let world: CheckoutWorld
  let sha: string
  let lfs: { content: Buffer; sha: string }
  beforeAll(async () => {
    world = await openCheckoutWorld()
    ;({ sha } = createMono(world.upstream))
    const lfsRepo = createRepo(world.upstream, 'acme', 'media', {
      'src/main.txt': 'main\n',
      'docs/guide.txt': 'guide\n'
    })
    const content = randomBytes(50_000)
    const added = addLfsFile(lfsRepo, 'assets/big.dat', content)
    lfs = { content, sha: added.sha }
    createSubmoduleRepos(world.upstream)
  }, 60_000)
  afterAll(() => world.close())

  /** One job of acme/mono (unless told) on the machine root `name`. */
  const job = (
    name: string,
    inputs: Parameters<CheckoutWorld['job']>[0] = {},
    runtime: Parameters<CheckoutWorld['job']>[1] = {}
  ) => world.job({ root: path.join(world.dir, name), repository: 'acme/mono', ...inputs }, runtime)
  const uploadPacks = (): number =>
    world.server.requests.filter(r => r.service === 'git-upload-pack').length

  it('sparse-checkout: blobs of the sparse paths only (plus attribute and ignore files); later jobs of the tree get what they ask for', async () => {
    const first = await job('sparse', { ref: sha, filter: 'blob:none', 'sparse-checkout': 'a' })
    const store = first.layout.store
    const blobs = blobsOf(store, sha)
    const absent = missing(store, sha)
    expect(treeFiles(first.treeDir)).toEqual([
      '.gitattributes',
      'README.md',
      'a/1.bin',
      'a/2.bin',
      'a/3.bin',
      'a/4.bin'
    ])
    for (const [file, oid] of blobs) {
      const fetched = !file.includes('/') || file.startsWith('a/') || file === 'b/.gitignore'
      expect([file, absent.has(oid)]).toEqual([file, !fetched])
    }
    expect(treeObjects(first.treeDir)).toEqual([])

    // The next job in the tree asks for everything and no filter: the rest of the blobs come,
    // into the store, which stays partial.
    const full = await job('sparse', { ref: sha })
    expect(full.tree).toBe(first.tree)
    expect(treeFiles(full.treeDir)).toEqual(TRACKED())
    expect(git(full.treeDir, ['status', '--porcelain'])).toBe('')
    expect(missing(store, sha).size).toBe(0)
    expect(isPartial(store)).toBe(true)
    expect(full.blobs?.fetchedObjects).toBe(8)
    expect(treeObjects(full.treeDir)).toEqual([])

    // Sparse again, other paths: everything is in the store, nothing is fetched.
    const before = uploadPacks()
    const again = await job('sparse', { ref: sha, 'sparse-checkout': 'c' })
    expect(treeFiles(again.treeDir)).toEqual([
      '.gitattributes',
      'README.md',
      ...[1, 2, 3, 4].map(i => `c/${i}.bin`)
    ])
    expect(again.blobs).toEqual({ fetchedObjects: 0, usedStoreLock: false, storeWaitMs: 0 })
    expect(uploadPacks()).toBe(before)
  })

  it('non-cone patterns: git matches them; the checkout finds every blob it writes', async () => {
    const result = await job('non-cone', {
      ref: sha,
      filter: 'blob:none',
      'sparse-checkout': '/*.md\n/c/\n!/c/1.bin',
      'sparse-checkout-cone-mode': 'false'
    })
    expect(treeFiles(result.treeDir)).toEqual(['README.md', 'c/2.bin', 'c/3.bin', 'c/4.bin'])
    expect(git(result.treeDir, ['status', '--porcelain'])).toBe('')
    expect(treeObjects(result.treeDir)).toEqual([])
    const absent = missing(result.layout.store, sha)
    const blobs = blobsOf(result.layout.store, sha)
    for (const dir of ['a', 'b']) expect(absent.has(blobs.get(`${dir}/1.bin`)!)).toBe(true)
  })

  it('tree:0 with fetch-depth: 1: a shallow store without trees; the checkout gets trees and blobs of its commit', async () => {
    const result = await job('tree0', { ref: 'main', filter: 'tree:0', 'fetch-depth': '1' })
    const store = result.layout.store
    expect(existsSync(path.join(store, 'shallow'))).toBe(true)
    expect(git(store, ['config', 'remote.origin.partialclonefilter'])).toBe('tree:0')
    expect(treeFiles(result.treeDir)).toEqual(TRACKED())
    expect(git(result.treeDir, ['status', '--porcelain'])).toBe('')
    expect(treeObjects(result.treeDir)).toEqual([])
    expect(git(result.treeDir, ['rev-list', '--count', 'HEAD'])).toBe('1')
  })

  it('filter on a complete store: the store stays complete and says so', async () => {
    await job('complete', { ref: sha })
    const result = await job('complete', { ref: 'main', filter: 'blob:none' })
    expect(result.log.join('\n')).toContain(
      'filter: blob:none not applied: the store of acme/mono is a complete clone'
    )
    expect(isPartial(result.layout.store)).toBe(false)
    expect(result.blobs).toBeUndefined()
  })

  itWithGitLfs(
    'lfs with filter and sparse-checkout: the LFS object arrives; git-lfs reads every blob from the store, not lazily into the tree',
    async () => {
      const result = await job('lfs', {
        repository: 'acme/media',
        ref: lfs.sha,
        filter: 'blob:none',
        'sparse-checkout': 'assets',
        lfs: 'true'
      })
      expect(treeFiles(result.treeDir)).toEqual(['.gitattributes', 'assets/big.dat'])
      expect(readFileSync(path.join(result.treeDir, 'assets', 'big.dat')).equals(lfs.content)).toBe(
        true
      )
      expect(treeObjects(result.treeDir)).toEqual([])
      expect(missing(result.layout.store, lfs.sha).size).toBe(0)
    }
  )

  it('submodules with filter: the superproject store is partial, submodules are cloned in full per tree', async () => {
    const result = await job('super', {
      repository: 'acme/super',
      ref: 'main',
      filter: 'blob:none',
      submodules: 'recursive'
    })
    expect(isPartial(result.layout.store)).toBe(true)
    expect(readFileSync(path.join(result.treeDir, 'libs', 'sub', 'sub.txt'), 'utf8')).toBe('sub\n')
    expect(readFileSync(path.join(result.treeDir, 'libs', 'sub', 'deep', 'deep.txt'), 'utf8')).toBe(
      'deepest\n'
    )
    expect(treeObjects(result.treeDir)).toEqual([])
  })

  it('the lookup of a new commit in a partial store never fetches it lazily, outside the store lock', async () => {
    // A remote without credentials (file://): a lazy fetch there would succeed.
    const { repo } = createMono(world.upstream, 'lazy')
    const options = (ref: string) => {
      const parsed = world.options({
        repository: 'acme/lazy',
        root: path.join(world.dir, 'lazy'),
        ref,
        filter: 'blob:none'
      })
      return { ...parsed, token: '', repo: { ...parsed.repo, remoteUrl: repo.fileUrl } }
    }
    const first = await world.checkoutWith(options('main'))
    await world.release(first)
    const tip = commitFiles(repo, { 'a/1.bin': randomBytes(1000) }, 'fourth')
    const next = await world.checkoutWith(options('main'))
    await world.release(next)
    expect(next.store.sha).toBe(tip)
    // Fetched under the lock like any new commit: the branch moved in the store too.
    expect(next.store.usedStoreLock).toBe(true)
    expect(git(next.layout.store, ['rev-parse', 'refs/remotes/origin/main'])).toBe(tip)
    expect(treeObjects(next.treeDir)).toEqual([])
  })

  it('a gap in what was fetched ahead: the checkout may not fetch into the tree; every object of the commit is fetched into the store and the checkout runs again', async () => {
    let removed: string[] = []
    const result = await job(
      'gap',
      { ref: sha, filter: 'blob:none' },
      {
        // Take the pack that the blob fetch wrote away from the store before the checkout.
        beforeTreeCheckout: treeDir => {
          const pack = path.join(repoPathsOfTree(treeDir).store, 'objects', 'pack')
          const newest = readdirSync(pack)
            .filter(n => n.endsWith('.pack'))
            .map(n => ({ n, t: statSync(path.join(pack, n)).mtimeMs }))
            .sort((x, y) => y.t - x.t)[0].n
          const base = newest.slice(0, -'.pack'.length)
          removed = readdirSync(pack).filter(n => n.startsWith(base))
          for (const n of removed) rmSync(path.join(pack, n))
        }
      }
    )
    expect(removed.length).toBeGreaterThanOrEqual(2)
    expect(result.log.join('\n')).toMatch(
      /needed objects that were not fetched into the store ahead of it/
    )
    expect(result.phases.map(p => p.name)).toEqual(
      expect.arrayContaining(['fetch blobs (all)', 'checkout (again)'])
    )
    expect(treeFiles(result.treeDir)).toEqual(TRACKED())
    expect(git(result.treeDir, ['status', '--porcelain'])).toBe('')
    expect(treeObjects(result.treeDir)).toEqual([])
  })
})
