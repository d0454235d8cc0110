/**
 * Issue 4, acceptance 4: the token (and its basic-auth form) reaches no file of the clone or
 * the lock, no summary, no log line, and no process's argv (SPEC §3.4); persist-credentials
 * gives later steps a working credential that the post step switches off.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'
import {
  allLines,
  createBlobRepo,
  expectConclusion,
  filesContaining,
  fixtureEnv
} from './clone-helpers.js'

const execFileAsync = promisify(execFile)

let world: E2EWorld
let repo: StandardRepo
let secrets: string[]
beforeAll(async () => {
  world = await createWorld()
  repo = createStandardRepo(world.upstream)
  secrets = [world.token, Buffer.from(`x-access-token:${world.token}`).toString('base64')]
})
afterAll(() => world.close())

function expectNoSecretIn(result: JobResult): void {
  for (const line of allLines(result)) {
    for (const secret of secrets) expect(line).not.toContain(secret)
    // The emulator masks what the action registered; a masked leak would show as ***.
    expect(line).not.toContain('***')
  }
  for (const a of result.annotations) for (const s of secrets) expect(a.message).not.toContain(s)
  for (const s of secrets) expect(result.summary).not.toContain(s)
  for (const value of Object.values(result.outputs))
    for (const s of secrets) expect(value).not.toContain(s)
}

describe('persist-credentials: true', () => {
  let result: JobResult
  let lockCopy: string
  beforeAll(async () => {
    advance(repo, 1, 'feature')
    lockCopy = path.join(world.scratch, 'lock-during-job')
    result = await world.job({
      with: { ref: 'main', 'persist-credentials': 'true' },
      steps: [
        // A later step of the job talks to the token-protected server with the persisted auth.
        { id: 'fetch', run: 'git -C "$SHARED_CHECKOUT_PATH" fetch --quiet origin feature' },
        { run: `cat "$SHARED_CHECKOUT_PATH.lock" > "${lockCopy}"` }
      ]
    }).result
  }, 60_000)

  it('lets a later step fetch from the token-protected server', () => {
    expectConclusion(result, 'success')
    expect(result.step('fetch')?.status).toBe('success')
    const fetches = world.server.requests.filter(r => r.service === 'git-upload-pack')
    expect(fetches.length).toBeGreaterThan(0)
  })

  it('writes the token to no file of the clone, the lock, the summary or the logs', () => {
    const clonePath = result.outputs.path
    // The clone including .git, and everything else under the root (lock leftovers, queue).
    expect(filesContaining(clonePath, secrets)).toEqual([])
    expect(filesContaining(world.root, secrets)).toEqual([])
    const lock = readFileSync(lockCopy, 'utf8')
    expect(lock).toContain('"token"') // it was the lock, read while the job held it
    for (const s of secrets) expect(lock).not.toContain(s)
    // grep exits 1 when nothing matches.
    const grep = spawnSync('grep', ['-rlF', '-e', secrets[0], '-e', secrets[1], clonePath], {
      encoding: 'utf8'
    })
    expect({ status: grep.status, files: grep.stdout.trim() }).toEqual({ status: 1, files: '' })
  })

  it('masks nothing because it prints nothing secret', () => {
    expectNoSecretIn(result)
  })

  it("post's exports switch the credential off: a fetch with the job's final env fails", async () => {
    const count = Number(result.env.GIT_CONFIG_COUNT ?? '0')
    const env: NodeJS.ProcessEnv = { ...fixtureEnv(), ...result.env }
    for (let i = 0; i < count; i++) {
      expect(String(env[`GIT_CONFIG_VALUE_${i}`] ?? '')).not.toMatch(/basic/i)
    }
    // Asynchronously: the git server runs in this process.
    const fetch = execFileAsync('git', ['-C', result.outputs.path, 'fetch', 'origin', 'main'], {
      env: { ...env, GIT_TERMINAL_PROMPT: '0' },
      encoding: 'utf8'
    })
    await expect(fetch).rejects.toThrow(/Authentication failed|401|could not read Username/)
    const last = world.server.requests[world.server.requests.length - 1]
    expect(last.status).toBe(401)
  })
})

/** Every /proc/<pid>/cmdline now, NULs as spaces. */
function commandLines(): string[] {
  const lines: string[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '))
    } catch {
      // exited while we looked
    }
  }
  return lines
}

describe('argv of every process', () => {
  it('never carries the token while git runs (held mid-fetch, and polled throughout)', async () => {
    createBlobRepo(world.upstream, 'acme', 'large', 30, 16 * 1024)
    const leaks: string[] = []
    const gitSeen = new Set<string>()
    let scanning = true
    const scan = (): void => {
      for (const line of commandLines()) {
        if (secrets.some(s => line.includes(s))) leaks.push(line)
        if (/(^|\/)git(-remote-https?)? /.test(line) && /127\.0\.0\.1|fetch|ls-remote/.test(line))
          gitSeen.add(line.split(' ').slice(0, 3).join(' '))
      }
    }
    const poller = (async () => {
      while (scanning) {
        scan()
        await sleep(3)
      }
    })()

    // A fully qualified ref needs no ls-remote: git's first request is the fetch's, held.
    const since = world.server.requests.length
    world.server.stall(true)
    const handle = world.job({ repository: 'acme/large', with: { ref: 'refs/heads/main' } })
    try {
      const deadline = Date.now() + 20_000
      while (!world.server.requests.slice(since).some(r => r.status === 0)) {
        if (Date.now() > deadline) throw new Error('the fetch sent nothing while stalled')
        await sleep(5)
      }
      // git and its transport helper are now blocked on the server: read them at leisure.
      for (let i = 0; i < 20; i++) {
        scan()
        await sleep(10)
      }
    } finally {
      world.server.stall(false)
    }
    const result = await handle.result
    scanning = false
    await poller
    expectConclusion(result, 'success')
    expect(leaks).toEqual([])
    // The scan did see git talking to the server (or it proves nothing).
    expect([...gitSeen].some(l => /remote-http|fetch/.test(l))).toBe(true)
    expectNoSecretIn(result)
    expect(filesContaining(result.outputs.path, secrets)).toEqual([])
  }, 60_000)
})
