/**
 * Issue 13.2 and 13.4 (§3.8, §7): a stalled remote fails after a bounded time instead of
 * hanging; SIGINT/SIGTERM during a fetch stops git, releases the store and the tree, and exits
 * within seconds; a git fetch orphaned when its node process alone is SIGKILLed is ended before
 * the next job receives the store; transient failures are retried, refusals are not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { checkoutChildEnv } from '../../../testkit/checkout-child-env.js'
import {
  openCheckoutWorld,
  WORLD_TOKEN,
  type CheckoutWorld
} from '../../../testkit/checkout-world.js'
import { advance, createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import { processesIn } from '../../../src/process/sweep.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
})
afterAll(async () => {
  world.server.stall(false)
  await world.close()
})

interface Child {
  process: ChildProcess
  events: Record<string, unknown>[]
  next(event: string, timeoutMs?: number): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

function startChild(inputs: Record<string, string>, stallSeconds = 60): Child {
  const config = {
    inputs: {
      repository: 'acme/app',
      'github-server-url': world.server.url,
      token: WORLD_TOKEN,
      root: world.root,
      cache: 'false',
      'show-progress': 'false',
      ...inputs
    },
    env: world.env,
    home: world.env.HOME ?? world.dir,
    tempDir: world.dir,
    stallSeconds
  }
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve('testkit/checkout-child.ts')],
    { stdio: ['ignore', 'pipe', 'ignore'], env: checkoutChildEnv(config) }
  )
  const events: Record<string, unknown>[] = []
  const waiters: (() => void)[] = []
  createInterface({ input: child.stdout! }).on('line', line => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      return
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  return {
    process: child,
    events,
    exited,
    async next(event, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = events.find(e => e.event === event)
        if (found) return found
        if (Date.now() > deadline) throw new Error(`no ${event} event: ${JSON.stringify(events)}`)
        await new Promise<void>(resolve => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
    }
  }
}

const fetchStarted = (child: Child) =>
  child.next('git').then(async () => {
    for (;;) {
      const fetch = child.events.find(
        e => e.event === 'git' && Array.isArray(e.args) && (e.args as string[])[0] === 'fetch'
      )
      if (fetch) return fetch
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  })

describe('a stalled remote', () => {
  it('fails after the stall limit with a message that says so, instead of hanging', async () => {
    // Prime the store, then advance upstream so the next checkout must fetch.
    const first = await world.checkout({ ref: 'main' })
    await world.release(first)
    advance(repo, 1)
    world.server.stall(true)
    const started = Date.now()
    try {
      await expect(
        world.checkout({ ref: 'main' }, { stall: { limitBytes: 1000, seconds: 2 } })
      ).rejects.toThrow(/stalled|too slow/i)
    } finally {
      world.server.stall(false)
    }
    expect(Date.now() - started).toBeLessThan(20_000)
  }, 60_000)
})

describe('SIGTERM during a fetch', () => {
  it('stops git, releases the store and the tree, and exits within 5 s', async () => {
    // A known commit: no ls-remote, straight to the fetch under the store lock.
    const tip = advance(repo, 1)
    world.server.stall(true)
    const child = startChild({ ref: tip })
    try {
      const held = await child.next('tree-held')
      const fetch = await fetchStarted(child)
      const layoutDir = path.dirname(path.dirname(String(held.lockFile)))
      const storeLock = path.join(layoutDir, 'locks', 'store.lock')
      expect(existsSync(storeLock)).toBe(true)
      const signalled = Date.now()
      child.process.kill('SIGTERM')
      const code = await child.exited
      expect(Date.now() - signalled).toBeLessThan(5000)
      expect(code).not.toBe(0)
      expect(child.events.find(e => e.event === 'error')?.message).toMatch(/cancelled/)
      expect(existsSync(storeLock)).toBe(false)
      expect(existsSync(String(held.lockFile))).toBe(false)
      // git and its helpers are gone (own process group, stopped together).
      expect(() => process.kill(Number(fetch.pid), 0)).toThrow()
      expect(processesIn(path.join(layoutDir, 'store'))).toEqual([])
    } finally {
      world.server.stall(false)
      child.process.kill('SIGKILL')
    }
  }, 60_000)
})

describe('main SIGKILLed while its git fetch runs', () => {
  it('the orphaned fetch is ended before the next job takes the store', async () => {
    const tip = advance(repo, 1)
    world.server.stall(true)
    const child = startChild({ ref: tip })
    let orphan = 0
    try {
      await child.next('tree-held')
      orphan = Number((await fetchStarted(child)).pid)
      child.process.kill('SIGKILL')
      await child.exited
      // Only node died: its git fetch, in its own process group, still runs in the store.
      expect(() => process.kill(orphan, 0)).not.toThrow()
      const next = world.checkout({ ref: tip })
      // Let the stalled request go only once the next job has ended the orphan.
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline) {
        try {
          process.kill(orphan, 0)
        } catch {
          break
        }
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      expect(() => process.kill(orphan, 0)).toThrow()
      world.server.stall(false)
      const result = await next
      expect(result.log.join('\n')).toMatch(
        new RegExp(`ending process ${orphan} left running in the store`)
      )
      expect(result.store.sha).toBe(tip)
      await world.release(result)
    } finally {
      world.server.stall(false)
      if (orphan)
        try {
          process.kill(-orphan, 'SIGKILL')
        } catch {
          // gone
        }
    }
  }, 60_000)
})

describe('retries', () => {
  it('a server answering 503 is retried with backoff; a refused token is not retried', async () => {
    advance(repo, 1)
    world.server.refuse(true)
    const before = world.server.requests.length
    setTimeout(() => world.server.refuse(false), 1500)
    const result = await world.checkout({ ref: 'main' }, { retryDelaysMs: [1000, 1000] })
    const refused = world.server.requests.slice(before).filter(r => r.status === 503).length
    expect(refused).toBeGreaterThanOrEqual(1)
    expect(result.log.join('\n')).toMatch(/trying again in 1 s/)
    await world.release(result)

    advance(repo, 1)
    const beforeBad = world.server.requests.length
    await expect(
      world.checkout(
        { ref: 'main', token: 'ghs_wrongTOKEN0123456789abcdefABCDEF' },
        { retryDelaysMs: [100, 100] }
      )
    ).rejects.toThrow(/refused the credentials/)
    const attempts = world.server.requests.slice(beforeBad).filter(r => !r.authorized).length
    // One ls-remote (git asks once without, once with credentials at most): never three tries.
    expect(attempts).toBeLessThanOrEqual(2)
  }, 60_000)
})
