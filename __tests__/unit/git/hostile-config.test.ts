import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { advance, createStandardRepo, type StandardRepo } from '../../../testkit/git-fixtures.js'
import { syncSharedClone } from '../../../src/git/index.js'
import { memoryLogger } from '../../../src/logger.js'
import { git, openHarness, type Harness } from './harness.js'

// A shared clone is written by every job on the machine: a previous job may leave hooks or an
// fsmonitor command in .git. The action's own git commands must not run them (README "Trust
// boundary").
describe('commands planted in the shared clone by an earlier job', () => {
  let h: Harness
  let repo: StandardRepo
  beforeAll(async () => {
    h = await openHarness()
    repo = createStandardRepo(h.upstream, 'acme', 'app')
  })
  afterAll(() => h.close())

  function plant(clonePath: string, marker: string): void {
    const script = path.join(h.dir, 'planted.sh')
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\nexit 0\n`)
    chmodSync(script, 0o755)
    const hooks = path.join(clonePath, '.git', 'hooks')
    mkdirSync(hooks, { recursive: true })
    for (const hook of ['post-checkout', 'reference-transaction', 'post-merge']) {
      writeFileSync(path.join(hooks, hook), `#!/bin/sh\nexec ${script} ${hook}\n`)
      chmodSync(path.join(hooks, hook), 0o755)
    }
    git(clonePath, ['config', 'core.fsmonitor', script], h.env)
  }

  it('runs neither hooks nor the fsmonitor command of .git/config during a sync', async () => {
    const request = h.request('acme', 'app')
    await syncSharedClone(request, memoryLogger())
    const marker = path.join(h.dir, 'planted-ran.txt')
    plant(request.clonePath, marker)

    // Positive control: plain git in that clone does run what was planted.
    git(request.clonePath, ['status', '--porcelain'], h.env)
    git(request.clonePath, ['checkout', '--force', '-B', 'probe', repo.shas.first], h.env)
    expect(existsSync(marker)).toBe(true)
    rmSync(marker)

    advance(repo, 1)
    const result = await syncSharedClone(request, memoryLogger())
    expect(result.commit).toBe(git(request.clonePath, ['rev-parse', 'HEAD'], h.env))
    expect(existsSync(marker)).toBe(false)
  })
})
