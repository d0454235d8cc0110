/**
 * The store is written by the action alone, but every job on the machine can reach it. What a
 * job planted in the store's git directory — hooks, a config that redirects fetches, runs
 * commands or carries a header — is undone whenever the store lock is taken (§3.6), before the
 * action's fetch runs there.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { advance, createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import { storeConfig } from '../../../src/store/config.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(() => world.close())

it('hooks, redirects, commands and headers planted in the store are gone before the next fetch', async () => {
  const first = await world.job({ ref: 'main' })
  const store = first.layout.store
  const marker = path.join(world.dir, 'planted-ran.txt')
  const script = path.join(world.dir, 'planted.sh')
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\nexit 0\n`)
  chmodSync(script, 0o755)
  for (const hook of ['reference-transaction', 'post-index-change', 'pre-auto-gc']) {
    writeFileSync(path.join(store, 'hooks', hook), `#!/bin/sh\nexec ${script} ${hook}\n`)
    chmodSync(path.join(store, 'hooks', hook), 0o755)
  }
  const included = path.join(world.dir, 'included.config')
  writeFileSync(included, `[core]\n\tfsmonitor = ${script}\n`)
  const planted: [string, string][] = [
    // A redirect to a dead server: the next fetch fails unless the config is rewritten.
    [`url.http://127.0.0.1:1/.insteadOf`, `${world.server.url}/`],
    [`http.${world.server.url}/.extraheader`, 'AUTHORIZATION: basic Zm9vOmJhcg=='],
    ['core.fsmonitor', script],
    ['core.sshCommand', script],
    ['include.path', included],
    ['remote.origin.uploadpack', script]
  ]
  for (const [key, value] of planted) world.git(store, ['config', key, value])
  writeFileSync(path.join(store, 'info', 'attributes'), '* filter=planted\n')
  writeFileSync(path.join(store, 'commondir'), '/nonexistent\n')

  const tip = advance(repo, 1)
  const result = await world.job({ ref: 'main' })
  expect(result.store).toMatchObject({ sha: tip, usedStoreLock: true })
  expect(existsSync(marker)).toBe(false)
  expect(readFileSync(path.join(store, 'config'), 'utf8')).toBe(
    storeConfig({ fetchUrl: world.server.repoUrl('acme', 'app'), objectFormat: 'sha1' })
  )
  expect(readdirSync(path.join(store, 'hooks'))).toEqual([])
  expect(readdirSync(path.join(store, 'info'))).toEqual([])
  expect(existsSync(path.join(store, 'commondir'))).toBe(false)
  expect(result.log.join('\n')).toMatch(/removed commondir from the store's git directory/)
  expect(world.git(result.treeDir, ['rev-parse', 'HEAD'])).toBe(tip)
})
