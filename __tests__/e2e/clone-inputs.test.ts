/**
 * Issue 4, acceptance 5 and 6: bad inputs and unreachable or unwilling servers fail the job with
 * an error that names what failed, leave the existing shared clone as it was and release the
 * lock; dangerous paths are refused before anything is created; hold-lock sync vs job.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, fakeToken, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { startGitServer } from '../../testkit/git-server.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion, git } from './clone-helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

function errors(result: JobResult): string {
  return result.annotations
    .filter(a => a.level === 'error')
    .map(a => a.message)
    .join('\n')
}

describe('a failing sync leaves the existing shared clone alone', () => {
  let clonePath: string
  let marker: string
  beforeAll(async () => {
    const first = await world.job({ with: { ref: 'feature' } }).result
    expectConclusion(first, 'success')
    clonePath = first.outputs.path
    marker = path.join(clonePath, 'marker.txt')
    writeFileSync(marker, 'untracked, would be removed by clean\n')
  }, 60_000)

  async function expectFailureKeepsClone(
    spec: Parameters<E2EWorld['job']>[0],
    named: RegExp,
    checkedClone?: string
  ): Promise<JobResult> {
    const target = checkedClone ?? clonePath
    const headBefore = git(target, ['rev-parse', 'HEAD'])
    const result = await world.job(spec).result
    expectConclusion(result, 'failure')
    expect(errors(result)).toMatch(named)
    expect(git(target, ['rev-parse', 'HEAD'])).toBe(headBefore)
    expect(readFileSync(path.join(target, 'marker.txt'), 'utf8')).toContain('untracked')
    expect(existsSync(`${target}.lock`)).toBe(false)
    return result
  }

  it('nonexistent repository: fails naming it; no clone or lock is left for it', async () => {
    const result = await expectFailureKeepsClone(
      { repository: 'acme/nope', with: { ref: 'main' } },
      /acme\/nope[^]*no such repository/
    )
    const nope = path.join(path.dirname(clonePath), 'nope')
    expect(existsSync(nope)).toBe(false)
    expect(existsSync(`${nope}.lock`)).toBe(false)
    expect(readdirSync(path.dirname(clonePath)).filter(n => n.startsWith('nope.partial'))).toEqual(
      []
    )
    expect(result.outputs.commit).toBeUndefined()
  }, 30_000)

  it('wrong token: fails with the authentication error', async () => {
    await expectFailureKeepsClone(
      { with: { ref: 'main' }, github: { token: fakeToken() } },
      /refused the credentials: check that the token is valid/
    )
  }, 30_000)

  it('unknown ref: fails naming the ref', async () => {
    await expectFailureKeepsClone(
      { with: { ref: 'no-such-branch' } },
      /ref 'no-such-branch' was not found/
    )
  }, 30_000)

  it('unreachable server: fails naming the connection problem', async () => {
    // A clone made through a second server, which then goes away: same host:port, now closed.
    const other = await startGitServer({ root: world.upstream, token: world.token })
    const made = await world.job({ with: { ref: 'main', 'github-server-url': other.url } }).result
    expectConclusion(made, 'success')
    writeFileSync(path.join(made.outputs.path, 'marker.txt'), 'untracked\n')
    await other.stop()
    await expectFailureKeepsClone(
      { with: { ref: 'feature', 'github-server-url': other.url } },
      /Failed to connect[^]*could not be reached: check the server URL/,
      made.outputs.path
    )
  }, 30_000)
})

describe('dangerous paths are refused before anything touches disk', () => {
  const cases: [string, (w: E2EWorld) => string][] = [
    ['/', () => '/'],
    ['the home directory', w => w.scratch],
    ['../../x (escapes the root)', () => '../../x']
  ]
  it.each(cases)(
    'path: %s',
    async (_, pathFor) => {
      const root = path.join(world.scratch, `fresh-root-${Math.random().toString(36).slice(2)}`)
      const homeBefore = readdirSync(world.scratch).sort()
      const value = pathFor(world)
      const result = await world.job({
        with: { ref: 'main', path: value },
        env: { SHARED_CHECKOUT_ROOT: root }
      }).result
      expectConclusion(result, 'failure')
      expect(errors(result)).toMatch(
        new RegExp(`Input 'path' is "${value.replace(/[.*/]/g, '\\$&')}"`)
      )
      expect(existsSync(root)).toBe(false)
      expect(existsSync('/.lock')).toBe(false)
      expect(existsSync(path.resolve(root, '../../x'))).toBe(false)
      expect(readdirSync(world.scratch).sort()).toEqual(homeBefore)
      expect(result.outputs).toEqual({})
    },
    30_000
  )

  it('a file:// server URL is refused: github-server-url accepts http(s) only', async () => {
    const root = path.join(world.scratch, 'fresh-root-file')
    const result = await world.job({
      with: { ref: 'main', 'github-server-url': `file://${world.upstream}` },
      env: { SHARED_CHECKOUT_ROOT: root }
    }).result
    expectConclusion(result, 'failure')
    expect(errors(result)).toMatch(/Input 'github-server-url' is "file:.*expected an http\(s\) URL/)
    expect(existsSync(root)).toBe(false)
  }, 30_000)
})

describe('hold-lock', () => {
  const probe = (file: string): string =>
    `if [ -e "$SHARED_CHECKOUT_PATH.lock" ]; then echo present; else echo absent; fi > "${file}"`

  it('sync: the lock is released before the job body runs', async () => {
    const seen = path.join(world.scratch, 'hold-sync')
    const result = await world.job({
      with: { ref: 'main', 'hold-lock': 'sync' },
      steps: [{ run: probe(seen) }]
    }).result
    expectConclusion(result, 'success')
    expect(readFileSync(seen, 'utf8').trim()).toBe('absent')
    expect(result.outputs['lock-file']).toBe(`${result.outputs.path}.lock`)
    expect(result.summary).toContain('held until checkout was ready')
  }, 30_000)

  it('job: the lock is held during the body and released by post', async () => {
    const seen = path.join(world.scratch, 'hold-job')
    const result = await world.job({
      with: { ref: 'main', 'hold-lock': 'job' },
      steps: [{ run: probe(seen) }]
    }).result
    expectConclusion(result, 'success')
    expect(readFileSync(seen, 'utf8').trim()).toBe('present')
    expect(existsSync(result.outputs['lock-file'])).toBe(false)
    expect(result.post?.stdout.join('\n')).toContain(`Released ${result.outputs['lock-file']}`)
    expect(git(result.outputs.path, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
  }, 30_000)
})
