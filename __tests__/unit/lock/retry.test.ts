/** Windows' just-closed-file errors on unlink/rename are retried briefly (§2.2, §2.5). */
import { describe, expect, it } from '@jest/globals'
import {
  isTransientFsError,
  retryTransient,
  sleepSync,
  TRANSIENT_RETRY_DELAYS_MS
} from '../../../src/lock/retry.js'

const failure = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: simulated`), { code })

/** An fs operation that fails with the given codes in turn, then succeeds. */
function flaky(codes: string[]): { op: () => string; calls: () => number } {
  let calls = 0
  return {
    op: () => {
      const code = codes[calls++]
      if (code) throw failure(code)
      return 'done'
    },
    calls: () => calls
  }
}

describe('which errors are transient', () => {
  it.each<[NodeJS.Platform, string | undefined, boolean]>([
    ['win32', 'EBUSY', true],
    ['win32', 'EPERM', true],
    ['win32', 'EACCES', true],
    ['win32', 'ENOENT', false],
    ['win32', 'EEXIST', false],
    ['win32', undefined, false],
    ['linux', 'EBUSY', false],
    ['linux', 'EPERM', false],
    ['linux', 'EACCES', false],
    ['darwin', 'EBUSY', false]
  ])('%s %s → %p', (platform, code, transient) => {
    expect(isTransientFsError(code, platform)).toBe(transient)
  })
})

describe('retryTransient', () => {
  it('win32: fails twice with EBUSY, then succeeds: returns, after two short waits', () => {
    const slept: number[] = []
    const { op, calls } = flaky(['EBUSY', 'EBUSY'])
    expect(retryTransient(op, { platform: 'win32', sleep: ms => slept.push(ms) })).toBe('done')
    expect(calls()).toBe(3)
    expect(slept).toEqual([5, 10])
  })

  it('win32: EPERM then EACCES right after close are retried too', () => {
    const { op, calls } = flaky(['EPERM', 'EACCES'])
    expect(retryTransient(op, { platform: 'win32', sleep: () => undefined })).toBe('done')
    expect(calls()).toBe(3)
  })

  it('win32: a file that stays busy fails after a bounded backoff with the real error', () => {
    const slept: number[] = []
    const { op, calls } = flaky(Array(100).fill('EBUSY'))
    expect(() => retryTransient(op, { platform: 'win32', sleep: ms => slept.push(ms) })).toThrow(
      /EBUSY/
    )
    expect(calls()).toBe(TRANSIENT_RETRY_DELAYS_MS.length + 1)
    expect(slept.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(1000)
  })

  it('ENOENT is an answer, not a hiccup: thrown at once (callers treat it as "gone")', () => {
    const { op, calls } = flaky(['ENOENT'])
    expect(() => retryTransient(op, { platform: 'win32', sleep: () => undefined })).toThrow(
      /ENOENT/
    )
    expect(calls()).toBe(1)
  })

  it.each(['linux', 'darwin'] as const)(
    '%s: EBUSY/EACCES are real errors, thrown at once',
    platform => {
      for (const code of ['EBUSY', 'EACCES']) {
        const { op, calls } = flaky([code])
        expect(() => retryTransient(op, { platform, sleep: () => undefined })).toThrow(code)
        expect(calls()).toBe(1)
      }
    }
  )

  it('the real wait blocks for about the time asked and no more than a generous bound', () => {
    const started = performance.now()
    sleepSync(20)
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(19)
    expect(took).toBeLessThan(5000)
  })
})
