/**
 * Issue 7 through the emulator: repository names are case-insensitive (one clone, one lock per
 * repository), and a global core.autocrlf=true leaves the shared clone clean for every job.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import type { JobResult } from '../../testkit/emulator.js'
import { createStandardRepo, type StandardRepo } from '../../testkit/git-fixtures.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await createWorld()
  repo = createStandardRepo(world.upstream)
  createStandardRepo(world.upstream, 'acme', 'crlf')
})
afterAll(() => world.close())

function expectSuccess(result: JobResult): void {
  if (result.conclusion !== 'success')
    throw new Error(
      result.steps.flatMap(s => [`--- ${s.kind}`, ...s.stdout, ...s.stderr]).join('\n')
    )
}

it('Acme/App and acme/app share one clone path and one lock file', async () => {
  const upper = await world.job({ repository: 'Acme/App', with: { ref: 'main' } }).result
  const lower = await world.job({ repository: 'acme/app', with: { ref: 'main' } }).result
  expectSuccess(upper)
  expectSuccess(lower)
  expect(lower.outputs.path).toBe(upper.outputs.path)
  expect(lower.outputs['lock-file']).toBe(upper.outputs['lock-file'])
  expect(upper.outputs.cloned).toBe('true')
  expect(lower.outputs.cloned).toBe('false')
  expect(lower.outputs.commit).toBe(repo.shas.main)
  // One clone directory (plus its lock files) for the owner, whatever the spelling.
  const ownerDirs = readdirSync(path.dirname(path.dirname(upper.outputs.path)))
  expect(ownerDirs).toEqual(['acme'])
  const entries = readdirSync(path.dirname(upper.outputs.path)).filter(e => !e.startsWith('app.'))
  expect(entries).toEqual(['app'])
}, 60_000)

it('with a global core.autocrlf=true the clone is clean after checkout, for two jobs', async () => {
  const globalConfig = path.join(world.scratch, 'autocrlf.gitconfig')
  writeFileSync(globalConfig, '[core]\n\tautocrlf = true\n')
  const status = {
    id: 'status',
    run: [
      'git config --get core.autocrlf',
      'cd "$SHARED_CHECKOUT_PATH"',
      'echo "status:[$(git status --porcelain)]"',
      'test -z "$(git status --porcelain)"'
    ].join('\n')
  }
  const env = { GIT_CONFIG_GLOBAL: globalConfig }
  for (const round of [1, 2]) {
    const result = await world.job({
      repository: 'acme/crlf',
      with: { ref: 'main' },
      env,
      steps: [status]
    }).result
    expectSuccess(result)
    expect(result.outputs.cloned).toBe(round === 1 ? 'true' : 'false')
    const out = result.step('status')?.stdout ?? []
    expect(out).toContain('true') // the job really runs with autocrlf on
    expect(out).toContain('status:[]')
  }
}, 60_000)
