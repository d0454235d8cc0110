/**
 * Issue 3 through the emulator (SPEC §2): the lock spans the job (main → body → post), a waiter
 * enters within milliseconds of the post's release, and a waiter reports who holds the lock.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readFileSync, watch } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import { isProcessAlive, type StepRecord } from '../../testkit/emulator.js'
import { createStandardRepo } from '../../testkit/git-fixtures.js'

let world: E2EWorld
beforeAll(async () => {
  world = await createWorld()
  createStandardRepo(world.upstream)
})
afterAll(() => world.close())

const wallNow = (): number => performance.timeOrigin + performance.now()

function tokenIn(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { token: string }).token
  } catch {
    return undefined
  }
}

/** Records (wall-clock ms) the first moment `lockFile` no longer carries `token`. */
function watchRelease(
  lockFile: string,
  token: string
): { at: () => number | undefined; close(): void } {
  let at: number | undefined
  const watcher = watch(path.dirname(lockFile), (_event, name) => {
    if (at === undefined && name === path.basename(lockFile) && tokenIn(lockFile) !== token)
      at = wallNow()
  })
  return { at: () => at, close: () => watcher.close() }
}

it('A keeps the lock after its main exits, through a 20 s body; B enters right after A releases', async () => {
  let lockFile = ''
  const a = world.job({
    with: { ref: 'main' },
    github: { runId: '4242', job: 'hold-lock' },
    runnerName: 'runner-a',
    steps: [
      {
        fn: async ({ outputs }) => {
          lockFile = outputs.checkout['lock-file']
        }
      },
      { id: 'body', run: 'sleep 20' }
    ]
  })
  const aMain = (await a.waitForPhase('main')) as StepRecord
  while (!lockFile) await new Promise(resolve => setTimeout(resolve, 20))
  const bodyStarted = wallNow()
  const tokenA = tokenIn(lockFile)
  expect(tokenA).toMatch(/^[0-9a-f]{32}$/)
  const release = watchRelease(lockFile, tokenA as string)

  let bRecord: { acquiredAt: string; token: string } | undefined
  const b = world.job({
    with: { ref: 'main' },
    // No fallback poll within the test, and a report (which also retries the lock) only at
    // ~15 s and ~30 s: B can enter right after the release (~20 s) only through a notification.
    env: { SHARED_CHECKOUT_LOCK_REPORT_MS: '15000', SHARED_CHECKOUT_LOCK_POLL_MS: '600000' },
    steps: [
      {
        fn: async ({ outputs }) => {
          bRecord = JSON.parse(readFileSync(outputs.checkout['lock-file'], 'utf8'))
        }
      }
    ]
  })
  // B is queued behind A while A's main process is already gone.
  const waiting = await b.waitForLine(/Waiting for the lock/, { kind: 'main' })
  expect(waiting).toContain('held by run https://github.com/acme/app/actions/runs/4242')
  expect(waiting).toContain('job hold-lock')
  expect(waiting).toContain('runner runner-a')
  expect(waiting).toMatch(/held for \d+s/)
  expect(waiting).toContain('0 waiters ahead')
  expect(isProcessAlive(aMain.pid as number)).toBe(false)
  // Mid-body (10 s in), the lock is still A's.
  await new Promise(resolve => setTimeout(resolve, Math.max(0, bodyStarted + 10_000 - wallNow())))
  expect(tokenIn(lockFile)).toBe(tokenA)
  const later = await b.waitForLine(/Waiting for the lock .*\(([1-9]\d*)s so far\)/, {
    kind: 'main'
  })
  expect(later).toContain('held by run')

  const [ra, rb] = await Promise.all([a.result, b.result])
  release.close()
  expect(ra.conclusion).toBe('success')
  expect(rb.conclusion).toBe('success')
  const aBody = ra.step('body') as { endedAt: number }
  const acquiredB = Date.parse((bRecord as { acquiredAt: string }).acquiredAt)
  // B waited through the whole body and A's post.
  expect(acquiredB).toBeGreaterThan(aBody.endedAt)
  expect(acquiredB).toBeGreaterThanOrEqual((ra.post?.startedAt ?? 0) - 1)
  expect(Number(rb.outputs['lock-wait-seconds'])).toBeGreaterThan(15)
  const releasedAt = release.at()
  expect(releasedAt).toBeDefined()
  const latency = acquiredB - (releasedAt as number)
  const postStart = ra.post?.startedAt ?? 0
  // A negative figure means B's lock already existed when the watcher (woken by the same
  // inotify event as B) looked: the hand-off is below the observer's own latency (~1 ms).
  console.log(
    `spanning: A's release (seen by an inotify watcher) → B's lock record acquiredAt: ` +
      `${latency.toFixed(1)} ms; upper bound B acquiredAt − A post start (node start-up ` +
      `included): ${(acquiredB - postStart).toFixed(0)} ms; B waited ${rb.outputs['lock-wait-seconds']} s`
  )
  // Generous bound; the real figure is printed above (target ≤ 100 ms). Woken by the poll or
  // the next report instead of a notification, B would enter ~10 s late.
  expect(latency).toBeLessThan(1000)
  expect(acquiredB - postStart).toBeLessThan(3000)
}, 90_000)
