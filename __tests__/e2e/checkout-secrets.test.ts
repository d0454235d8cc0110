/**
 * The token (§1, §3.4): it reaches no process's argv, no file of the store, the trees or the
 * locks, no log line, output or summary; persist-credentials gives later steps of the job
 * working auth through their environment only, and post takes it back; the lock keeper, which
 * lives for the whole job, carries neither the token nor the runner's credentials (issue 12.4).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { advance, createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'
import {
  allLines,
  createBlobRepo,
  expectConclusion,
  filesContaining,
  fixtureEnv,
  git,
  repoPathsOfTree,
  waitUntil
} from './helpers.js'

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

/** A step that fetches `feature` in the tree and records whether the server let it. */
const fetchStep = (record: string) => ({
  id: 'fetch',
  run: [
    `if git -C "$SHARED_CHECKOUT_PATH" fetch --quiet origin feature 2>/dev/null; then echo fetched; else echo denied; fi > "${record}"`,
    // The names (never the values) of the git settings this step received.
    `env | sed -n 's/^GIT_CONFIG_KEY_[0-9]*=//p' >> "${record}"`
  ].join('\n')
})

describe('persist-credentials: true', () => {
  let result: JobResult
  let lockCopy: string
  let record: string
  beforeAll(async () => {
    advance(repo, 1, 'feature')
    lockCopy = path.join(world.scratch, 'lock-during-job')
    record = path.join(world.scratch, 'persisted-fetch')
    result = await world.job({
      with: { ref: 'main', 'persist-credentials': 'true' },
      steps: [
        // A later step of the job talks to the token-protected server with the persisted auth.
        fetchStep(record),
        { run: `cat "$(dirname "$SHARED_CHECKOUT_PATH")/../locks/tree-1.lock" > "${lockCopy}"` }
      ]
    }).result
  }, 60_000)

  it('lets a later step fetch from the token-protected server, through its environment', () => {
    expectConclusion(result, 'success')
    const lines = readFileSync(record, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('fetched')
    expect(lines.slice(1)).toContain(`http.${world.server.url}/.extraheader`)
    // Nothing in the tree's or the store's config: the auth came from the step's environment.
    const paths = repoPathsOfTree(result.outputs.path)
    for (const dir of [result.outputs.path, paths.store])
      expect(git(dir, ['config', '--list', '--local'])).not.toMatch(/extraheader|credential/i)
  })

  it('writes the token to no file of the store, the trees, the locks, the summary or the logs', () => {
    // Everything under the root: store, trees (their .git included), locks, queue, tmp.
    expect(filesContaining(world.root, secrets)).toEqual([])
    const lock = readFileSync(lockCopy, 'utf8')
    expect(lock).toContain('"token"') // it was the lock, read while the job held it
    for (const s of secrets) expect(lock).not.toContain(s)
    // grep exits 1 when nothing matches.
    const grep = spawnSync('grep', ['-rlF', '-e', secrets[0], '-e', secrets[1], world.root], {
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

describe('persist-credentials: false (the default)', () => {
  it('gives later steps no auth', async () => {
    const record = path.join(world.scratch, 'unpersisted-fetch')
    const result = await world.job({ with: { ref: 'main' }, steps: [fetchStep(record)] }).result
    expectConclusion(result, 'success')
    const lines = readFileSync(record, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('denied')
    expect(lines.join('\n')).not.toMatch(/extraheader/)
    expectNoSecretIn(result)
  }, 60_000)
})

describe('the lock keeper', () => {
  it('carries no INPUT_TOKEN, no ACTIONS_RUNTIME_TOKEN and no token in its environment or argv', async () => {
    const runtimeToken = `runtime-${world.token.slice(4)}`
    let environ: string[] = []
    let argv = ''
    let keeperPid = 0
    const result = await world.job({
      with: { ref: 'main', cache: 'false' },
      // What the runner hands every step of a job: the cache service's credentials.
      env: { ACTIONS_RUNTIME_TOKEN: runtimeToken, ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' },
      steps: [
        {
          fn: async ({ outputs }) => {
            const record = JSON.parse(readFileSync(outputs.checkout['lock-file'], 'utf8')) as {
              owners: { pid: number; role: string }[]
            }
            keeperPid = record.owners.find(o => o.role === 'keeper')?.pid ?? 0
            environ = readFileSync(`/proc/${keeperPid}/environ`, 'latin1').split('\0')
            argv = readFileSync(`/proc/${keeperPid}/cmdline`, 'latin1').replace(/\0/g, ' ')
          }
        }
      ]
    }).result
    expectConclusion(result, 'success')
    expect(keeperPid).toBeGreaterThan(0)
    const names = environ.map(e => e.split('=')[0])
    // It is the job's: the runner ends it with the job through the tracking id.
    expect(names).toContain('RUNNER_TRACKING_ID')
    expect(names.filter(n => /^(INPUT_|ACTIONS_|STATE_)/.test(n))).toEqual([])
    expect(names).not.toContain('GITHUB_TOKEN')
    for (const value of [...secrets, runtimeToken]) {
      expect(environ.join('\n')).not.toContain(value)
      expect(argv).not.toContain(value)
    }
  }, 60_000)
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

    // git's first request (ls-remote resolving the ref) is held: read its processes at leisure.
    const since = world.server.requests.length
    world.server.stall(true)
    const handle = world.job({ repository: 'acme/large', with: { ref: 'main' } })
    try {
      await waitUntil(
        () => world.server.requests.slice(since).some(r => r.status === 0),
        'a request held by the stalled server',
        20_000
      )
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
    expect([...gitSeen].some(l => /remote-http|fetch|ls-remote/.test(l))).toBe(true)
    expectNoSecretIn(result)
    expect(filesContaining(world.root, secrets)).toEqual([])
  }, 60_000)
})
