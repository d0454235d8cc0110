/**
 * Issue 4, acceptance 3: stale git lock files are removed and named; a job killed at any point
 * of a clone or fetch never leaves a clone that the next job mistakes for a good one; a corrupt
 * or foreign clone is moved aside (kept), announced, and cloned afresh (SPEC §3.1, §3.2).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobHandle, JobResult } from '../../testkit/emulator.js'
import {
  advance,
  createStandardRepo,
  createSubmoduleRepos,
  revParse,
  type FixtureRepo,
  type StandardRepo
} from '../../testkit/git-fixtures.js'
import { createBlobRepo, expectConclusion, git } from './clone-helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

function clonePathOf(repository: string): string {
  return path.join(
    world.root,
    world.server.url.slice('http://'.length).replace(':', '_'),
    repository
  )
}

/** Siblings of the clone named `<clone>.<suffix>...` (partials, broken clones). */
function siblings(clonePath: string, suffix: string): string[] {
  const prefix = `${path.basename(clonePath)}${suffix}`
  return readdirSync(path.dirname(clonePath))
    .filter(n => n.startsWith(prefix))
    .map(n => path.join(path.dirname(clonePath), n))
}

/** SIGKILLs the whole job (a crashed worker) and the keeper it leaves behind. */
async function crash(handle: JobHandle): Promise<JobResult> {
  await handle.kill('job', 'SIGKILL')
  const result = await handle.result
  handle.killOrphans()
  return result
}

/** Resolves once the server holds a request that arrived after `since` requests. */
async function heldRequest(since: number): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!world.server.requests.slice(since).some(r => r.status === 0)) {
    if (Date.now() > deadline) throw new Error('git sent no request while the server stalled')
    await sleep(5)
  }
}

describe("git's own stale lock files", () => {
  it('removes each one, in the clone and in a submodule, and names it in the log', async () => {
    createSubmoduleRepos(world.upstream)
    const job = () =>
      world.job({ repository: 'acme/super', with: { ref: 'main', submodules: 'recursive' } }).result
    const first = await job()
    expectConclusion(first, 'success')
    const gitDir = path.join(first.outputs.path, '.git')
    const planted = [
      'index.lock',
      'shallow.lock',
      'HEAD.lock',
      'config.lock',
      'packed-refs.lock',
      'refs/heads/x.lock',
      'modules/libs/sub/index.lock'
    ].map(rel => path.join(gitDir, rel))
    for (const file of planted) {
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(file, 'left by a git process that was killed\n')
    }

    const second = await job()
    expectConclusion(second, 'success')
    expect(second.outputs.commit).toBe(first.outputs.commit)
    const log = second.main?.stdout.join('\n') ?? ''
    for (const file of planted) {
      expect(log).toContain(`removed stale git lock file ${file}`)
      expect(existsSync(file)).toBe(false)
    }
    expect(git(path.join(first.outputs.path, 'libs/sub'), ['status', '--porcelain'])).toBe('')
    expect(second.summary).toContain('Stale git locks removed')
  }, 60_000)
})

describe('files left empty by a crash or power loss', () => {
  it('a zero-length index and ref are removed, named, and rebuilt in place', async () => {
    createStandardRepo(world.upstream, 'acme', 'power')
    const job = () => world.job({ repository: 'acme/power', with: { ref: 'main' } }).result
    const first = await job()
    expectConclusion(first, 'success')
    const clonePath = first.outputs.path
    const index = path.join(clonePath, '.git', 'index')
    const ref = path.join(clonePath, '.git', 'refs', 'remotes', 'origin', 'main')
    writeFileSync(index, '')
    writeFileSync(ref, '')
    const marker = path.join(clonePath, '.git', 'e2e-marker')
    writeFileSync(marker, 'not a re-clone\n')

    const second = await job()
    expectConclusion(second, 'success')
    const log = second.main?.stdout.join('\n') ?? ''
    expect(log).toContain(`removed damaged index ${index}`)
    expect(log).toContain(`removed broken ref file ${ref}`)
    expect(second.outputs.cloned).toBe('false')
    expect(existsSync(marker)).toBe(true)
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(second.outputs.commit)
    expect(git(clonePath, ['rev-parse', 'refs/remotes/origin/main'])).toBe(second.outputs.commit)
    expect(git(clonePath, ['status', '--porcelain'])).toBe('')
  }, 60_000)
})

describe('state an earlier job left in the shared clone', () => {
  it('sparse checkout, skip-worktree, replace ref and a redirect are undone, each logged', async () => {
    const job = (steps: { run: string }[] = []) =>
      world.job({ repository: 'acme/power', with: { ref: 'main' }, steps }).result
    // An earlier job's own steps reshape the clone it was handed (hold-lock: job).
    const earlier = await job([
      {
        run: [
          'set -e',
          'cd "$SHARED_CHECKOUT_PATH"',
          "git sparse-checkout set --no-cone '/README.md'",
          'git update-index --skip-worktree README.md',
          'echo tampered > README.md',
          'git replace -f HEAD HEAD~2',
          `git config url.http://127.0.0.1:1/.insteadOf "${world.server.url}/"`
        ].join('\n')
      }
    ])
    expectConclusion(earlier, 'success')
    const clonePath = earlier.outputs.path

    const next = await job()
    expectConclusion(next, 'success')
    const log = next.main?.stdout.join('\n') ?? ''
    expect(log).toMatch(/removed url\.http:\/\/127\.0\.0\.1:1\/\.insteadof in .*config/)
    expect(log).toContain(`disabled the sparse checkout of ${clonePath}`)
    expect(log).toMatch(/removed refs\/replace\/[0-9a-f]{40}/)
    expect(next.outputs.cloned).toBe('false')
    // A later step with plain git sees the whole commit, with its real content.
    expect(readFileSync(path.join(clonePath, 'README.md'), 'utf8')).toBe('# app\n')
    expect(existsSync(path.join(clonePath, 'three.txt'))).toBe(true)
    expect(git(clonePath, ['status', '--porcelain'])).toBe('')
    expect(
      git(clonePath, ['ls-files', '-v'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
  }, 60_000)
})

describe('a job killed (SIGKILL) in the middle of a sync', () => {
  /**
   * Starts a job against a stalled server and SIGKILLs it once git's first request is held: a
   * fully qualified ref needs no ls-remote, so that request is the fetch's; a short name's is
   * the ls-remote that resolves it.
   */
  async function killWhileServerHolds(ref: string): Promise<void> {
    const since = world.server.requests.length
    world.server.stall(true)
    try {
      const handle = world.job({ with: { ref } })
      await heldRequest(since)
      const killed = await crash(handle)
      expect(killed.conclusion).toBe('crashed')
    } finally {
      world.server.stall(false)
    }
  }

  it('while the first clone waits on the server: the next job clones the right commit', async () => {
    const clonePath = clonePathOf('acme/app')
    for (const ref of ['main', 'refs/heads/main']) {
      await killWhileServerHolds(ref)
      // Killed before the clone was complete: nothing at the clone's path looks like a clone.
      expect(existsSync(path.join(clonePath, '.git'))).toBe(false)
      expect(siblings(clonePath, '.partial-')).toHaveLength(1)
    }

    const next = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(next, 'success')
    expect(next.outputs.cloned).toBe('true')
    expect(next.outputs.commit).toBe(repo.shas.main)
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    expect(next.main?.stdout.join('\n')).toMatch(
      /removed .*\.partial-\w+, a clone that was interrupted/
    )
    expect(siblings(clonePath, '.partial-')).toEqual([])
  }, 60_000)

  it('while an existing clone fetches: the next job ends at the new tip', async () => {
    const clonePath = clonePathOf('acme/app')
    const tip = advance(repo, 2)
    await killWhileServerHolds('refs/heads/main')
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
    const next = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(next, 'success')
    expect(next.outputs.cloned).toBe('false')
    expect(next.outputs.commit).toBe(tip)
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(git(clonePath, ['status', '--porcelain'])).toBe('')
  }, 60_000)

  it('at random moments of a larger clone: the next job still gets a good clone', async () => {
    const big: FixtureRepo = createBlobRepo(world.upstream, 'acme', 'chaos', 40, 16 * 1024)
    const tip = revParse(big, 'main')
    const clonePath = clonePathOf('acme/chaos')
    const bigJob = () => world.job({ repository: 'acme/chaos', with: { ref: 'main' } })
    // After the clone starts: during ls-remote, the fetch's negotiation, the pack transfer,
    // and around the rename + checkout.
    const left: string[] = []
    const renamed = async (): Promise<void> => {
      while (!existsSync(path.join(clonePath, '.git'))) await sleep(1)
    }
    // Last: the moment the finished fetch is renamed into place (checkout under way); that
    // clone is left for the final job to finish.
    const points: (number | 'renamed')[] = [0, 20, 60, 150, 'renamed']
    for (const point of points) {
      const handle = bigJob()
      await handle.waitForLine(/^cloning /, { kind: 'main' })
      if (point === 'renamed') await renamed()
      else await sleep(point + Math.random() * 10)
      await crash(handle)
      // Whatever was left, the clone path is either absent or holds the whole fetch.
      if (existsSync(path.join(clonePath, '.git'))) {
        expect(git(clonePath, ['cat-file', '-e', `${tip}^{commit}`])).toBe('')
        left.push('clone')
        // A fresh machine again, so the next kill lands in a clone too.
        if (point !== 'renamed') rmSync(clonePath, { recursive: true, force: true })
      } else left.push(siblings(clonePath, '.partial-').length > 0 ? 'partial' : 'nothing')
    }
    console.log(`SIGKILL at ${points.join(', ')} left: ${left.join(', ')}`)
    expect(left).toContain('partial')
    expect(left[left.length - 1]).toBe('clone')
    const next = await bigJob().result
    expectConclusion(next, 'success')
    expect(next.outputs.commit).toBe(tip)
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(git(clonePath, ['status', '--porcelain'])).toBe('')
    git(clonePath, ['fsck', '--no-progress', '--connectivity-only'])
    expect(siblings(clonePath, '.partial-')).toEqual([])
  }, 90_000)
})

describe('a clone that cannot be used', () => {
  async function expectMovedAside(damage: (clonePath: string) => string): Promise<void> {
    const clonePath = clonePathOf('acme/app')
    const before = siblings(clonePath, '.broken-')
    const what = damage(clonePath)
    const result = await world.job({ with: { ref: 'main' } }).result
    expectConclusion(result, 'success')
    const moved = siblings(clonePath, '.broken-').filter(p => !before.includes(p))
    expect(moved).toHaveLength(1)
    expect(statSync(moved[0]).isDirectory()).toBe(true)
    const warnings = result.annotations.filter(a => a.level === 'warning')
    expect(warnings.map(w => w.message).join('\n')).toContain(`moved it to ${moved[0]}`)
    expect(warnings.map(w => w.message).join('\n')).toContain(what)
    expect(result.outputs.cloned).toBe('true')
    expect(git(clonePath, ['rev-parse', 'HEAD'])).toBe(result.outputs.commit)
    expect(result.summary).toContain('Broken clone moved aside to')
  }

  it('truncated object file → moved aside with a warning, re-cloned', async () => {
    await expectMovedAside(clonePath => {
      const objects = path.join(clonePath, '.git', 'objects')
      const loose = readdirSync(objects)
        .filter(d => /^[0-9a-f]{2}$/.test(d))
        .flatMap(d => readdirSync(path.join(objects, d)).map(f => path.join(objects, d, f)))
      const victim =
        loose[0] ??
        readdirSync(path.join(objects, 'pack'))
          .filter(f => f.endsWith('.pack'))
          .map(f => path.join(objects, 'pack', f))[0]
      truncateSync(victim, Math.floor(statSync(victim).size / 2))
      return victim
    })
  }, 60_000)

  it('origin of another repository → moved aside with a warning, re-cloned', async () => {
    await expectMovedAside(clonePath => {
      git(clonePath, ['remote', 'set-url', 'origin', 'https://example.com/other/repo'])
      return 'https://example.com/other/repo'
    })
    const moved = siblings(clonePathOf('acme/app'), '.broken-')
    const origins = moved.map(p => git(p, ['config', 'remote.origin.url']))
    expect(origins).toContain('https://example.com/other/repo')
  }, 60_000)
})
