/**
 * Issue 13.6 (§3.2, §7): bytes corrupted in the middle of a pack pass a cheap inspection; when
 * git then reports corrupt or missing objects, the store is set aside and rebuilt within the
 * same job, once, with a warning — and the trees other jobs hold keep their commits. A second
 * failure fails the job saying what to check.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { closeSync, openSync, readdirSync, readSync, writeSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createRepo } from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
beforeAll(async () => {
  world = await openCheckoutWorld()
  const files: Record<string, string> = {}
  for (let i = 0; i < 20; i++) files[`data/${i}.txt`] = `${'payload '.repeat(400)}${i}\n`
  createRepo(world.upstream, 'acme', 'app', files)
})
afterAll(() => world.close())

const git = (cwd: string, args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    env: world.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()

/** Flips bytes inside the compressed data of `blob` in the pack that holds it. */
function corruptBlobInPack(gitDir: string, blob: string): void {
  const packDir = path.join(gitDir, 'objects', 'pack')
  for (const idx of readdirSync(packDir).filter(n => n.endsWith('.idx'))) {
    const pack = path.join(packDir, idx.replace(/\.idx$/, '.pack'))
    const listing = git(gitDir, ['verify-pack', '-v', pack])
    const line = listing.split('\n').find(l => l.startsWith(`${blob} `))
    if (!line) continue
    // <sha> <type> <size> <size-in-pack> <offset>
    const [, , , sizeInPack, offset] = line.split(/\s+/)
    const at = Number(offset) + Math.floor(Number(sizeInPack) / 2)
    const fd = openSync(pack, 'r+')
    const byte = Buffer.alloc(4)
    readSync(fd, byte, 0, 4, at)
    for (let i = 0; i < 4; i++) byte[i] ^= 0xff
    writeSync(fd, byte, 0, 4, at)
    closeSync(fd)
    return
  }
  throw new Error(`blob ${blob} is in no pack of ${gitDir}`)
}

describe('a store with a corrupt object in the middle of a pack', () => {
  it('is set aside and rebuilt within the job; a tree held by another job keeps its commit', async () => {
    const first = await world.checkout({ ref: 'main', trees: '2' })
    const store = first.layout.store
    const blob = git(first.treeDir, ['rev-parse', 'HEAD:data/7.txt'])
    // Small fetches arrive as loose objects; maintenance packs them.
    git(store, ['repack', '-a', '-d', '-q'])
    corruptBlobInPack(store, blob)
    // The pack's trailer still matches: only reading the object shows the damage.
    expect(() => git(store, ['cat-file', '-p', blob])).toThrow()

    // Tree 1 is held; the second job gets a new tree 2, whose checkout reads every blob.
    const second = await world.checkout({ ref: 'main', trees: '2' })
    expect(second.tree).toBe(2)
    expect(second.log.join('\n')).toMatch(/damaged objects in the store.*setting the store aside/)
    expect(readdirSync(first.layout.aside).some(n => n.startsWith('store-'))).toBe(true)
    expect(git(second.treeDir, ['status', '--porcelain'])).toBe('')
    expect(git(second.treeDir, ['cat-file', '-p', blob])).toMatch(/^payload/)
    // The held tree borrows from the new store: its commit and objects are there.
    git(first.treeDir, ['fsck', '--connectivity-only', '--no-progress'])
    expect(git(first.treeDir, ['cat-file', '-p', blob])).toMatch(/^payload/)
    await world.release(first)
    await world.release(second)
  }, 60_000)

  it('fails saying what to check when the rebuilt store is damaged too (a damaged server)', async () => {
    const broken = createRepo(world.upstream, 'acme', 'broken', {
      'a.txt': 'x'.repeat(5000) + '\n'
    })
    execFileSync('git', ['repack', '-a', '-d', '-q'], { cwd: broken.bare, env: world.env })
    const blob = git(broken.bare, ['rev-parse', 'main:a.txt'])
    corruptBlobInPack(broken.bare, blob)
    await expect(world.checkout({ repository: 'acme/broken', ref: 'main' })).rejects.toThrow(
      /rebuilt in this job and git still reports damaged objects.*Check the disk/s
    )
  }, 60_000)
})
