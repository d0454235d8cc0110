/**
 * The shortest path through the built action: a first job creates the store, checks the commit
 * out in tree 1, sets the outputs of §1, and its post releases the tree.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, repoPathsOf } from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

it('creates the store, checks out in tree 1, sets outputs, and post releases the tree', async () => {
  const result = await world.job({
    with: { ref: 'main' },
    steps: [{ id: 'head', run: 'git -C "$SHARED_CHECKOUT_PATH" rev-parse HEAD' }]
  }).result
  expectConclusion(result, 'success')
  const paths = repoPathsOf(world, 'acme/app')
  expect(result.outputs).toMatchObject({
    path: paths.tree(1),
    tree: '1',
    commit: repo.shas.main,
    ref: 'refs/heads/main',
    'lock-file': paths.treeLock(1),
    cloned: 'true'
  })
  expect(result.step('head')?.stdout).toEqual([repo.shas.main])
  expect(existsSync(paths.store)).toBe(true)
  expect(existsSync(paths.treeLock(1))).toBe(false)
  expect(result.post?.stdout.join('\n')).toContain(`Released tree 1 (${paths.treeLock(1)})`)
}, 60_000)
