/**
 * The store through the Actions cache (§4), whole flow: @actions/cache for real against
 * testkit/cache-server.ts, checkouts against the smart-HTTP server. Machine A (one root) creates
 * the store and saves it; machine B (another root) restores it and fetches only the difference.
 * A truncated or foreign archive is discarded and B fetches from the network; the repository's
 * identity is compared case-insensitively (issue 12.9: a job spelling `Acme/App` keeps the
 * archive of `acme/app`).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readdirSync } from 'node:fs'
import path from 'node:path'
import {
  openCheckoutWorld,
  WORLD_TOKEN,
  type CheckoutWorld
} from '../../../testkit/checkout-world.js'
import { envFor, startCacheServer, type CacheServer } from '../../../testkit/cache-server.js'
import {
  advance,
  bulkFiles,
  createRepo,
  revParse,
  type FixtureRepo
} from '../../../testkit/git-fixtures.js'
import { createStoreWarmer } from '../../../src/cache/warm.js'
import { deriveCacheKey } from '../../../src/cache/key.js'
import { stageStoreForCache, uploadStagedStore } from '../../../src/cache/save.js'
import type { CheckoutRuntime } from '../../../src/checkout/checkout.js'
import { tokenSecrets } from '../../../src/git/env.js'
import { memoryLogger } from '../../../src/logger.js'
import { captureWorkflowCommands } from './workflow-commands.js'

const NOW = new Date('2026-11-28T12:00:00Z')

let world: CheckoutWorld
let app: FixtureRepo
let server: CacheServer
let cacheLog: string[]
let commands: ReturnType<typeof captureWorkflowCommands>
const savedEnv = { ...process.env }
const savedCwd = process.cwd()

beforeAll(async () => {
  world = await openCheckoutWorld()
  app = createRepo(world.upstream, 'acme', 'app', bulkFiles(100, 2000))
  createRepo(world.upstream, 'acme', 'other')
})
afterAll(() => world.close())

beforeEach(async () => {
  commands = captureWorkflowCommands()
  server = await startCacheServer()
  const runnerTemp = mkdtempSync(path.join(world.dir, 'runner-temp-'))
  Object.assign(process.env, envFor(server, runnerTemp))
})

afterEach(async () => {
  commands.restore()
  await server.stop()
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
  Object.assign(process.env, savedEnv)
  expect(process.cwd()).toBe(savedCwd)
})

/** A job with `cache: true` on one machine (its own root), with the action's warmer. */
function jobOn(machine: string, repository = 'acme/app') {
  const inputs = { repository, ref: 'main', cache: 'true', root: path.join(world.dir, machine) }
  const repo = world.options(inputs).repo
  const logger = memoryLogger()
  cacheLog = logger.lines
  const runtime: Partial<CheckoutRuntime> = {
    warmer: async layout =>
      createStoreWarmer({
        repo,
        layout,
        platform: process.platform,
        prefix: '',
        now: NOW,
        logger,
        secrets: tokenSecrets(WORLD_TOKEN)
      })
  }
  return world.job(inputs, runtime)
}

const keyOf = (repository: string) =>
  deriveCacheKey({
    platform: process.platform,
    repositoryId: world.options({ repository }).repo.key,
    now: NOW
  }).key

const leftoversIn = (tmp: string) => readdirSync(tmp).filter(name => name.startsWith('cache-'))

describe('save on machine A, restore on machine B', () => {
  it('B restores the store A saved and fetches only the difference', async () => {
    world.server.resetCounters()
    const a = await jobOn('machine-a')
    const bytesA = world.server.totalBytesSent()
    expect(a.store).toMatchObject({ created: true, cacheHit: false })
    expect(server.entries().map(e => e.key)).toEqual([keyOf('acme/app')])

    const tip = advance(app, 3)
    world.server.resetCounters()
    const b = await jobOn('machine-b')
    expect(b.layout.dir).not.toBe(a.layout.dir)
    expect(b.store).toMatchObject({ sha: tip, created: true, cacheHit: true })
    expect(world.server.totalBytesSent()).toBeLessThan(bytesA / 10)
    expect(world.git(b.treeDir, ['rev-parse', 'HEAD'])).toBe(tip)
    expect(world.git(b.treeDir, ['status', '--porcelain'])).toBe('')
    expect(world.git(b.layout.store, ['config', 'remote.origin.url'])).toBe(
      world.server.repoUrl('acme', 'app')
    )
    // This week's entry exists: B does not save again.
    expect(server.entries()).toHaveLength(1)
    expect(leftoversIn(b.layout.tmp)).toEqual([])
  })

  it('a truncated archive is discarded with a warning; B fetches from the network', async () => {
    await jobOn('machine-a2')
    await server.corrupt(keyOf('acme/app'))
    world.server.resetCounters()
    const b = await jobOn('machine-b2')
    expect(b.store).toMatchObject({ sha: revParse(app, 'main'), created: true, cacheHit: false })
    expect(cacheLog.filter(line => line.startsWith('warning:')).join('\n')).toMatch(
      /could not be downloaded or extracted/
    )
    expect(world.server.totalBytesSent()).toBeGreaterThan(100_000)
    expect(leftoversIn(b.layout.tmp)).toEqual([])
    expect(world.git(b.treeDir, ['status', '--porcelain'])).toBe('')
  })

  it('an archive of another repository under this key is discarded with a warning', async () => {
    const other = await world.job({
      repository: 'acme/other',
      ref: 'main',
      root: path.join(world.dir, 'machine-x')
    })
    const stage = path.join(other.layout.tmp, 'cache-upload-foreign')
    const logger = memoryLogger()
    expect(await stageStoreForCache(other.layout.store, stage, logger)).toBeUndefined()
    expect(
      await uploadStagedStore({ stageDir: stage, key: keyOf('acme/app'), logger })
    ).toMatchObject({
      saved: true
    })

    const b = await jobOn('machine-b3')
    expect(b.store).toMatchObject({ sha: revParse(app, 'main'), created: true, cacheHit: false })
    expect(cacheLog.join('\n')).toMatch(
      /warning: Cache entry .* does not hold a usable store of .*acme\/app \(its origin is .*acme\/other/
    )
    expect(world.git(b.layout.store, ['config', 'remote.origin.url'])).toBe(
      world.server.repoUrl('acme', 'app')
    )
    expect(leftoversIn(b.layout.tmp)).toEqual([])
  })

  it('issue 12.9: a job spelling Acme/App restores the archive of acme/app and keeps it', async () => {
    await jobOn('machine-a4', 'acme/app')
    expect(keyOf('Acme/App')).toBe(keyOf('acme/app'))
    world.server.resetCounters()
    const b = await jobOn('machine-b4', 'Acme/App')
    expect(b.store).toMatchObject({ sha: revParse(app, 'main'), created: true, cacheHit: true })
    expect(cacheLog.join('\n')).not.toMatch(/does not hold a usable store/)
    expect(world.server.totalBytesSent()).toBeLessThan(20_000)
    expect(world.git(b.treeDir, ['status', '--porcelain'])).toBe('')
  })
})

describe('without a cache service', () => {
  it('a job skips the cache with a notice and creates the store from the network', async () => {
    delete process.env.ACTIONS_RESULTS_URL
    const result = await jobOn('machine-none')
    expect(result.store).toMatchObject({ created: true, sha: revParse(app, 'main') })
    expect(result.store.cacheHit).toBeUndefined()
    expect(cacheLog.join('\n')).toMatch(
      /notice: Cache restore skipped: .*ACTIONS_RESULTS_URL is not set/
    )
    expect(server.requests).toEqual([])
  })
})
