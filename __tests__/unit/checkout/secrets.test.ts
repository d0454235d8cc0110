/**
 * The token never reaches argv, files of the store or the trees, or logs, and only the git
 * processes that talk to the remote carry it in their environment (§3.4, issue 12.4): every git
 * process of a job is checked through /proc/<pid>/cmdline and /proc/<pid>/environ.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  openCheckoutWorld,
  WORLD_TOKEN,
  type CheckoutWorld
} from '../../../testkit/checkout-world.js'
import {
  addLfsFile,
  createStandardRepo,
  createSubmoduleRepos
} from '../../../testkit/git-fixtures.js'
import { lfsTestable } from '../../../testkit/requirements.js'
import { authHeaderEntry, basicCredential } from '../../../src/git/env.js'
import { stepEnvironment } from '../../../src/action/step-env.js'
import { gitProcessWatcher } from './git-processes.js'

const run = promisify(execFile)
const SECRETS = [WORLD_TOKEN, basicCredential(WORLD_TOKEN)]

let world: CheckoutWorld
beforeAll(async () => {
  world = await openCheckoutWorld()
  const app = createStandardRepo(world.upstream)
  addLfsFile(app, 'big.dat', 'lfs content '.repeat(500))
  createSubmoduleRepos(world.upstream)
})
afterAll(() => world.close())

/** The git verbs that talk to the remote: the only ones that may hold credentials. */
function talksToRemote(args: readonly string[]): boolean {
  return (
    args[0] === 'ls-remote' ||
    args[0] === 'fetch' ||
    (args[0] === 'submodule' && args[1] === 'update') ||
    (args[0] === 'lfs' && args[1] === 'fetch')
  )
}

/** Every process command line visible now (what another user of the machine can read). */
function commandLines(): string[] {
  const out: string[] = []
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))
    } catch {
      // exited meanwhile
    }
  }
  return out
}

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    const stats = statSync(full, { throwIfNoEntry: false })
    if (stats?.isDirectory()) out.push(...filesUnder(full))
    else if (stats?.isFile()) out.push(full)
  }
  return out
}

const filesContainingSecrets = (dir: string): string[] =>
  filesUnder(dir).filter(file => {
    const data = readFileSync(file)
    return SECRETS.some(secret => data.includes(secret))
  })

describe('every git process of a job', () => {
  it.each<[string, string[], Record<string, string>]>([
    // A new store, then a fetch into the existing one.
    ['acme/app', ['main', ''], { lfs: String(lfsTestable), 'fetch-tags': 'true' }],
    ['acme/super', ['main'], { submodules: 'recursive' }]
  ])(
    '%s: no secret in any argv, file or log line; credentials only where the remote is',
    async (repository, refs, inputs) => {
      const { seen, settled, onGitProcess } = gitProcessWatcher()
      const lines: string[] = []
      const scanned: string[] = []
      const scan = setInterval(() => scanned.push(...commandLines()), 25)
      let layoutDir = ''
      try {
        for (const ref of refs) {
          const result = await world.job({ repository, ref, ...inputs }, { onGitProcess })
          lines.push(...result.log)
          layoutDir = result.layout.dir
        }
        await settled()
      } finally {
        clearInterval(scan)
      }
      expect(seen.length).toBeGreaterThan(8)
      expect(seen.filter(s => s.environ !== undefined).length).toBeGreaterThan(4)
      for (const { cmdline } of seen)
        for (const secret of SECRETS) expect(cmdline).not.toContain(secret)
      for (const line of scanned) for (const secret of SECRETS) expect(line).not.toContain(secret)
      for (const { args, environ } of seen) {
        if (environ === undefined) continue
        const carries =
          SECRETS.some(secret => environ.includes(secret)) || /extraheader=/i.test(environ)
        expect({ args: args.join(' '), carries }).toEqual({
          args: args.join(' '),
          carries: talksToRemote(args)
        })
      }
      // Positive control: the fetches were seen, with the header in their environment.
      expect(
        seen.some(s => s.args[0] === 'fetch' && s.environ?.includes(basicCredential(WORLD_TOKEN)))
      ).toBe(true)
      expect(filesContainingSecrets(layoutDir)).toEqual([])
      for (const line of lines) for (const secret of SECRETS) expect(line).not.toContain(secret)
    }
  )

  it('a failing job names what failed without the token', async () => {
    const error = await world
      .job({ repository: 'acme/missing', ref: 'main' })
      .catch(e => e as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/acme\/missing/)
    for (const secret of SECRETS) expect((error as Error).message).not.toContain(secret)
  })
})

describe('persist-credentials (§1): environment for later steps, taken back by post', () => {
  it("authenticates the job's own git fetch in its tree; after post the same fetch is refused", async () => {
    const result = await world.job({ ref: 'main' })
    const step = stepEnvironment(world.env, [authHeaderEntry(world.server.url, WORLD_TOKEN)])
    const later = { ...world.env, ...step.env, GIT_TERMINAL_PROMPT: '0' }
    // Async: the server answers from this very process.
    await run('git', ['fetch', '--quiet', 'origin', 'main'], { cwd: result.treeDir, env: later })
    const afterPost = { ...later, ...step.restore }
    await expect(
      run('git', ['fetch', '--quiet', 'origin', 'main'], { cwd: result.treeDir, env: afterPost })
    ).rejects.toThrow(/401|could not read Username|Authentication/)
    expect(filesContainingSecrets(result.layout.dir)).toEqual([])
  })
})
