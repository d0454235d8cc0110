import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import { createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await createWorld()
  repo = createStandardRepo(world.upstream)
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
