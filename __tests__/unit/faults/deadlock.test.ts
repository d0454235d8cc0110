/**
 * Issue 13.7 (§7): two jobs that take repositories b then c and c then b would wait for each
 * other forever. The cycle is found from the lock and queue files, and the job that joined its
 * queue last fails fast with a message naming both jobs and both repositories.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import { createRepo } from '../../../testkit/git-fixtures.js'
import {
  DeadlockError,
  findDeadlock,
  type Party,
  type WaitGraph
} from '../../../src/checkout/deadlock.js'

const party = (job: string, repository: string, since?: string): Party => ({
  job,
  who: `job ${job}`,
  repository,
  resource: 'tree',
  since
})

describe('findDeadlock (pure)', () => {
  it('finds a cycle of two and names the later waiter as the one to give way', () => {
    const graph: WaitGraph = {
      holders: [party('A', 'h/acme/b'), party('B', 'h/acme/c')],
      waiters: [
        party('A', 'h/acme/c', '2026-12-03T10:00:01Z'),
        party('B', 'h/acme/b', '2026-12-03T10:00:02Z')
      ]
    }
    const fromA = findDeadlock(graph, 'A')
    const fromB = findDeadlock(graph, 'B')
    expect(fromA?.victim.job).toBe('B')
    expect(fromB?.victim.job).toBe('B')
  })

  it('finds a cycle of three', () => {
    const graph: WaitGraph = {
      holders: [party('A', 'a'), party('B', 'b'), party('C', 'c')],
      waiters: [party('A', 'b', '1'), party('B', 'c', '2'), party('C', 'a', '3')]
    }
    expect(findDeadlock(graph, 'A')?.victim.job).toBe('C')
  })

  it('is no deadlock while one holder of a pool can still go on (a pool frees when any tree does)', () => {
    const graph: WaitGraph = {
      holders: [party('A', 'b'), party('B', 'c'), party('D', 'c')],
      waiters: [party('A', 'c', '1'), party('B', 'b', '2')]
    }
    expect(findDeadlock(graph, 'A')).toBeUndefined()
  })

  it('is no deadlock when nobody waits for what this job holds', () => {
    const graph: WaitGraph = { holders: [party('B', 'c')], waiters: [party('A', 'c', '1')] }
    expect(findDeadlock(graph, 'A')).toBeUndefined()
  })
})

describe('two jobs taking b then c and c then b', () => {
  let world: CheckoutWorld
  beforeAll(async () => {
    world = await openCheckoutWorld()
    createRepo(world.upstream, 'acme', 'b', { 'b.txt': 'b\n' })
    createRepo(world.upstream, 'acme', 'c', { 'c.txt': 'c\n' })
  })
  afterAll(() => world.close())

  it('fails the later one fast, naming both jobs and both repositories; the other then goes on', async () => {
    const jobA = { runId: '101', job: 'build-a', runnerName: 'runner-1' }
    const jobB = { runId: '202', job: 'build-b', runnerName: 'runner-2' }
    const fast = { job: jobA, deadlockCheckMs: 200, pollMs: 100 }
    const aHoldsB = await world.checkout({ repository: 'acme/b', ref: 'main' }, fast)
    const bHoldsC = await world.checkout(
      { repository: 'acme/c', ref: 'main' },
      { ...fast, job: jobB }
    )
    const aWaitsForC = world.checkout({ repository: 'acme/c', ref: 'main' }, fast)
    await new Promise(resolve => setTimeout(resolve, 300))
    const started = Date.now()
    const bWaitsForB = world.checkout({ repository: 'acme/b', ref: 'main' }, { ...fast, job: jobB })
    const error = await bWaitsForB.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DeadlockError)
    expect(Date.now() - started).toBeLessThan(10_000)
    const message = (error as Error).message
    expect(message).toMatch(/run 101, job build-a, runner runner-1/)
    expect(message).toMatch(/run 202, job build-b, runner runner-2/)
    expect(message).toMatch(/acme\/b/)
    expect(message).toMatch(/acme\/c/)
    // The victim's job ends: its post releases the tree it held; the other job goes on.
    await world.release(bHoldsC)
    const aGotC = await aWaitsForC
    expect(aGotC.treeDir).toMatch(/acme\/c\/trees\/1$/)
    await world.release(aGotC)
    await world.release(aHoldsB)
  }, 60_000)
})
