/**
 * LFS objects per job (§1 `lfs`, §3.3, §3.4): pointers unless asked for, content downloaded with
 * credentials handed through the environment only, and pointers again for the next job that
 * does not ask.
 */
import { afterAll, beforeAll, describe, expect } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { addLfsFile, createRepo } from '../../../testkit/git-fixtures.js'
import { itWithGitLfs } from '../../../testkit/requirements.js'

let world: CheckoutWorld
beforeAll(async () => {
  world = await openCheckoutWorld()
})
afterAll(() => world.close())

describe('LFS', () => {
  itWithGitLfs(
    'lfs: false leaves pointers; lfs: true downloads the objects with credentials from the environment',
    async () => {
      const media = createRepo(world.upstream, 'acme', 'media')
      const content = 'large binary-ish content\n'.repeat(400)
      addLfsFile(media, 'asset.dat', content)
      const pointer = /^version https:\/\/git-lfs/
      const job = (lfs: string) => world.job({ repository: 'acme/media', ref: 'main', lfs })
      // A runner where `git lfs install --system` ran: its clean filter makes downloaded LFS
      // content look unchanged to git, so only a fresh index gets a job the pointers back.
      const systemConfig = path.join(world.dir, 'gitconfig-system')
      writeFileSync(
        systemConfig,
        '[filter "lfs"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n' +
          '\tprocess = git-lfs filter-process\n\trequired = true\n'
      )
      world.env.GIT_CONFIG_SYSTEM = systemConfig

      let result = await job('false')
      expect(readFileSync(path.join(result.treeDir, 'asset.dat'), 'utf8')).toMatch(pointer)

      world.server.resetCounters()
      result = await job('true')
      expect(readFileSync(path.join(result.treeDir, 'asset.dat'), 'utf8')).toBe(content)
      const lfsRequests = world.server.requests.filter(r => r.service.startsWith('lfs'))
      expect(lfsRequests.some(r => r.service === 'lfs-object' && r.status === 200)).toBe(true)
      expect(lfsRequests.every(r => r.authorized)).toBe(true)
      // No header or hook was written into the tree's config (env only, §3.4, §3.6); the only
      // filter is git-lfs's own, so the job's `git status` sees LFS files as unchanged.
      const config = readFileSync(path.join(result.treeDir, '.git', 'config'), 'utf8')
      expect(config).not.toMatch(/extraheader|hooksPath/i)
      expect(config.match(/^\[filter "[^"]*"\]/gm)).toEqual(['[filter "lfs"]'])
      expect(config).toMatch(/process = "git-lfs filter-process"/)
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')

      // The next job asks for none: it gets the pointer, as in a fresh checkout.
      result = await job('false')
      expect(readFileSync(path.join(result.treeDir, 'asset.dat'), 'utf8')).toMatch(pointer)
      // Whether git would have rewritten the file depends on the index's timestamps: the index
      // is dropped, so it always is.
      expect(result.log.join('\n')).toMatch(
        /dropped the index of tree 1: an earlier job checked out LFS content/
      )
    }
  )
})
