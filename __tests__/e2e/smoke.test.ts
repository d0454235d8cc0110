import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

it('clones, sets outputs, and post releases the lock', async () => {
  const result = await world.job({
    with: { ref: 'main' },
    steps: [{ run: 'git -C "$SHARED_CHECKOUT_PATH" rev-parse HEAD' }]
  }).result
  console.log(
    result.main?.stdout.join('\n'),
    result.main?.stderr.join('\n'),
    result.post?.stdout.join('\n')
  )
  expect(result.conclusion).toBe('success')
  expect(result.outputs.commit).toBe(repo.shas.main)
}, 60_000)
