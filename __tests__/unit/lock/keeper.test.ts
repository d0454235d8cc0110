/**
 * The keeper of a job lock: its start-up never delays the lock nor counts as waiting
 * (issue 12.6), and it carries no secrets (issue 12.4).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isSecretVariable, withoutSecrets } from '../../../src/lock/environment.js'
import { acquireLock, releaseLock } from '../../../src/lock/index.js'
import { keeperEnvironment } from '../../../src/lock/keeper.js'
import { parseRecord } from '../../../src/lock/record.js'
import {
  holderBundle,
  isRunning,
  keeperOptions,
  killAllHolders,
  sleep,
  startSleeper,
  tempDir,
  waitUntil
} from './helpers.js'

const cleanups: Array<() => void> = []
afterEach(() => {
  killAllHolders()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function setup(): string {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  return temp.dir
}

/** A keeper entry that starts `delayMs` late, then runs the real keeper (the bundled holder). */
function slowKeeper(dir: string, delayMs: number): string {
  const entry = join(dir, 'slow-keeper.mjs')
  writeFileSync(
    entry,
    `await new Promise(resolve => setTimeout(resolve, ${delayMs}))\n` +
      `await import(${JSON.stringify(holderBundle().file)})\n`
  )
  return entry
}

/** A keeper entry that is not one: it exits at once without calling runKeeper. */
function notAKeeper(dir: string): string {
  const entry = join(dir, 'not-a-keeper.mjs')
  writeFileSync(entry, 'process.exit(0)\n')
  return entry
}

const settled = (promise: Promise<unknown>): { done: boolean } => {
  const state = { done: false }
  promise.then(
    () => (state.done = true),
    () => (state.done = true)
  )
  return state
}

describe('waitedMs counts only the time the lock was unavailable (issue 12.6)', () => {
  it('a free lock: 0, in job mode too (the keeper starts in the background)', async () => {
    const dir = setup()
    const anchor = startSleeper()
    const process_ = await acquireLock({ lockPath: join(dir, 'a.lock'), holdFor: 'process' })
    expect(process_.waitedMs).toBe(0)
    await expect(process_.keeperReady).resolves.toBeUndefined()
    const job = await acquireLock({
      lockPath: join(dir, 'b.lock'),
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    expect(job.waitedMs).toBe(0)
    await job.keeperReady
    await releaseLock(job.lockPath, job.token)
    await releaseLock(process_.lockPath, process_.token)
  })

  it('a held lock: the time until its release', async () => {
    const lockPath = join(setup(), 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process' })
    setTimeout(() => void releaseLock(holder.lockPath, holder.token), 300)
    const lock = await acquireLock({ lockPath, holdFor: 'process' })
    expect(lock.waitedMs).toBeGreaterThanOrEqual(200)
    await releaseLock(lock.lockPath, lock.token)
  })
})

describe('keeper start-up overlaps the caller’s work (issue 12.6)', () => {
  it('the lock exists, naming the keeper, before the keeper runs; a late keeper finds its token', async () => {
    const dir = setup()
    const lockPath = join(dir, 'repo.lock')
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      leaseMs: 600,
      keeperEntry: slowKeeper(dir, 500),
      keeperExecArgv: []
    })
    const ready = settled(lock.keeperReady)
    const record = parseRecord(readFileSync(lockPath, 'utf8'))!
    expect(record.token).toBe(lock.token)
    expect(record.owners.map(owner => [owner.role, owner.pid])).toEqual([
      ['job-anchor', anchor.pid],
      ['keeper', lock.keeperPid]
    ])
    await sleep(200)
    expect(ready.done).toBe(false)
    await lock.keeperReady
    // It keeps the lock it was told about: heartbeats, and releases it when the job ends.
    const before = statSync(lockPath).mtimeMs
    await waitUntil(() => statSync(lockPath).mtimeMs > before, 5_000, 'a heartbeat')
    anchor.kill('SIGKILL')
    await waitUntil(() => !isRunning(lock.keeperPid!), 5_000, 'the keeper to release and exit')
    expect(() => statSync(lockPath)).toThrow(/ENOENT/)
  })

  it('a keeper that never starts: keeperReady rejects clearly; the lock is recovered once the job ends', async () => {
    const dir = setup()
    const lockPath = join(dir, 'repo.lock')
    const anchor = startSleeper()
    const entry = notAKeeper(dir)
    const lock = await acquireLock({
      lockPath,
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      keeperEntry: entry,
      keeperExecArgv: []
    })
    await expect(lock.keeperReady).rejects.toThrow(
      `The lock keeper (${process.execPath} ${entry}) is not running: it exited (code 0) before ` +
        'it held the lock. The keeper entry must call runKeeper() when isKeeperInvocation(process.env).'
    )
    // Owners: the job anchor (alive: the lock holds) and a dead keeper.
    const options = { lockPath, holdFor: 'process' as const, pollMs: 50 }
    await expect(acquireLock({ ...options, timeoutSeconds: 0.2 })).rejects.toThrow(/Timed out/)
    anchor.kill('SIGKILL')
    const lines: string[] = []
    const next = await acquireLock({ ...options, timeoutSeconds: 5, log: line => lines.push(line) })
    expect(lines.join('\n')).toMatch(
      /Broke the stale lock .*every owner \(pid \d+, \d+\) has exited/
    )
    await releaseLock(next.lockPath, next.token)
  })

  it('a keeper that dies while its acquirer waits fails the acquisition, leaving no trace', async () => {
    const dir = setup()
    const lockPath = join(dir, 'repo.lock')
    const holder = await acquireLock({ lockPath, holdFor: 'process' })
    const anchor = startSleeper()
    await expect(
      acquireLock({
        lockPath,
        holdFor: 'job',
        jobAnchorPid: anchor.pid,
        pollMs: 50,
        timeoutSeconds: 10,
        keeperEntry: notAKeeper(dir),
        keeperExecArgv: []
      })
    ).rejects.toThrow(/The lock keeper .* is not running: it exited/)
    expect(readdirSync(`${lockPath}.queue`)).toEqual([])
    expect(parseRecord(readFileSync(lockPath, 'utf8'))?.token).toBe(holder.token)
    await releaseLock(holder.lockPath, holder.token)
  })
})

describe('the keeper’s environment carries no secrets (issue 12.4)', () => {
  it.each([
    ['INPUT_TOKEN', true],
    ['input_ssh-key', true],
    ['ACTIONS_RUNTIME_TOKEN', true],
    ['ACTIONS_ID_TOKEN_REQUEST_URL', true],
    ['STATE_token', true],
    ['GITHUB_TOKEN', true],
    ['SHARED_CHECKOUT_TOKEN', true],
    ['GIT_CONFIG_COUNT', true],
    ['GIT_CONFIG_KEY_0', true],
    ['GIT_CONFIG_VALUE_0', true],
    ['GIT_CONFIG_PARAMETERS', true],
    ['GIT_SSH_COMMAND', true],
    ['SSH_AUTH_SOCK', true],
    ['RUNNER_TRACKING_ID', false],
    ['PATH', false],
    ['HOME', false],
    ['GITHUB_RUN_ID', false],
    ['GIT_TERMINAL_PROMPT', false]
  ])('%s is secret: %p', (name, secret) => {
    expect(isSecretVariable(name)).toBe(secret)
  })

  it('keeps the rest, and adds the keeper config', () => {
    const config = {
      token: 'x',
      acquirer: { pid: 1, startTime: '' },
      leaseMs: 1,
      heartbeatMs: 1,
      abandonedAfterMs: 1
    }
    const env = keeperEnvironment(
      { PATH: '/bin', RUNNER_TRACKING_ID: 'r', INPUT_TOKEN: 's' },
      config
    )
    expect(Object.keys(env).sort()).toEqual([
      'PATH',
      'RUNNER_TRACKING_ID',
      'SHARED_CHECKOUT_LOCK_KEEPER',
      'SHARED_CHECKOUT_LOCK_KEEPER_CONFIG'
    ])
    expect(withoutSecrets({ A: '1', GITHUB_TOKEN: 't' }, { B: '2' })).toEqual({ A: '1', B: '2' })
  })

  it('a real keeper: /proc/<pid>/environ has RUNNER_TRACKING_ID and none of the secrets', async () => {
    const secrets = {
      INPUT_TOKEN: 'ghs_input',
      ACTIONS_RUNTIME_TOKEN: 'ghs_actions',
      STATE_token: 'ghs_state',
      GITHUB_TOKEN: 'ghs_github',
      SHARED_CHECKOUT_TOKEN: 'ghs_shared',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraheader',
      GIT_CONFIG_VALUE_0: 'AUTHORIZATION: basic ghs_header',
      GIT_SSH_COMMAND: 'ssh -i /tmp/ghs_key',
      SSH_AUTH_SOCK: '/tmp/ghs_agent'
    }
    const saved = { ...process.env }
    cleanups.push(() => {
      for (const name of [...Object.keys(secrets), 'RUNNER_TRACKING_ID']) delete process.env[name]
      Object.assign(process.env, saved)
    })
    Object.assign(process.env, secrets, { RUNNER_TRACKING_ID: 'github_tracking_42' })
    const anchor = startSleeper()
    const lock = await acquireLock({
      lockPath: join(setup(), 'repo.lock'),
      holdFor: 'job',
      jobAnchorPid: anchor.pid,
      ...keeperOptions()
    })
    await lock.keeperReady
    const environ = readFileSync(`/proc/${lock.keeperPid}/environ`, 'utf8').split('\0')
    expect(environ).toContain('RUNNER_TRACKING_ID=github_tracking_42')
    expect(environ.some(entry => entry.startsWith('PATH='))).toBe(true)
    for (const name of Object.keys(secrets)) {
      expect(environ.filter(entry => entry.startsWith(`${name}=`))).toEqual([])
    }
    expect(environ.join('\n')).not.toMatch(/ghs_/)
    await releaseLock(lock.lockPath, lock.token)
  })
})
