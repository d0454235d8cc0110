/**
 * `shared-checkout status`, `gc` and `evict` driven as an operator or a cron job would, through
 * the real command (src/bin/shared-checkout.ts under tsx) against a root built with git, while
 * jobs in other processes hold trees. Exit codes as documented (README "Running a fleet").
 */
import { afterAll, afterEach, beforeEach, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DAY_MS } from '../../src/fleet/format.js'
import { acquireLock, releaseLock } from '../../src/lock/index.js'
import {
  ageTree,
  buildRepository,
  holdTree,
  killHolders,
  removeHolderBundle,
  tempDir,
  type BuiltRepository
} from '../../testkit/fleet-world.js'
import { ACTION_DIR } from '../../testkit/e2e.js'

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
// The built CLI, as a machine runs it (the bundle the end-to-end set-up checked is fresh).
const CLI = path.join(ACTION_DIR, 'dist', 'cli', 'index.js')

let temp: ReturnType<typeof tempDir>
let root: string
let app: BuiltRepository
beforeEach(() => {
  temp = tempDir('fleet-cli-')
  root = path.join(temp.dir, 'root')
  app = buildRepository(root, { name: 'app', commits: 40, looseCommits: 10, trees: [1, 2] })
  buildRepository(root, { name: 'lib', trees: [1] })
  ageTree(app.layout, 2, 10 * DAY_MS)
})
afterEach(() => {
  killHolders()
  temp.cleanup()
})
afterAll(() => removeHolderBundle())

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('SHARED_CHECKOUT_') && !name.startsWith('GITHUB_')
    )
  )
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO_ROOT, env: { ...clean, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr })
    )
  })
}

it('status shows who holds what, as a table and as JSON; bad usage exits 2', async () => {
  const job = await holdTree(app.layout, [1], { job: 'integration-tests' })
  const [table, json, unknown, positional, help] = await Promise.all([
    cli(['status', '--root', root]),
    cli(['status', '--json'], { SHARED_CHECKOUT_ROOT: root }),
    cli(['status', '--root', root, '--verbose']),
    cli(['status', 'now', '--root', root]),
    cli(['status', '--help'])
  ])
  expect(table).toMatchObject({ code: 0, stderr: '' })
  expect(table.stdout).toMatch(
    /^REPOSITORY +SIZE +TREES +QUEUE +LAST USE +LAST FETCH +MAINTAINED$/m
  )
  expect(table.stdout).toMatch(/^github\.com\/acme\/app +\d+\.\d KiB +1 held, 1 free +0 /m)
  expect(table.stdout).toMatch(
    /^ {2}1 +held +.* job integration-tests · run 42 · runner test-runner/m
  )
  expect(table.stdout).toMatch(/^ {2}2 +free +10d ago$/m)

  expect(json.code).toBe(0)
  const report = JSON.parse(json.stdout)
  expect(report.root).toBe(root)
  expect(report.repositories.map((r: { repository: string }) => r.repository)).toEqual([
    'github.com/acme/app',
    'github.com/acme/lib'
  ])
  expect(report.repositories[0].trees[0]).toMatchObject({
    tree: 1,
    state: 'held',
    holder: { job: 'integration-tests' }
  })

  expect(unknown).toMatchObject({ code: 2, stdout: '' })
  expect(unknown.stderr).toMatch(
    /shared-checkout status: unknown flag --verbose; accepted: --root, --json/
  )
  expect(positional.code).toBe(2)
  expect(help).toMatchObject({ code: 0 })
  expect(help.stdout).toMatch(/^Usage: shared-checkout status \[--root DIR\] \[--json\]/)
  await job.stop()
})

it('gc maintains every store, or one; a bad budget or an unknown repository exits 2', async () => {
  const [all, badBudget, unknown] = await Promise.all([
    cli(['gc', '--root', root, '--budget', '120']),
    cli(['gc', '--root', root, '--budget', '0']),
    cli(['gc', '--root', root, '--repository', 'acme/none'])
  ])
  expect(all.code).toBe(0)
  const lines = all.stdout.trim().split('\n')
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(
    new RegExp(
      `^${app.dir}: maintained in \\d+\\.\\d s: repack \\d+\\.\\d s, commit-graph \\d+\\.\\d s; loose objects \\d+ → 0`
    )
  )
  expect(
    existsSync(
      path.join(app.layout.store, 'objects', 'info', 'commit-graphs', 'commit-graph-chain')
    )
  ).toBe(true)
  expect(badBudget.code).toBe(2)
  expect(badBudget.stderr).toMatch(/--budget "0": expected a number of seconds greater than 0/)
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toMatch(/acme\/none \(https:\/\/github\.com\) has no directory under /)

  const one = await cli(['gc', '--root', root, '--repository', 'Acme/App', '--if-due'])
  expect(one).toMatchObject({ code: 0 })
  expect(one.stdout.trim()).toMatch(
    /: skipped, not due: nothing to do: 0 loose objects, \d+ packs, commit-graph \d+s ago$/
  )
  expect(one.stdout.startsWith(`${app.dir}: `)).toBe(true)
})

it('evict: --dry-run changes nothing, then removes the unused tree; a running eviction exits 3; bad settings exit 2', async () => {
  const dry = await cli(['evict', '--root', root, '--older-than', '5', '--dry-run', '--json'])
  expect(dry.code).toBe(0)
  const plan = JSON.parse(dry.stdout)
  expect(plan.removed).toEqual([
    expect.objectContaining({ kind: 'tree', tree: 2, repository: 'github.com/acme/app' })
  ])
  expect(existsSync(app.layout.tree(2))).toBe(true)

  mkdirSync(path.join(root, '_fleet'), { recursive: true })
  const lock = await acquireLock({
    lockPath: path.join(root, '_fleet', 'evict.lock'),
    holdFor: 'process',
    timeoutSeconds: 0
  })
  const busy = await cli(['evict', '--root', root])
  await releaseLock(lock.lockPath, lock.token)
  expect(busy.code).toBe(3)
  expect(busy.stderr).toMatch(
    /another eviction is running on this machine \(.*evict\.lock is held by .*\); try again when it has finished/
  )

  const real = await cli(['evict', '--root', root, '--older-than', '5'])
  expect(real.code).toBe(0)
  expect(real.stdout).toMatch(
    /^removed tree 2 of github\.com\/acme\/app \(.*trees\/2\): unused for 10d \(trees go after 5 days\); \d+\.\d KiB$/m
  )
  expect(real.stdout).toMatch(/^freed \d+\.\d KiB in /m)
  expect(real.stderr).toMatch(/removed tree 2 of github\.com\/acme\/app .*; freed /)
  expect(existsSync(app.layout.tree(2))).toBe(false)
  expect(existsSync(app.layout.tree(1))).toBe(true)

  writeFileSync(path.join(root, '_settings.json'), '{"evictTreeDays": 7, "evictMinFree": "plenty"}')
  const [badFile, badFlag] = await Promise.all([
    cli(['evict', '--root', root]),
    cli(['evict', '--root', root, '--min-free', '5 gigs'], {})
  ])
  expect(badFile.code).toBe(2)
  expect(badFile.stderr).toMatch(
    /evictMinFree in .*_settings\.json is "plenty"; expected a size such as 20G/
  )
  expect(badFlag.code).toBe(2)
  expect(badFlag.stderr).toMatch(/--min-free "5 gigs": expected a size such as 20G/)
})
