/**
 * One repository, one directory (§2 "Paths"): GitHub names are case-insensitive, so every
 * spelling of a repository shares its store and trees; another repository never takes over a
 * directory that is not its own — the v2 equivalent of v1's "origin differs, move the clone
 * aside": it is refused as an input error, before anything on disk changes (§7).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createRepo, createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
  createRepo(world.upstream, 'acme', 'other')
})
afterAll(() => world.close())

it('Acme/App and acme/app.git share the store and trees of acme/app', async () => {
  const first = await world.job({ repository: 'acme/app', ref: 'main' })
  for (const repository of ['Acme/App', 'ACME/app.git']) {
    const result = await world.job({ repository, ref: 'main' })
    expect(result.layout.dir).toBe(first.layout.dir)
    expect(result.store).toMatchObject({
      sha: repo.shas.main,
      created: false,
      usedStoreLock: false
    })
    expect(result.setAside).toEqual([])
  }
})

it("another repository pointed at this repository's directory is refused, naming the input", async () => {
  const first = await world.job({ repository: 'acme/app', ref: 'main' })
  const before = readdirSync(first.layout.dir).sort()
  expect(() => world.options({ repository: 'acme/other', path: first.layout.dir })).toThrow(
    /holds the store and trees of .*acme\/app; choose another directory/
  )
  expect(readdirSync(first.layout.dir).sort()).toEqual(before)
})

it('an existing empty directory named by `path` is simply used', async () => {
  const dir = path.join(world.dir, 'empty-dir')
  mkdirSync(dir)
  const result = await world.job({ ref: 'main', path: dir })
  expect(result.layout.dir).toBe(dir)
  expect(result.setAside).toEqual([])
  expect(result.store.created).toBe(true)
  expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
})
