/**
 * Issue 4, acceptance 1, 2 and 7: a matrix of jobs shares one clone and is serialised by the
 * lock; a later job fetches only the difference; outputs and the job summary.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'
import { createBlobRepo, expectConclusion, git } from './clone-helpers.js'

/** Incompressible bytes in the commit every matrix ref shares: what one clone must fetch once. */
const SHARED_BYTES = 16 * 16 * 1024

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await createWorld()
  const shared: Record<string, Buffer> = {}
  for (let i = 0; i < 16; i++) shared[`shared/${i}.bin`] = randomBytes(SHARED_BYTES / 16)
  repo = createStandardRepo(world.upstream, 'acme', 'app', shared)
})
afterAll(() => world.close())

/** A job body: records its [start, end] in ms and what the shared clone looks like inside it. */
function recordingBody(dir: string): string {
  return [
    'set -e',
    `out="${dir}"`,
    'mkdir -p "$out"',
    'date +%s%3N > "$out/start"',
    'git -C "$SHARED_CHECKOUT_PATH" rev-parse HEAD > "$out/head"',
    'git -C "$SHARED_CHECKOUT_PATH" status --porcelain > "$out/status"',
    'sleep 0.3',
    'date +%s%3N > "$out/end"'
  ].join('\n')
}

describe('a matrix of six jobs on one machine', () => {
  const cases = () => [
    { ref: 'main', sha: repo.shas.main },
    { ref: 'feature', sha: repo.shas.feature },
    { ref: 'v1.0', sha: repo.shas.v1 },
    { ref: repo.shas.first, sha: repo.shas.first },
    { ref: 'refs/pull/1/merge', sha: repo.shas.pullMerge },
    // A branch and a tag share the name: the branch wins (like actions/checkout).
    { ref: 'both', sha: repo.shas.bothBranch }
  ]
  let results: JobResult[]
  let bodies: { start: number; end: number; head: string; status: string }[]
  let matrixBytes: number

  beforeAll(async () => {
    const bodiesDir = path.join(world.scratch, 'bodies')
    mkdirSync(bodiesDir, { recursive: true })
    const list = cases()
    world.server.resetCounters()
    results = await Promise.all(
      list.map(
        (c, i) =>
          world.job({
            label: `matrix-${c.ref}`,
            with: { ref: c.ref },
            steps: [{ run: recordingBody(path.join(bodiesDir, String(i))) }]
          }).result
      )
    )
    matrixBytes = world.server.totalBytesSent()
    bodies = list.map((_, i) => {
      const read = (name: string): string =>
        readFileSync(path.join(bodiesDir, String(i), name), 'utf8').trim()
      return {
        start: Number(read('start')),
        end: Number(read('end')),
        head: read('head'),
        status: read('status')
      }
    })
  }, 120_000)

  it('checks out each requested commit, clean, and reports it as `commit`', () => {
    cases().forEach((c, i) => {
      expectConclusion(results[i], 'success')
      expect({ ref: c.ref, head: bodies[i].head }).toEqual({ ref: c.ref, head: c.sha })
      expect(results[i].outputs.commit).toBe(c.sha)
      expect(bodies[i].status).toBe('')
    })
  })

  it('never lets two job bodies overlap (hold-lock: job)', () => {
    const sorted = [...bodies].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end)
    }
  })

  it('shares one clone, which only the first job created', () => {
    const paths = new Set(results.map(r => r.outputs.path))
    expect(paths.size).toBe(1)
    const [clonePath] = paths
    expect(clonePath).toBe(
      path.join(world.root, world.server.url.slice(7).replace(':', '_'), 'acme', 'app')
    )
    expect(results.filter(r => r.outputs.cloned === 'true')).toHaveLength(1)
    expect(results.filter(r => r.outputs.cloned === 'false')).toHaveLength(5)
    // The first body to run belongs to the job that cloned.
    const first = bodies.indexOf([...bodies].sort((a, b) => a.start - b.start)[0])
    expect(results[first].outputs.cloned).toBe('true')
  })

  it('sends the objects the six refs share once: one fetch of shared objects, not six', () => {
    // Six independent checkouts would each download SHARED_BYTES (≥ 6×); the shared clone
    // pays it once, later jobs fetch only what their ref adds.
    console.log(`matrix: ${matrixBytes} bytes served for six jobs, shared part ${SHARED_BYTES}`)
    expect(matrixBytes).toBeGreaterThan(SHARED_BYTES)
    expect(matrixBytes).toBeLessThan(1.5 * SHARED_BYTES)
  })

  it('sets every output of SPEC §1 and exports SHARED_CHECKOUT_PATH', () => {
    cases().forEach((c, i) => {
      const { outputs, env } = results[i]
      expect(outputs.path).toBe(results[0].outputs.path)
      expect(env.SHARED_CHECKOUT_PATH).toBe(outputs.path)
      expect(outputs['lock-file']).toBe(`${outputs.path}.lock`)
      expect(Number(outputs['lock-wait-seconds'])).toBeGreaterThanOrEqual(0)
      expect(['true', 'false']).toContain(outputs.cloned)
      // No cache service in this world: never a hit, and never claimed as a miss either.
      expect(outputs['cache-hit']).toBe('')
      const expectedRef =
        c.ref === repo.shas.first
          ? repo.shas.first
          : c.ref.startsWith('refs/')
            ? c.ref
            : c.ref === 'v1.0'
              ? 'refs/tags/v1.0'
              : `refs/heads/${c.ref}`
      expect(outputs.ref).toBe(expectedRef)
    })
    // Six jobs were started at once: all but the first waited behind another.
    const waits = results.map(r => Number(r.outputs['lock-wait-seconds'])).sort((a, b) => a - b)
    expect(waits[5]).toBeGreaterThan(1)
    expect(waits.filter(w => w > 0.2).length).toBeGreaterThanOrEqual(4)
  })

  it('writes a summary with lock wait, the holder seen, fetch size and phase times', () => {
    const waited = results.reduce((a, b) =>
      Number(a.outputs['lock-wait-seconds']) > Number(b.outputs['lock-wait-seconds']) ? a : b
    )
    const summary = waited.summary
    expect(summary).toMatch(/Waited for the lock \| \d+(\.\d)? s \|/)
    // The holder is described by its job: a run URL, the runner's name.
    expect(summary).toMatch(/Holder seen on arrival \| .*emulated-runner-/)
    expect(summary).not.toMatch(/Holder seen on arrival \| nobody/)
    expect(summary).toMatch(/\| Fetched \| (\d+(\.\d)? (B|KiB|MiB)|nothing new) \|/)
    for (const phase of ['wait for lock', 'inspect', 'resolve-ref', 'checkout'])
      expect(summary).toMatch(new RegExp(`\\| ${phase} \\| \\d+(\\.\\d)? (ms|s) \\|`))
    const cloner = results.find(r => r.outputs.cloned === 'true') as JobResult
    expect(cloner.summary).toMatch(/\| Fetched \| \d+(\.\d)? (B|KiB|MiB) \|/)
    expect(cloner.summary).toMatch(/\| fetch \| \d+(\.\d)? (ms|s) \|/)
    expect(cloner.summary).toContain('(cloned by this job)')
  })
})

describe('an existing clone after upstream advanced', () => {
  it('fetches only the new commits into the same .git, far fewer bytes than the clone', async () => {
    // Incompressible blobs make the first clone's size dominate what is sent.
    const big = createBlobRepo(world.upstream, 'acme', 'big', 30, 16 * 1024)
    const bigJob = (ref: string) => world.job({ repository: 'acme/big', with: { ref } }).result

    world.server.resetCounters()
    const first = await bigJob('main')
    expectConclusion(first, 'success')
    const cloneBytes = world.server.totalBytesSent()
    expect(first.outputs.cloned).toBe('true')
    expect(cloneBytes).toBeGreaterThan(30 * 16 * 1024)

    const gitDir = path.join(first.outputs.path, '.git')
    const marker = path.join(gitDir, 'e2e-marker')
    writeFileSync(marker, 'left by the test\n')
    const inode = statSync(gitDir).ino

    const tip = advance(big, 3)
    world.server.resetCounters()
    const second = await bigJob('main')
    expectConclusion(second, 'success')
    const fetchBytes = world.server.totalBytesSent()

    expect(second.outputs.cloned).toBe('false')
    expect(second.outputs.commit).toBe(tip)
    expect(git(second.outputs.path, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(existsSync(marker)).toBe(true)
    expect(statSync(gitDir).ino).toBe(inode)
    expect(fetchBytes).toBeGreaterThan(0)
    expect(fetchBytes).toBeLessThan(cloneBytes / 3)
    // The summary reports what was fetched.
    expect(second.summary).toMatch(/\| Fetched \| \d+(\.\d)? (B|KiB) \|/)
  }, 60_000)
})
