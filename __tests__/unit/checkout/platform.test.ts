/**
 * Issue 7.3: on Windows every git command of a checkout gets core.longpaths (trees live deep
 * under the root), through its environment; elsewhere none does. The platform is a runtime
 * parameter, so the Windows flow runs here with real git.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createStandardRepo } from '../../../testkit/git-fixtures.js'
import { configOfEnviron, gitProcessWatcher } from './git-processes.js'

let world: CheckoutWorld
beforeAll(async () => {
  world = await openCheckoutWorld()
  createStandardRepo(world.upstream)
})
afterAll(() => world.close())

it.each([
  ['win32', true],
  ['linux', false]
] as const)('platform %s: core.longpaths in every git process: %s', async (platform, expected) => {
  const { seen, settled, onGitProcess } = gitProcessWatcher()
  const result = await world.job({ ref: 'main', path: platform }, { platform, onGitProcess })
  await settled()
  const configs = seen.filter(s => s.environ !== undefined).map(s => configOfEnviron(s.environ!))
  expect(configs.length).toBeGreaterThan(2)
  for (const config of configs) expect(config.includes('core.longpaths=true')).toBe(expected)
  // The tree's config is what git init writes there (win32: no file modes, no symlinks).
  const config = readFileSync(path.join(result.treeDir, '.git', 'config'), 'utf8')
  expect(/filemode = false/.test(config)).toBe(expected)
  expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
})
