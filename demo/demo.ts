/**
 * `npm run demo`: one emulated self-hosted machine, one repository, both ways of sharing it.
 *
 *   phase 1  four jobs with `trees: 1` start together and take turns in the one working tree;
 *   phase 2  upstream moves on, then four jobs with `trees: 4` run at once, each in a tree of
 *            its own over the one object store.
 *
 * A generated repository is served over loopback smart HTTP (token required); every job runs
 * the built action through the runner emulator (testkit/emulator.ts), then a short body, then
 * the post step. For each phase the demo draws a timeline from what it saw in the repository's
 * lock directory (demo/lock-observer.ts) and the emulator's step times, and says what each job
 * fetched from the server's own byte counter. Everything is removed at the end. Offline;
 * about half a minute on 2 cores (plus ~30 s once when no build of the action matches src/).
 *
 *   npm run demo
 *   node --import tsx demo/demo.ts [--action-dir DIR]   (or SHARED_CHECKOUT_ACTION_DIR=DIR)
 *
 * It never builds into or runs from the committed dist/ (bench/lib/action-build.ts).
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { resolveActionBuild, type ActionBuild } from '../bench/lib/action-build.js'
import { layoutOf, type RepoLayout } from '../src/repo/layout.js'
import { repoIdOf } from '../src/repo/identity.js'
import { runJob, type JobHandle, type JobResult } from '../testkit/emulator.js'
import { appendCommits, generateRepo } from '../testkit/generate-repo.js'
import { startGitServer, type GitServer } from '../testkit/git-server.js'
import { observeLocks, type JobLocks } from './lock-observer.js'
import {
  LEGEND,
  at,
  bytes,
  listing,
  renderTimeline,
  seconds,
  summaryRow,
  type JobTimeline
} from './timeline.js'

const OWNER = 'acme'
const NAME = 'demo'
const REPOSITORY = `${OWNER}/${NAME}`
const JOBS = 4
const BODY_SECONDS = 2
const ADVANCE = 20
const BODY = `sleep ${BODY_SECONDS} && git -C "$SHARED_CHECKOUT_PATH" log -1 --format="%h %s"`

interface Phase {
  title: string
  trees: number
  sha: string
  prefix: string
  /** Commits upstream gained since the previous phase. */
  newCommits?: number
}

interface JobOutcome {
  label: string
  runner: string
  result: JobResult
  locks: JobLocks
  timeline: JobTimeline
  /** The tree had been used by an earlier job of the demo. */
  reusedTree: boolean
  fetch: FetchStory
}

type FetchStory =
  | { kind: 'created'; bytes: number }
  | { kind: 'fetched'; bytes: number }
  | { kind: 'in-store' }
  | { kind: 'arrived'; waitedMs: number; bytes: number }
  | { kind: 'unknown'; bytes: number }

function explicitActionDir(): string | undefined {
  const flag = process.argv.indexOf('--action-dir')
  return flag >= 0 ? process.argv[flag + 1] : process.env.SHARED_CHECKOUT_ACTION_DIR
}

const say = (line = ''): void => console.log(line)

/** What a job's main says it did with the store, checked against the server's counter. */
function fetchStoryOf(result: JobResult, locks: JobLocks): FetchStory {
  const log = (result.main?.stdout ?? []).join('\n')
  if (result.outputs.cloned === 'true') return { kind: 'created', bytes: locks.storeBytes }
  if (/is already in the store: nothing to fetch/.test(log)) return { kind: 'in-store' }
  if (/arrived in the store while this job waited: nothing to fetch/.test(log))
    return {
      kind: 'arrived',
      waitedMs: (locks.storeAt ?? 0) - (locks.storeQueuedAt ?? locks.storeAt ?? 0),
      bytes: locks.storeBytes
    }
  if (/into the store/.test(log)) return { kind: 'fetched', bytes: locks.storeBytes }
  return { kind: 'unknown', bytes: locks.storeBytes }
}

function describeFetch(story: FetchStory, others: string): string {
  switch (story.kind) {
    case 'created':
      return `created the store: the server sent ${bytes(story.bytes)} (the whole history) while it held the store lock`
    case 'fetched':
      return `fetched the missing commits into the store: the server sent ${bytes(story.bytes)} while it held the store lock`
    case 'in-store':
      return 'fetched nothing: the commit was already in the store, so it did not even take the store lock'
    case 'arrived':
      return (
        `fetched nothing: it waited ${seconds(story.waitedMs)} for the store lock while ${others || 'another job'} ` +
        `fetched, then found the commit there (server sent ${bytes(story.bytes)} during its turn)`
      )
    case 'unknown':
      return `its log does not say what it fetched; the server sent ${bytes(story.bytes)} while it held the store lock`
  }
}

async function runPhase(
  phase: Phase,
  ctx: {
    actionDir: string
    server: GitServer
    token: string
    root: string
    home: string
    layout: RepoLayout
    treesSeen: Set<number>
  }
): Promise<{ outcomes: JobOutcome[]; start: number; unattributedBytes: number }> {
  const observer = observeLocks(ctx.layout, () => ctx.server.totalBytesSent())
  const start = Date.now()
  const labels = Array.from({ length: JOBS }, (_, i) => `${phase.prefix}${i + 1}`)
  const handles: JobHandle[] = labels.map(label =>
    runJob({
      actionDir: ctx.actionDir,
      label,
      runnerName: `runner-${label}`,
      with: {
        repository: REPOSITORY,
        'github-server-url': ctx.server.url,
        trees: String(phase.trees),
        // No Actions cache service in a local demo: skip the warm start (§4) explicitly.
        cache: 'false'
      },
      github: {
        repository: REPOSITORY,
        token: ctx.token,
        serverUrl: ctx.server.url,
        sha: phase.sha,
        ref: 'refs/heads/main',
        job: label
      },
      env: { SHARED_CHECKOUT_ROOT: ctx.root, HOME: ctx.home },
      steps: [{ id: 'body', run: BODY }]
    })
  )
  // Ctrl-C: the jobs run in their own process groups; stop them (and their keepers) too.
  const interrupt = (): void => {
    for (const handle of handles) {
      void handle.kill('job', 'SIGKILL')
      handle.killOrphans()
    }
  }
  process.once('SIGINT', interrupt)
  const results = await Promise.all(handles.map(h => h.result))
  process.off('SIGINT', interrupt)
  const { jobs, unattributedBytes } = observer.stop()

  const outcomes = labels.map((label, i): JobOutcome => {
    const runner = `runner-${label}`
    const result = results[i]
    const locks = jobs.get(runner) ?? { runner, storeTenures: 0, storeBytes: 0 }
    const body = result.step('body')
    const timeline: JobTimeline = {
      label,
      // A job that found a tree free passed through the queue faster than the observer looks:
      // it joined the queue when it took the tree.
      queuedAt: locks.treeQueuedAt ?? locks.treeAt,
      treeAt: locks.treeAt,
      storeQueuedAt: locks.storeQueuedAt,
      storeAt: locks.storeAt,
      storeReleasedAt: locks.storeReleasedAt,
      mainEnd: result.main?.endedAt,
      bodyStart: body?.startedAt,
      bodyEnd: body?.endedAt,
      postStart: result.post?.startedAt,
      releasedAt: locks.treeReleasedAt,
      postEnd: result.post?.endedAt
    }
    const fetch = fetchStoryOf(result, locks)
    return { label, runner, result, locks, timeline, reusedTree: false, fetch }
  })
  // A tree is new for the first job of the demo that took it, reused by every later one.
  for (const o of [...outcomes].sort(
    (a, b) => (a.timeline.treeAt ?? Infinity) - (b.timeline.treeAt ?? Infinity)
  )) {
    const tree = Number(o.result.outputs.tree) || o.locks.tree
    if (tree === undefined) continue
    o.reusedTree = ctx.treesSeen.has(tree)
    ctx.treesSeen.add(tree)
  }
  return { outcomes, start, unattributedBytes }
}

function printPhase(run: {
  outcomes: JobOutcome[]
  start: number
  unattributedBytes: number
}): number {
  const { outcomes, start } = run
  const order = [...outcomes].sort(
    (a, b) => (a.timeline.treeAt ?? Infinity) - (b.timeline.treeAt ?? Infinity)
  )
  say(`Timeline (one row per job, one clock from the moment the ${JOBS} jobs were started):`)
  say()
  for (const line of renderTimeline(
    outcomes.map(o => ({
      name: `${o.label} tree ${o.result.outputs.tree ?? '?'}`,
      job: o.timeline
    })),
    start
  ))
    say(line)
  for (const line of LEGEND) say(`  ${line}`)
  say()

  let failed = 0
  for (const o of outcomes) {
    const { result, timeline } = o
    if (result.conclusion !== 'success') failed++
    const fetchers = outcomes
      .filter(x => x !== o && (x.fetch.kind === 'created' || x.fetch.kind === 'fetched'))
      .map(x => x.label)
    const before = order
      .filter(x => (x.timeline.treeAt ?? Infinity) < (timeline.treeAt ?? -Infinity))
      .filter(x => x.result.outputs.tree === result.outputs.tree)
      .map(x => x.label)
    const waitedTree = summaryRow(result.summary, 'Waited for a tree')
    const queued = (timeline.treeAt ?? 0) - (timeline.queuedAt ?? timeline.treeAt ?? 0)
    say(
      `  ${o.label}  ${result.conclusion.toUpperCase()}  tree ${result.outputs.tree ?? '?'} ` +
        `(${o.reusedTree ? 'reused' : 'new'})  commit ${result.outputs.commit?.slice(0, 10) ?? '?'}` +
        `  lock-wait-seconds ${result.outputs['lock-wait-seconds'] ?? '?'}`
    )
    say(
      `      joined the queue ${at(timeline.queuedAt, start)}, held its tree ${at(timeline.treeAt, start)} ` +
        `(${seconds(queued)} later${before.length ? `, after ${listing(before)} gave it back` : ''}; ` +
        `its own count of waiting for a tree: ${waitedTree ?? 'n/a'}), ` +
        `ready ${at(timeline.mainEnd, start)}, released ${at(timeline.releasedAt, start)}`
    )
    say(`      ${describeFetch(o.fetch, listing(fetchers))}`)
    const reported = summaryRow(result.summary, 'Fetched')
    const storeWait = summaryRow(result.summary, 'Waited for the store')
    say(
      `      its own summary: fetched ${reported ?? 'n/a'}; waited for the store: ${storeWait ?? 'n/a'}`
    )
    const body = result.step('body')?.stdout.join(' ').trim()
    if (body) say(`      job body printed: ${body}`)
    if (result.conclusion !== 'success') {
      for (const line of [...(result.main?.stdout ?? []), ...(result.main?.stderr ?? [])])
        say(`      | ${line}`)
      for (const line of [...(result.post?.stdout ?? []), ...(result.post?.stderr ?? [])])
        say(`      | post: ${line}`)
    }
  }
  if (run.unattributedBytes > 0)
    say(`  The server also sent ${bytes(run.unattributedBytes)} while no job held the store lock.`)
  say()
  return failed
}

/** Closing lines of a phase, from what was observed (issue 16.4: say what happened). */
function phaseConclusion(phase: Phase, outcomes: JobOutcome[]): string {
  const byTree = new Map<string, string[]>()
  const order = [...outcomes].sort(
    (a, b) => (a.timeline.treeAt ?? Infinity) - (b.timeline.treeAt ?? Infinity)
  )
  for (const o of order) {
    const tree = o.result.outputs.tree ?? '?'
    byTree.set(tree, [...(byTree.get(tree) ?? []), o.label])
  }
  const bodies = outcomes
    .map(o => o.timeline)
    .filter(t => t.bodyStart !== undefined && t.bodyEnd !== undefined)
  const overlapping = bodies.filter(a =>
    bodies.some(b => b !== a && a.bodyStart! < b.bodyEnd! && b.bodyStart! < a.bodyEnd!)
  ).length
  const maxWait = Math.max(
    ...outcomes.map(o => (o.timeline.treeAt ?? 0) - (o.timeline.queuedAt ?? o.timeline.treeAt ?? 0))
  )
  const joined = [...outcomes].sort(
    (a, b) => (a.timeline.queuedAt ?? Infinity) - (b.timeline.queuedAt ?? Infinity)
  )
  const fifo = joined.every((o, i) => o === order[i])
  const lines: string[] = []
  if (phase.trees === 1) {
    lines.push(
      `${outcomes.length} jobs with trees: 1 took turns in ${byTree.size === 1 ? 'one tree' : `${byTree.size} trees`} ` +
        `${fifo ? 'in the order they joined the queue' : 'NOT in the order they joined the queue'} ` +
        `(${listing(order.map(o => o.label))}); ` +
        `${overlapping === 0 ? 'no two job bodies overlapped' : `${overlapping} job bodies OVERLAPPED`}; ` +
        `the longest wait for the tree was ${seconds(maxWait)}.`
    )
  } else {
    lines.push(
      `${outcomes.length} jobs with trees: ${phase.trees} got ${byTree.size} different trees ` +
        `(${[...byTree].map(([t, jobs]) => `${t}: ${listing(jobs)}`).join('; ')}); ` +
        `${overlapping} of ${bodies.length} job bodies ran at the same time as another; ` +
        `the longest wait for a tree was ${seconds(maxWait)}.`
    )
  }
  const created = outcomes.filter(o => o.fetch.kind === 'created')
  const fetched = outcomes.filter(o => o.fetch.kind === 'fetched')
  const inStore = outcomes.filter(o => o.fetch.kind === 'in-store')
  const arrived = outcomes.filter(o => o.fetch.kind === 'arrived')
  const parts: string[] = []
  for (const o of created)
    parts.push(
      `${o.label} created the store (${bytes(o.fetch.kind === 'created' ? o.fetch.bytes : 0)})`
    )
  for (const o of fetched)
    parts.push(
      `${o.label} fetched what the store lacked${phase.newCommits ? `, the ${phase.newCommits} new commits` : ''} ` +
        `(${bytes(o.fetch.kind === 'fetched' ? o.fetch.bytes : 0)})`
    )
  if (arrived.length)
    parts.push(
      `${listing(arrived.map(o => o.label))} waited for the store lock and then found the commit already fetched: 0 B more`
    )
  if (inStore.length)
    parts.push(
      `${listing(inStore.map(o => o.label))} found the commit in the store and fetched nothing`
    )
  lines.push(`${parts.join('; ')}.`)
  return lines.join('\n    ')
}

function leftovers(layout: RepoLayout): string[] {
  const problems: string[] = []
  for (const name of existsSync(layout.locksDir) ? readdirSync(layout.locksDir) : []) {
    if (name.endsWith('.lock')) problems.push(`lock ${name} still present`)
    if (name.endsWith('.queue')) {
      const left = readdirSync(path.join(layout.locksDir, name)).filter(t => /^\d+$/.test(t))
      if (left.length) problems.push(`queue ${name} still holds ${left.join(', ')}`)
    }
  }
  return problems
}

async function main(): Promise<number> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'shared-checkout-demo-'))
  let build: ActionBuild | undefined
  let server: GitServer | undefined
  try {
    build = resolveActionBuild({ explicit: explicitActionDir(), log: line => say(line) })
    const upstream = path.join(scratch, 'upstream')
    const root = path.join(scratch, 'machine', 'shared-checkout')
    const token = `ghs_${randomBytes(18).toString('base64url').slice(0, 36)}`
    const bare = path.join(upstream, OWNER, `${NAME}.git`)
    const repo = await generateRepo(bare, { commits: 300, files: 400 })
    server = await startGitServer({ root: upstream, token })
    const layout = layoutOf(path.join(root, ...repoIdOf(server.url, REPOSITORY).segments))

    say('Shared Checkout demo: one self-hosted machine, one repository, one object store.')
    say()
    say(
      `upstream   ${REPOSITORY}: ${repo.commits} commits, ${repo.files} files, served at ${server.repoUrl(OWNER, NAME)}`
    )
    say('           (smart HTTP on loopback, token required; every byte it sends is counted)')
    say(`machine    SHARED_CHECKOUT_ROOT=${root}`)
    say(`           this repository's directory: ${layout.dir}`)
    say(`action     ${build.origin}`)
    say(`each job   Shared Checkout (a push of the commit) → \`${BODY}\` → post`)
    say()

    const ctx = {
      actionDir: build.dir,
      server,
      token,
      root,
      home: scratch,
      layout,
      treesSeen: new Set<number>()
    }
    let failed = 0

    const one: Phase = { title: 'trees: 1', trees: 1, sha: repo.head, prefix: 'one-' }
    say(
      `Phase 1 — ${JOBS} jobs of a push of ${repo.head.slice(0, 10)}, trees: 1, started at the same moment`
    )
    say()
    const first = await runPhase(one, ctx)
    failed += printPhase(first)

    const advanced = await appendCommits(bare, ADVANCE)
    const four: Phase = {
      title: 'trees: 4',
      trees: 4,
      sha: advanced,
      prefix: 'four-',
      newCommits: ADVANCE
    }
    say(
      `Phase 2 — upstream moved on by ${ADVANCE} commits; ${JOBS} jobs of a push of ${advanced.slice(0, 10)}, ` +
        'trees: 4, started at the same moment'
    )
    say()
    const second = await runPhase(four, ctx)
    failed += printPhase(second)

    const problems = leftovers(layout)
    const trees = existsSync(layout.treesDir) ? readdirSync(layout.treesDir).sort() : []
    say('What happened')
    say(`  Phase 1, trees: 1 — ${phaseConclusion(one, first.outcomes)}`)
    say(`  Phase 2, trees: 4 — ${phaseConclusion(four, second.outcomes)}`)
    say(
      `  The machine now keeps one store and ${trees.length} working tree${trees.length === 1 ? '' : 's'} (${trees.join(', ')}) for ${REPOSITORY}; ` +
        `the server sent ${bytes(server.totalBytesSent())} in all for ${2 * JOBS} jobs.`
    )
    say(
      problems.length === 0
        ? '  Every post step gave its tree back: no lock file and no queue entry is left.'
        : `  LEFT BEHIND: ${problems.join('; ')}`
    )
    failed += problems.length
    say(
      failed === 0
        ? `  Removing the demo's machine, upstream and action copy (${scratch}).`
        : `\nThe demo FAILED: ${failed} problem(s) above.`
    )
    return failed === 0 ? 0 : 1
  } finally {
    await server?.stop()
    rmSync(scratch, { recursive: true, force: true })
    build?.remove()
  }
}

process.exitCode = await main().catch(error => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  return 1
})
