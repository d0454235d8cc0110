import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stepEnvironment } from '../../../src/action/step-env.js'
import {
  formatBytes,
  formatDuration,
  renderSummary,
  type RunReport
} from '../../../src/action/summary.js'
import { authHeaderEntry } from '../../../src/git/env.js'

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-action-pure-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** What git sees for a config key in `env` (a later step of the job); throws if git refuses the env. */
function gitConfigIn(env: NodeJS.ProcessEnv, key: string): string[] {
  const result = spawnSync('git', ['config', '--get-all', key], {
    cwd: scratch,
    env: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1', ...env },
    encoding: 'utf8'
  })
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`git refused the env: ${result.stderr}`)
  return result.stdout.split('\n').filter(Boolean)
}

/** GITHUB_ENV semantics: later writes win; nothing is ever unset. */
const apply = (...layers: Record<string, string | undefined>[]): NodeJS.ProcessEnv =>
  Object.assign({}, ...layers)

describe('stepEnvironment (§1 persist-credentials, set-safe-directory): exported, then taken back', () => {
  const tree = '/srv/sc/h/acme/app/trees/2'

  it('nothing to export: nothing exported, nothing to restore', () => {
    expect(stepEnvironment({ PATH: '/bin' }, [])).toEqual({ env: {}, restore: {} })
  })

  it('safe.directory for later steps, and a restore that leaves GIT_CONFIG_COUNT at 0, never empty', () => {
    const base = { PATH: '/bin' }
    const step = stepEnvironment(base, [{ key: 'safe.directory', value: tree }])
    expect(step.env).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: tree
    })
    expect(step.restore).toEqual({
      GIT_CONFIG_COUNT: '0',
      GIT_CONFIG_KEY_0: '',
      GIT_CONFIG_VALUE_0: ''
    })
    expect(gitConfigIn(apply(base, step.env), 'safe.directory')).toEqual([tree])
    expect(gitConfigIn(apply(base, step.env, step.restore), 'safe.directory')).toEqual([])
  })

  it("appends after the job's own GIT_CONFIG list and restores its count", () => {
    const base = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'ci' }
    const header = authHeaderEntry('https://github.com', 'tok')
    const step = stepEnvironment(base, [{ key: 'safe.directory', value: tree }, header])
    expect(step.env).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_1: 'safe.directory',
      GIT_CONFIG_VALUE_1: tree,
      GIT_CONFIG_KEY_2: header.key,
      GIT_CONFIG_VALUE_2: header.value
    })
    expect(step.restore.GIT_CONFIG_COUNT).toBe('1')
    expect(step.restore.GIT_CONFIG_VALUE_2).toBe('')
    expect(gitConfigIn(apply(base, step.env), 'http.https://github.com/.extraheader')).toEqual([
      header.value
    ])
    const after = apply(base, step.env, step.restore)
    expect(gitConfigIn(after, 'http.https://github.com/.extraheader')).toEqual([])
    expect(gitConfigIn(after, 'user.name')).toEqual(['ci'])
  })

  it('GIT_SSH_COMMAND is restored to a working command: ssh, or what the job had', () => {
    const ssh = "ssh -i '/tmp/k' -o IdentitiesOnly=yes"
    const fresh = stepEnvironment({}, [], { GIT_SSH_COMMAND: ssh })
    expect(fresh.env.GIT_SSH_COMMAND).toBe(ssh)
    expect(fresh.restore.GIT_SSH_COMMAND).toBe('ssh')
    const own = stepEnvironment({ GIT_SSH_COMMAND: 'ssh -v' }, [], { GIT_SSH_COMMAND: ssh })
    expect(own.restore.GIT_SSH_COMMAND).toBe('ssh -v')
    // Other extra variables go back to what they were ('' when unset).
    const other = stepEnvironment({}, [], { SOME_VAR: 'x' })
    expect(other.restore.SOME_VAR).toBe('')
  })

  it('variables that do not change are neither exported nor restored', () => {
    const base = { GIT_CONFIG_COUNT: '0', PATH: '/bin', HOME: '/home/u' }
    const step = stepEnvironment(base, [{ key: 'safe.directory', value: tree }])
    expect(Object.keys(step.env).sort()).toEqual([
      'GIT_CONFIG_COUNT',
      'GIT_CONFIG_KEY_0',
      'GIT_CONFIG_VALUE_0'
    ])
    expect(Object.keys(step.restore).sort()).toEqual(Object.keys(step.env).sort())
  })

  it('two checkouts in one job: their posts, in reverse order, leave git as it was', () => {
    const base = {}
    const first = stepEnvironment(base, [{ key: 'safe.directory', value: '/t/1' }])
    const afterFirst = apply(base, first.env)
    const second = stepEnvironment(afterFirst, [{ key: 'safe.directory', value: '/t/2' }])
    const afterSecond = apply(afterFirst, second.env)
    expect(gitConfigIn(afterSecond, 'safe.directory')).toEqual(['/t/1', '/t/2'])
    const afterSecondPost = apply(afterSecond, second.restore)
    expect(gitConfigIn(afterSecondPost, 'safe.directory')).toEqual(['/t/1'])
    const afterFirstPost = apply(afterSecondPost, first.restore)
    expect(gitConfigIn(afterFirstPost, 'safe.directory')).toEqual([])
    expect(afterFirstPost.GIT_CONFIG_COUNT).toBe('0')
  })
})

describe('renderSummary (§1 job summary)', () => {
  const report: RunReport = {
    repository: 'acme/app',
    tree: 2,
    treeDir: '/srv/sc/h/acme/app/trees/2',
    lockFile: '/srv/sc/h/acme/app/locks/tree-2.lock',
    treeWaitMs: 2500,
    storeWaitMs: 750,
    usedStoreLock: true,
    holderSeen: 'run 7 of acme/app (job build | linux) on runner-1, for 3 s',
    ref: 'refs/heads/main',
    commit: 'a'.repeat(40),
    createdStore: false,
    cacheHit: undefined,
    fetchedBytes: 1536,
    repairs: [],
    setAside: [],
    phases: [
      { name: 'wait for a tree', ms: 2500 },
      { name: 'fetch | store', ms: 61_500 }
    ]
  }
  const rows = (text: string): Record<string, string> =>
    Object.fromEntries(
      text
        .split('\n')
        .filter(line => line.startsWith('| ') && !line.startsWith('| |'))
        .map(line => {
          // Split on pipes that are not escaped.
          const cells = line
            .split(/(?<!\\)\|/)
            .slice(1, -1)
            .map(cell => cell.trim())
          return [cells[0], cells.slice(1).join(' ')]
        })
    )

  it('shows the tree wait and the store wait separately', () => {
    const r = rows(renderSummary(report))
    expect(r['Waited for a tree']).toBe('2.5 s')
    expect(r['Waited for the store']).toBe('750 ms')
    expect(r['Working tree']).toBe(
      'tree 2: `/srv/sc/h/acme/app/trees/2` (held until the post step)'
    )
    expect(r['Tree lock']).toBe('`/srv/sc/h/acme/app/locks/tree-2.lock`')
    expect(r.Commit).toBe(`\`${'a'.repeat(40)}\` (refs/heads/main)`)
    expect(r.Store).toBe('existing')
    expect(r.Fetched).toBe('1.5 KiB')
    expect(r.Cache).toBe('not consulted')
  })

  it('"not needed" when the store lock was not used (the commit was in the store)', () => {
    const r = rows(renderSummary({ ...report, usedStoreLock: false, storeWaitMs: 0 }))
    expect(r['Waited for the store']).toBe('not needed: the commit was in the store')
    expect(r['Waited for a tree']).toBe('2.5 s')
  })

  it('escapes | and newlines, so a cell never breaks the table', () => {
    const text = renderSummary({ ...report, holderSeen: 'a | b\nc' })
    const line = text.split('\n').find(l => l.startsWith('| Holder seen on arrival |'))!
    expect(line).toBe('| Holder seen on arrival | a \\| b c |')
    expect(line.split(/(?<!\\)\|/)).toHaveLength(4)
    const phase = text.split('\n').find(l => l.includes('fetch'))!
    expect(phase).toBe('| fetch \\| store | 1m02s |')
  })

  it('defaults: nobody held a tree, default branch, nothing fetched; store created; cache outcomes', () => {
    const r = rows(
      renderSummary({
        ...report,
        holderSeen: undefined,
        ref: '',
        fetchedBytes: undefined,
        createdStore: true,
        cacheHit: true
      })
    )
    expect(r['Holder seen on arrival']).toBe('nobody: a tree was free')
    expect(r.Commit).toMatch(/\(default branch\)$/)
    expect(r.Fetched).toBe('nothing')
    expect(r.Store).toBe('created by this job')
    expect(r.Cache).toBe('store restored from the Actions cache')
    expect(rows(renderSummary({ ...report, cacheHit: false })).Cache).toBe('no usable entry')
  })

  it('repairs and set-aside rows only when there are some; no phase table without phases', () => {
    const plain = renderSummary({ ...report, phases: [] })
    expect(plain).not.toMatch(/Repaired|Set aside|\| Phase \|/)
    expect(plain.startsWith('### Shared Checkout\n')).toBe(true)
    const r = rows(
      renderSummary({ ...report, repairs: ['/a/index.lock', '/b'], setAside: ['/aside/x'] })
    )
    expect(r.Repaired).toBe('`/a/index.lock`, `/b`')
    expect(r['Set aside']).toBe('`/aside/x`')
  })
})

describe('formatDuration / formatBytes', () => {
  it.each([
    [0, '0 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [2500, '2.5 s'],
    [59_940, '59.9 s'],
    [59_960, '1m00s'],
    [60_000, '1m00s'],
    [61_500, '1m02s'],
    [119_600, '2m00s'],
    [3_600_000, '60m00s']
  ])('%p ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text))

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 10, '1.0 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [1024 ** 4, '1024.0 GiB']
  ])('%p bytes → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text))
})
