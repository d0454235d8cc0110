/**
 * A shared root is a trust boundary (§3.6, §3.4): nothing a job leaves in its tree through
 * ordinary git use — filters and attributes, fsmonitor, hooks and hooksPath, include.path,
 * url.*.insteadOf, core.sshCommand, diff.external — runs, redirects or reads secrets in the
 * next job's main step or in that job's own `git status` / `git diff` steps.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createStandardWorld, type E2EWorld } from '../../testkit/e2e.js'
import { advance, type StandardRepo } from '../../testkit/git-fixtures.js'
import { describeJob, expectConclusion } from './clone-helpers.js'

let world: E2EWorld
let repo: StandardRepo
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
})
afterAll(() => world.close())

describe('what one job plants in its tree never reaches the next job', () => {
  let marker: string
  let planter: string
  beforeAll(() => {
    marker = path.join(world.scratch, 'planted-ran.txt')
    planter = path.join(world.scratch, 'planted.sh')
    // Records that it ran and whether it saw the next job's secrets; passes stdin through (a
    // smudge/clean filter must), exits 0.
    writeFileSync(
      planter,
      [
        '#!/bin/sh',
        `{ echo "ran: $0 $*"; env | grep -E 'INPUT_TOKEN|AUTHORIZATION|GIT_CONFIG_VALUE' ; } >> "${marker}"`,
        'cat 2>/dev/null',
        'exit 0',
        ''
      ].join('\n')
    )
    chmodSync(planter, 0o755)
  })

  it('the first job plants everything; the second job’s main and own git steps run none of it', async () => {
    const include = path.join(world.scratch, 'included.gitconfig')
    writeFileSync(
      include,
      `[url "http://127.0.0.1:9/"]\n\tinsteadOf = ${world.server.url}/\n[core]\n\tsshCommand = ${planter}\n`
    )
    const plant = [
      'set -e',
      'cd "$SHARED_CHECKOUT_PATH"',
      `git config filter.x.smudge "${planter} smudge"`,
      `git config filter.x.clean "${planter} clean"`,
      `git config filter.x.process "${planter} process"`,
      "echo '* filter=x' > .git/info/attributes",
      `git config core.fsmonitor "${planter}"`,
      `git config diff.external "${planter}"`,
      `git config include.path "${include}"`,
      `mkdir -p "${world.scratch}/hookdir"`,
      `printf '#!/bin/sh\\n${planter} hook "$@"\\n' > "${world.scratch}/hookdir/post-checkout"`,
      `chmod +x "${world.scratch}/hookdir/post-checkout"`,
      `cp "${world.scratch}/hookdir/post-checkout" .git/hooks/post-checkout`,
      `cp "${world.scratch}/hookdir/post-checkout" .git/hooks/reference-transaction`,
      `git config core.hooksPath "${world.scratch}/hookdir"`,
      'git config url.http://127.0.0.1:9/.insteadOf "$GITHUB_SERVER_URL/"',
      'echo changed >> README.md',
      'git update-index --assume-unchanged README.md',
      `rm -f "${marker}"`
    ].join('\n')
    const first = await world.job({
      label: 'planter',
      with: { ref: 'main' },
      steps: [{ run: plant }]
    }).result
    expectConclusion(first, 'success')
    expect(existsSync(marker)).toBe(false)

    // Upstream moves on: the second job must really fetch (a redirect would break it).
    const tip = advance(repo, 2)
    world.server.resetCounters()
    const inspect = [
      'set -e',
      'cd "$SHARED_CHECKOUT_PATH"',
      'git status --porcelain > status.out',
      'git diff HEAD~1 > /dev/null',
      'git log -1 --format=%H > head.out',
      'git checkout --quiet --detach HEAD~1 && git checkout --quiet --detach -',
      'cat status.out'
    ].join('\n')
    const second = await world.job({
      label: 'victim',
      with: { ref: 'main' },
      steps: [{ run: inspect }]
    }).result
    expectConclusion(second, 'success')
    const ran = existsSync(marker) ? readFileSync(marker, 'utf8') : ''
    expect(ran).toBe('')
    expect(second.outputs.commit).toBe(tip)
    expect(second.outputs.path).toBe(first.outputs.path)
    expect(readFileSync(path.join(second.outputs.path, 'head.out'), 'utf8').trim()).toBe(tip)
    // The fetch went to the real server, not to the planted redirect.
    expect(world.server.requests.some(r => r.service === 'git-upload-pack')).toBe(true)
    // The tampered, assume-unchanged README was put back.
    expect(readFileSync(path.join(second.outputs.path, 'README.md'), 'utf8')).toBe('# app\n')
    const status = readFileSync(path.join(second.outputs.path, 'status.out'), 'utf8')
    expect(status.split('\n').filter(l => l && !/status\.out|head\.out/.test(l))).toEqual([])
    expect(describeJob(second)).not.toMatch(/Empty last update token/)
  })
})
