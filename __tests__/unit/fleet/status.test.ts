/**
 * `status` (§6): per repository its directory, size, trees and who holds each, the queue, the
 * store and last use, read from a real root where jobs in other processes hold and wait.
 */
import { afterAll, afterEach, beforeEach, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { DAY_MS } from '../../../src/fleet/format.js'
import { collectStatus, renderStatus, type StatusReport } from '../../../src/fleet/status.js'
import {
  ageRepository,
  ageTree,
  buildRepository,
  holderBundle,
  holdTree,
  killHolders,
  removeHolderBundle,
  tempDir
} from '../../../testkit/fleet-world.js'

let temp: ReturnType<typeof tempDir>
let root: string
const children: ChildProcess[] = []
beforeEach(() => {
  temp = tempDir('fleet-status-')
  root = path.join(temp.dir, 'root')
})
afterEach(() => {
  killHolders()
  for (const child of children.splice(0)) child.kill('SIGKILL')
  temp.cleanup()
})
afterAll(() => removeHolderBundle())

it('collects repositories, sizes, holders, the queue and last use; renders an aligned table', async () => {
  const app = buildRepository(root, { name: 'app', trees: [1, 2] })
  const lib = buildRepository(root, {
    name: 'lib',
    serverUrl: 'https://ghes.example.com/git',
    trees: [1]
  })
  ageRepository(lib, 3 * DAY_MS)
  ageTree(app.layout, 2, 2 * DAY_MS)
  mkdirSync(path.join(app.layout.aside, 'store-20260101T000000'))
  writeFileSync(path.join(app.layout.aside, 'store-20260101T000000', 'x'), 'x')
  const building = await holdTree(app.layout, [1], { job: 'build' })
  const waiting = await holdTree(app.layout, [1], { job: 'test', waitFor: 'queued' })
  // A fetch in progress holds lib's store lock.
  const { file, dir } = holderBundle()
  const fetching = spawn(
    process.execPath,
    [file, '--path', lib.layout.storeLock, '--hold-ms', '-1', '--job', 'fetch-job'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore']
    }
  )
  children.push(fetching)
  await new Promise<void>(resolve =>
    createInterface({ input: fetching.stdout! }).on(
      'line',
      line => line.includes('"acquired"') && resolve()
    )
  )

  const report = await collectStatus(root, { env: { SHARED_CHECKOUT_EVICT_TREE_DAYS: '3' } })

  expect(report.repositories.map(r => [r.repository, r.directory])).toEqual([
    ['ghes.example.com/git/acme/lib', lib.dir],
    ['github.com/acme/app', app.dir]
  ])
  expect(lib.dir).toBe(path.join(root, 'ghes.example.com', '~git', 'acme', 'lib'))
  const [libStatus, appStatus] = report.repositories
  expect(appStatus.sizeBytes).toBeGreaterThan(appStatus.storeBytes + appStatus.treesBytes - 1)
  expect(appStatus.storeBytes).toBeGreaterThan(0)
  expect(appStatus.trees).toEqual([
    expect.objectContaining({
      tree: 1,
      path: app.layout.tree(1),
      state: 'held',
      holder: expect.objectContaining({ job: 'build', runner: 'test-runner', runId: '42' })
    }),
    expect.objectContaining({ tree: 2, state: 'free', holder: undefined })
  ])
  expect(Date.now() - Date.parse(appStatus.trees[1].lastUse!)).toBeGreaterThanOrEqual(
    2 * DAY_MS - 60_000
  )
  expect(appStatus.queue).toEqual([
    expect.objectContaining({ ticket: expect.stringMatching(/^\d{12}$/), job: 'test' })
  ])
  expect(appStatus.aside).toEqual([
    expect.objectContaining({ path: path.join(app.layout.aside, 'store-20260101T000000') })
  ])
  expect(appStatus.store).toMatchObject({
    exists: true,
    locked: false,
    maintenance: { due: true, why: 'no commit-graph' }
  })
  expect(libStatus.store).toMatchObject({
    locked: true,
    holder: expect.objectContaining({ job: 'fetch-job' })
  })
  expect(Date.now() - Date.parse(libStatus.lastUse!)).toBeGreaterThanOrEqual(3 * DAY_MS - 60_000)
  expect(report.settings).toMatchObject({ treeDays: 3, sources: { treeDays: 'environment' } })
  expect(JSON.parse(JSON.stringify(report))).toEqual(report)

  const text = renderStatus(report, Date.now())
  const lines = text.split('\n')
  const header = lines.find(line => line.startsWith('REPOSITORY'))!
  const appRow = lines.find(line => line.startsWith('github.com/acme/app'))!
  for (const column of ['SIZE', 'TREES', 'QUEUE', 'LAST USE', 'LAST FETCH', 'MAINTAINED'])
    expect(appRow[header.indexOf(column) - 1]).toBe(' ') // every column starts at its header
  expect(appRow).toMatch(/1 held, 1 free\s+1\s+\d+s ago/)
  expect(text).toMatch(
    /Eviction: trees after 3 days unused \(environment\), repositories after 30 days unused \(default\)/
  )
  expect(text).toMatch(
    /\n {2}1 +held +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+s\) +\d+s ago +job build · run 42 · runner test-runner · host /
  )
  expect(text).toMatch(/\n {2}2 +free +2d ago\n/)
  expect(text).toMatch(/queue \(1 waiting\) +1\. since .*: job test · run 42/)
  expect(text).toMatch(/store lock held since .* by job fetch-job/)
  expect(text).toMatch(/set aside \d+[smhd] ago: .*store-20260101T000000/)

  await building.stop()
  await waiting.stop()
  fetching.kill('SIGTERM')
})

it('an empty or missing root, and bad settings, are reported rather than failing', async () => {
  const report = await collectStatus(path.join(temp.dir, 'nothing-here'), {
    env: { SHARED_CHECKOUT_EVICT_MIN_FREE: 'lots' }
  })
  expect(report.repositories).toEqual([])
  expect(report.settingsError).toMatch(/SHARED_CHECKOUT_EVICT_MIN_FREE is "lots"/)
  const text = renderStatus(report, Date.now())
  expect(text).toMatch(/0 repositories/)
  expect(text).toMatch(
    /Eviction settings are invalid, eviction will not run: SHARED_CHECKOUT_EVICT_MIN_FREE/
  )
  expect(text).toMatch(/No repositories here yet\./)
})

it('renders a fixed report exactly (the README example)', () => {
  const now = Date.parse('2026-06-01T12:00:00Z')
  const holder = {
    job: 'build',
    repository: 'acme/app',
    runId: '9001',
    runAttempt: '1',
    runner: 'runner-2',
    url: 'https://github.com/acme/app/actions/runs/9001',
    host: 'ci-7',
    pids: [4242, 4250],
    since: '2026-06-01T11:48:00.000Z'
  }
  const report: StatusReport = {
    root: '/srv/shared-checkout',
    at: new Date(now).toISOString(),
    space: { availableBytes: 61 * 1024 ** 3, totalBytes: 250 * 1024 ** 3 },
    settings: {
      treeDays: 7,
      repoDays: 30,
      minFree: { kind: 'auto' },
      sources: { treeDays: 'default', repoDays: 'default', minFree: 'default' }
    },
    minFreeBytes: 10 * 1024 ** 3,
    repositories: [
      {
        repository: 'github.com/acme/app',
        directory: '/srv/shared-checkout/github.com/acme/app',
        sizeBytes: 1.4 * 1024 ** 3,
        storeBytes: 0.9 * 1024 ** 3,
        treesBytes: 0.5 * 1024 ** 3,
        lastUse: '2026-06-01T11:48:00.000Z',
        store: {
          exists: true,
          lastFetch: '2026-06-01T11:48:00.000Z',
          locked: false,
          maintenance: {
            lastRun: '2026-05-31T09:00:00.000Z',
            due: false,
            why: 'nothing to do: 12 loose objects, 3 packs, commit-graph 1d ago'
          }
        },
        trees: [
          {
            tree: 1,
            path: '/srv/shared-checkout/github.com/acme/app/trees/1',
            state: 'held',
            holder,
            lastUse: '2026-06-01T11:48:00.000Z'
          },
          {
            tree: 2,
            path: '/srv/shared-checkout/github.com/acme/app/trees/2',
            state: 'free',
            lastUse: '2026-06-01T09:00:00.000Z'
          }
        ],
        queue: [
          {
            ...holder,
            ticket: '000000000007',
            job: 'test',
            runner: 'runner-3',
            pids: [5150],
            since: '2026-06-01T11:55:00.000Z'
          }
        ],
        aside: []
      }
    ]
  }
  expect(renderStatus(report, now)).toBe(
    [
      'Root /srv/shared-checkout: 1 repository, 1.4 GiB; 61.0 GiB free of 250.0 GiB',
      'Eviction: trees after 7 days unused (default), repositories after 30 days unused (default), least recently used first below 10.0 GiB free (auto: 10 GiB or 10%, whichever is smaller; default)',
      '',
      'REPOSITORY           SIZE     TREES           QUEUE  LAST USE  LAST FETCH  MAINTAINED',
      'github.com/acme/app  1.4 GiB  1 held, 1 free  1      12m ago   12m ago     27h ago',
      '',
      'github.com/acme/app  /srv/shared-checkout/github.com/acme/app',
      '  store 921.6 MiB, trees 512.0 MiB; store lock free; maintenance not due: nothing to do: 12 loose objects, 3 packs, commit-graph 1d ago',
      '  TREE  STATE  SINCE                       LAST USE  HELD BY',
      '  1     held   2026-06-01 11:48:00Z (12m)  12m ago   job build · https://github.com/acme/app/actions/runs/9001 · runner runner-2 · host ci-7 (pid 4242, 4250)',
      '  2     free                               3h ago',
      '  queue (1 waiting)   1. since 2026-06-01 11:55:00Z (5m): job test · https://github.com/acme/app/actions/runs/9001 · runner runner-3 · host ci-7 (pid 5150)',
      ''
    ].join('\n')
  )
})
