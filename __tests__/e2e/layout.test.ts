/**
 * Everything of one repository lives inside its own directory (§2 "Paths", §3): repositories
 * whose names look like another's files (`x.lock`, `x.partial-abc`, `x.queue`, `.github`) run
 * while `x` holds its tree, and nothing of `x` is shared, moved or deleted. A directory of the
 * first release's layout is recognised and set aside with a notice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createWorld, type E2EWorld } from '../../testkit/e2e.js'
import { createRepo, fixtureGit, type FixtureRepo } from '../../testkit/git-fixtures.js'
import { allLines, expectConclusion, git } from './clone-helpers.js'

let world: E2EWorld
const NAMES = ['x', 'x.lock', 'x.partial-abc', 'x.queue', '.github']
const repos: Record<string, FixtureRepo> = {}
beforeAll(async () => {
  world = await createWorld()
  for (const name of NAMES)
    repos[name] = createRepo(world.upstream, 'acme', name, { 'who.txt': `${name}\n` })
})
afterAll(() => world.close())

const waitFor = async (file: string): Promise<void> => {
  const deadline = Date.now() + 60_000
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${file}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('repositories named like each other’s files', () => {
  it('x holds its tree while x.lock, x.partial-abc, x.queue and .github run: nothing of x is touched', async () => {
    const ready = path.join(world.scratch, 'x-ready')
    const go = path.join(world.scratch, 'x-go')
    const holder = world.job({
      label: 'x',
      repository: 'acme/x',
      with: { ref: 'main' },
      steps: [
        {
          run: [
            'set -e',
            'echo mine > "$SHARED_CHECKOUT_PATH/work-in-progress.txt"',
            `touch "${ready}"`,
            `while [ ! -e "${go}" ]; do sleep 0.05; done`,
            'test "$(cat "$SHARED_CHECKOUT_PATH/work-in-progress.txt")" = mine',
            'test "$(cat "$SHARED_CHECKOUT_PATH/who.txt")" = x'
          ].join('\n')
        }
      ]
    })
    await waitFor(ready)
    const others = await Promise.all(
      NAMES.filter(n => n !== 'x').map(
        name =>
          world.job({
            label: name,
            repository: `acme/${name}`,
            with: { ref: 'main', 'lock-timeout': '30' },
            steps: [{ run: `test "$(cat "$SHARED_CHECKOUT_PATH/who.txt")" = "${name}"` }]
          }).result
      )
    )
    others.forEach(result => expectConclusion(result, 'success'))
    writeFileSync(go, '')
    const x = await holder.result
    expectConclusion(x, 'success')
    expect(x.post?.status).toBe('success')

    const dirs = [x, ...others].map(r => path.dirname(path.dirname(r.outputs.path)))
    expect(new Set(dirs).size).toBe(NAMES.length)
    for (const a of dirs)
      for (const b of dirs) if (a !== b) expect(b.startsWith(a + path.sep)).toBe(false)
    // The owner directory holds exactly one directory per repository, nothing else.
    expect(readdirSync(path.dirname(dirs[0])).sort()).toEqual([...NAMES].sort())
  }, 120_000)
})

describe('a directory of the first release (a clone with .git, no marker)', () => {
  it('is moved into aside/ with a notice and the repository is set up afresh', async () => {
    const repo = createRepo(world.upstream, 'acme', 'old', { 'a.txt': 'a\n' })
    const hostDir = world.server.url.replace(/^http:\/\//, '').replace(':', '_')
    const dir = path.join(world.root, hostDir, 'acme', 'old')
    mkdirSync(path.dirname(dir), { recursive: true })
    fixtureGit(path.dirname(dir), ['clone', '--quiet', repo.bare, dir])
    writeFileSync(path.join(dir, 'local-change.txt'), 'keep me\n')
    const result = await world.job({ repository: 'acme/old', with: { ref: 'main' } }).result
    expectConclusion(result, 'success')
    expect(allLines(result).join('\n')).toMatch(/first layout/)
    const aside = readdirSync(path.join(dir, 'aside')).filter(n => n.startsWith('layout-v1-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(path.join(dir, 'aside', aside[0], 'local-change.txt'), 'utf8')).toBe(
      'keep me\n'
    )
    expect(git(result.outputs.path, ['rev-parse', 'HEAD'])).toBe(
      fixtureGit(repo.bare, ['rev-parse', 'main'])
    )
    expect(existsSync(path.join(dir, 'shared-checkout.json'))).toBe(true)
  }, 60_000)
})
