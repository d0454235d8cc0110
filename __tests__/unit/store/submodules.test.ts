/**
 * Submodules per job (§1 `submodules`, §3.3): relative submodule URLs over the authenticated
 * server, each job getting what it asked for whatever the previous job in the tree asked for,
 * cleaned per `clean` inside the submodules too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  advance,
  createSubmoduleRepos,
  type SubmoduleRepos
} from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
let subs: SubmoduleRepos
beforeAll(async () => {
  world = await openCheckoutWorld()
  subs = createSubmoduleRepos(world.upstream)
})
afterAll(() => world.close())

const populated = (dir: string): boolean => existsSync(dir) && readdirSync(dir).length > 0

describe('submodules', () => {
  it('false → true → recursive → false → recursive, with relative URLs over authenticated HTTP', async () => {
    const job = (submodules: string) =>
      world.job({ repository: 'acme/super', ref: 'main', submodules })
    let result = await job('false')
    const sub = path.join(result.treeDir, 'libs', 'sub')
    const deep = path.join(sub, 'deep')
    expect(populated(sub)).toBe(false)

    result = await job('true')
    expect(readFileSync(path.join(sub, 'sub.txt'), 'utf8')).toBe('sub\n')
    expect(populated(deep)).toBe(false)

    result = await job('recursive')
    expect(readFileSync(path.join(deep, 'deep.txt'), 'utf8')).toBe('deepest\n')
    expect(world.git(sub, ['config', 'remote.origin.url'])).toBe(
      world.server.repoUrl('acme', 'sub.git')
    )

    // A job that asks for none does not see the previous job's.
    result = await job('false')
    expect(populated(sub)).toBe(false)

    // They come back at the commit the superproject records, after the submodule moved on.
    advance(subs.sub, 1)
    result = await job('recursive')
    expect(world.git(sub, ['rev-parse', 'HEAD'])).toBe(
      world.git(result.treeDir, ['rev-parse', 'HEAD:libs/sub'])
    )
    expect(readFileSync(path.join(deep, 'deep.txt'), 'utf8')).toBe('deepest\n')
    expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
    // Every submodule request carried the credentials (relative URLs on the same server).
    expect(world.server.requests.every(r => r.authorized)).toBe(true)
  })

  it('clean: false keeps untracked files in submodules too; clean: true removes them', async () => {
    const inputs = { repository: 'acme/super', ref: 'main', submodules: 'recursive' }
    const first = await world.job(inputs)
    const untracked = path.join(first.treeDir, 'build-output.txt')
    const inSubmodule = path.join(first.treeDir, 'libs', 'sub', 'deep', 'junk.txt')
    writeFileSync(untracked, 'x')
    writeFileSync(inSubmodule, 'x')
    await world.job({ ...inputs, clean: 'false' })
    expect([existsSync(untracked), existsSync(inSubmodule)]).toEqual([true, true])
    await world.job({ ...inputs, clean: 'true' })
    expect([existsSync(untracked), existsSync(inSubmodule)]).toEqual([false, false])
  })
})
