/**
 * The object store after accidents (§3.2; SIGKILLs mid-sync: store-kill.test.ts): git's stale
 * lock files in the store are removed and named, a ref file left empty is repaired in place; a
 * store that is not a complete repository, or whose objects are damaged, is set aside into
 * `<dir>/aside/` (kept, announced) and built afresh; what a store's config says is the
 * action's again once the store lock is taken.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, git, mainLog, repoPathsOf, warnings, type RepoPaths } from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

/** Things set aside in `<dir>/aside` whose name starts with `what`. */
function asideOf(paths: RepoPaths, what: string): string[] {
  return existsSync(paths.aside)
    ? readdirSync(paths.aside)
        .filter(n => n.startsWith(what))
        .map(n => path.join(paths.aside, n))
    : []
}

describe("git's own stale lock files in the store", () => {
  it('removes each one before fetching, and names it in the log and the summary', async () => {
    const locks = createStandardRepo(world.upstream, 'acme', 'locks')
    const job = () => world.job({ repository: 'acme/locks', with: { ref: 'main' } }).result
    const first = await job()
    expectConclusion(first, 'success')
    const { store } = repoPathsOf(world, 'acme/locks')
    const planted = [
      'shallow.lock',
      'HEAD.lock',
      'config.lock',
      'packed-refs.lock',
      'FETCH_HEAD.lock',
      // The very ref the next fetch updates: left in place, the fetch would fail.
      'refs/remotes/origin/main.lock',
      'refs/heads/x.lock',
      // git maintenance silently skips while this exists.
      'objects/maintenance.lock'
    ].map(rel => path.join(store, rel))
    for (const file of planted) {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, 'left by a git process that was killed\n')
    }
    // Upstream moved: the next job must take the store lock and fetch.
    const tip = advance(locks, 1)

    const second = await job()
    expectConclusion(second, 'success')
    expect(second.outputs.commit).toBe(tip)
    const log = mainLog(second)
    for (const file of planted) {
      expect(log).toContain(`removed stale git lock file ${file}`)
      expect(existsSync(file)).toBe(false)
    }
    expect(second.summary).toMatch(/\| Repaired \| .*main\.lock/)
    expect(git(store, ['rev-parse', 'refs/remotes/origin/main'])).toBe(tip)
  }, 60_000)
})

describe('files left empty by a crash or power loss in the store', () => {
  it('a zero-length ref is removed, named, and fetched again in place', async () => {
    const power = createStandardRepo(world.upstream, 'acme', 'power')
    const job = () => world.job({ repository: 'acme/power', with: { ref: 'main' } }).result
    const first = await job()
    expectConclusion(first, 'success')
    const { store } = repoPathsOf(world, 'acme/power')
    const ref = path.join(store, 'refs', 'remotes', 'origin', 'main')
    writeFileSync(ref, '')
    const inode = statSync(store).ino
    const tip = advance(power, 1)

    const second = await job()
    expectConclusion(second, 'success')
    expect(mainLog(second)).toContain(`removed broken ref file ${ref}`)
    expect(second.outputs.cloned).toBe('false')
    expect(statSync(store).ino).toBe(inode)
    expect(git(store, ['rev-parse', 'refs/remotes/origin/main'])).toBe(tip)
    expect(git(second.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
  }, 60_000)
})

describe('a store that cannot be used', () => {
  const paths = () => repoPathsOf(world, 'acme/app')
  beforeAll(async () => {
    if (!existsSync(paths().store))
      expectConclusion(await world.job({ with: { ref: 'main' } }).result, 'success')
  }, 60_000)

  async function expectSetAside(damage: () => void, why: RegExp): Promise<JobResult> {
    const before = asideOf(paths(), 'store-')
    damage()
    const result = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(result, 'success')
    const moved = asideOf(paths(), 'store-').filter(p => !before.includes(p))
    expect(moved).toHaveLength(1)
    expect(statSync(moved[0]).isDirectory()).toBe(true)
    const said = warnings(result)
    expect(said).toContain(`${paths().store} cannot be used`)
    expect(said).toContain(`moved it to ${moved[0]}`)
    expect(said).toMatch(why)
    expect(result.outputs.cloned).toBe('true')
    expect(git(result.outputs.path, ['rev-parse', 'HEAD'])).toBe(result.outputs.commit)
    git(paths().store, ['fsck', '--no-progress', '--connectivity-only'])
    expect(result.summary).toMatch(/\| Set aside \| .*aside\/store-/)
    return result
  }

  it('a store whose origin names another repository is fetched from the right one', async () => {
    const store = paths().store
    git(store, ['config', 'remote.origin.url', 'https://example.com/other/repo'])
    git(store, ['config', 'url.http://127.0.0.1:9/.insteadOf', `${world.server.url}/`])
    const tip = advance(repo, 1)
    const result = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(result, 'success')
    expect(result.outputs.commit).toBe(tip)
    expect(result.outputs.cloned).toBe('false')
    expect(git(store, ['config', 'remote.origin.url'])).toBe(`${world.server.url}/acme/app`)
    expect(git(store, ['config', '--list'])).not.toMatch(/insteadof|example\.com/i)
  }, 60_000)

  it('a store that is not a complete repository → set aside with a warning, built afresh', async () => {
    await expectSetAside(() => {
      rmSync(path.join(paths().store, 'HEAD'))
      rmSync(path.join(paths().store, 'refs'), { recursive: true })
    }, /not a complete repository/)
  }, 60_000)

  /** Truncates every pack of the store (after packing everything): a torn write or disk fault. */
  const truncatePacks = (): void => {
    const packDir = path.join(paths().store, 'objects', 'pack')
    git(paths().store, ['repack', '-a', '-d', '-q'])
    for (const pack of readdirSync(packDir).filter(f => f.endsWith('.pack'))) {
      const file = path.join(packDir, pack)
      truncateSync(file, Math.floor(statSync(file).size / 2))
    }
  }

  it('a truncated pack, asked for a commit it held → set aside with a warning, built afresh', async () => {
    await expectSetAside(truncatePacks, /damaged/)
  }, 60_000)

  it('a truncated pack, asked for a new commit → set aside with a warning, built afresh', async () => {
    await expectSetAside(() => {
      truncatePacks()
      advance(repo, 1)
    }, /damaged/)
  }, 60_000)
})
