import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(() => world.close())

it('checks a ref out into tree 1, then reuses it without the store lock', async () => {
  const first = await world.checkout({ ref: 'main' })
  expect(first.tree).toBe(1)
  expect(first.store.created).toBe(true)
  expect(
    execFileSync('git', ['-C', first.treeDir, 'rev-parse', 'HEAD'], {
      env: world.env,
      encoding: 'utf8'
    }).trim()
  ).toBe(repo.shas.main)
  await world.release(first)
  const second = await world.checkout({ ref: repo.shas.main })
  expect(second.tree).toBe(1)
  expect(second.store.usedStoreLock).toBe(false)
  await world.release(second)
})
