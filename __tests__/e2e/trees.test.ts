/**
 * The store and the pool of working trees (§1 `trees`, §3), through the built action and the
 * runner emulator against a real smart-HTTP server: with one tree jobs take turns; with N, N
 * jobs run at once over one store, the next one waits for a released tree and reuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, git } from './clone-helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

interface Body {
  start: number
  end: number
  head: string
  path: string
}

/** A job body that records when it ran, where, and what it saw; it sleeps `ms`. */
function recordingBody(dir: string, ms: number): string {
  return [
    'set -e',
    `mkdir -p "${dir}"`,
    `date +%s%3N > "${dir}/start"`,
    `echo "$SHARED_CHECKOUT_PATH" > "${dir}/path"`,
    `git -C "$SHARED_CHECKOUT_PATH" rev-parse HEAD > "${dir}/head"`,
    `echo busy > "$SHARED_CHECKOUT_PATH/build-output.txt"`,
    `sleep ${ms / 1000}`,
    `test "$(cat "$SHARED_CHECKOUT_PATH/build-output.txt")" = busy`,
    `date +%s%3N > "${dir}/end"`
  ].join('\n')
}

function readBody(dir: string): Body {
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8').trim()
  return {
    start: Number(read('start')),
    end: Number(read('end')),
    head: read('head'),
    path: read('path')
  }
}

const overlap = (a: Body, b: Body): boolean => a.start < b.end && b.start < a.end

async function runJobs(label: string, count: number, trees: number, ms: number) {
  const dir = path.join(world.scratch, label)
  mkdirSync(dir, { recursive: true })
  const results: JobResult[] = await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        world.job({
          label: `${label}-${i}`,
          with: { ref: 'main', trees: String(trees) },
          steps: [{ run: recordingBody(path.join(dir, String(i)), ms) }]
        }).result
    )
  )
  results.forEach(r => expectConclusion(r, 'success'))
  return { results, bodies: results.map((_, i) => readBody(path.join(dir, String(i)))) }
}

describe('trees: 1 — jobs of one repository take turns in one tree', () => {
  let run: Awaited<ReturnType<typeof runJobs>>
  beforeAll(async () => {
    run = await runJobs('one-tree', 3, 1, 400)
  }, 120_000)

  it('never lets two job bodies overlap, and every job got the same tree', () => {
    const sorted = [...run.bodies].sort((a, b) => a.start - b.start)
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i].start).toBeGreaterThanOrEqual(sorted[i - 1].end)
    expect(new Set(run.bodies.map(b => b.path)).size).toBe(1)
    expect(run.results.every(r => r.outputs.tree === '1')).toBe(true)
  })

  it('checks out the commit in the tree, and the store is created once', () => {
    for (const body of run.bodies) expect(body.head).toBe(repo.shas.main)
    expect(run.results.filter(r => r.outputs.cloned === 'true')).toHaveLength(1)
    const treeDir = run.results[0].outputs.path
    expect(path.basename(path.dirname(treeDir))).toBe('trees')
    const repoDir = path.dirname(path.dirname(treeDir))
    expect(readdirSync(repoDir).sort()).toEqual(
      expect.arrayContaining(['locks', 'shared-checkout.json', 'store', 'trees'])
    )
    expect(run.results[0].outputs['lock-file']).toBe(path.join(repoDir, 'locks', 'tree-1.lock'))
  })
})

describe('trees: 3 — three jobs run at once over one store; the fourth waits and reuses a tree', () => {
  let run: Awaited<ReturnType<typeof runJobs>>
  beforeAll(async () => {
    run = await runJobs('three-trees', 4, 3, 2500)
  }, 120_000)

  it('runs three bodies at the same time, in three different trees', () => {
    const order = [...run.bodies].sort((a, b) => a.start - b.start)
    const [a, b, c, d] = order
    expect(overlap(a, b) && overlap(a, c) && overlap(b, c)).toBe(true)
    expect(new Set([a.path, b.path, c.path]).size).toBe(3)
    // The fourth job started only when one of the first three had finished, in its tree.
    expect(d.start).toBeGreaterThanOrEqual(Math.min(a.end, b.end, c.end))
    expect([a.path, b.path, c.path]).toContain(d.path)
  })

  it('keeps one store for all trees and never makes more trees than asked for', () => {
    const repoDir = path.dirname(path.dirname(run.results[0].outputs.path))
    expect(readdirSync(path.join(repoDir, 'trees')).sort()).toEqual(['1', '2', '3'])
    for (const tree of ['1', '2', '3']) {
      const alternates = readFileSync(
        path.join(repoDir, 'trees', tree, '.git', 'objects', 'info', 'alternates'),
        'utf8'
      )
      expect(alternates.trim()).toBe(path.join(repoDir, 'store', 'objects'))
      // A tree's git directory is its own: config and hooks are not shared.
      expect(existsSync(path.join(repoDir, 'trees', tree, '.git', 'config'))).toBe(true)
    }
    expect(run.results.every(r => r.outputs.cloned === 'false')).toBe(true)
    for (const body of run.bodies) expect(body.head).toBe(repo.shas.main)
  })

  it('pins each tree’s commit in the store', () => {
    const repoDir = path.dirname(path.dirname(run.results[0].outputs.path))
    for (const tree of ['1', '2', '3'])
      expect(
        git(path.join(repoDir, 'store'), ['rev-parse', `refs/shared-checkout/trees/${tree}`])
      ).toBe(repo.shas.main)
  })

  it('counts waiting only: a job that found a free tree and its commit in the store waited ~0 s', () => {
    const waits = run.results.map(r => Number(r.outputs['lock-wait-seconds'])).sort((x, y) => x - y)
    expect(waits[0]).toBeLessThan(0.5)
    // The fourth waited for a whole body of another job.
    expect(waits[3]).toBeGreaterThan(1)
    const summary = run.results.map(r => r.summary).join('\n')
    expect(summary).toMatch(/Waited for a tree/)
    expect(summary).toMatch(/not needed: the commit was in the store/)
  })
})
