/**
 * `npm run demo`: four matrix jobs on one emulated self-hosted machine share one clone.
 *
 * A generated repository is served over loopback smart HTTP (token required); four jobs with
 * different refs run the built action (dist/) through the runner emulator at the same moment,
 * each followed by a short job body. The lock serializes them; the timeline shows who waited
 * for whom, what each fetched, and that the lock file is gone at the end. Offline, ~20 s.
 *
 *   npm run demo                                  (builds dist/ first)
 *   node --import tsx demo/demo.ts [--action-dir DIR]   (or SHARED_CHECKOUT_ACTION_DIR=DIR)
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { repositoryIdentity } from '../src/paths.js'
import { lockPathFor } from '../src/lock/index.js'
import { REPO_ROOT, runJob, type JobResult } from '../testkit/emulator.js'
import { generateRepo } from '../testkit/generate-repo.js'
import { startGitServer } from '../testkit/git-server.js'
import { observeLock, type Tenure } from './lock-observer.js'
import { offset, renderTimeline, runnerOf, summaryRow, type JobTimeline } from './timeline.js'

const REPOSITORY = 'acme/demo'
const JOBS = [
  { label: 'job-1', ref: 'main' },
  { label: 'job-2', ref: 'branch-1' },
  { label: 'job-3', ref: 'branch-2' },
  { label: 'job-4', ref: 'branch-3' }
]
const BODY = 'sleep 1 && git -C "$SHARED_CHECKOUT_PATH" log -1 --format="%h %s"'

function actionDirFromArgs(): string {
  const flag = process.argv.indexOf('--action-dir')
  const dir = flag >= 0 ? process.argv[flag + 1] : process.env.SHARED_CHECKOUT_ACTION_DIR
  return dir ? path.resolve(dir) : REPO_ROOT
}

const kib = (bytes: number): string =>
  bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`

async function main(): Promise<number> {
  const actionDir = actionDirFromArgs()
  if (!existsSync(path.join(actionDir, 'dist', 'main', 'index.js'))) {
    console.error(`No built action in ${actionDir}/dist: run \`npm run build\` first.`)
    return 2
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'shared-checkout-demo-'))
  const upstream = path.join(scratch, 'upstream')
  const root = path.join(scratch, 'machine', 'shared-checkout')
  const token = `ghs_${randomBytes(18).toString('base64url').slice(0, 36)}`
  let stopServer: (() => Promise<void>) | undefined
  try {
    console.log(
      'Shared Checkout demo: 4 matrix jobs on one self-hosted machine, one shared clone.\n'
    )
    const repo = await generateRepo(path.join(upstream, 'acme', 'demo.git'), {
      commits: 200,
      files: 300,
      branches: 3
    })
    const server = await startGitServer({ root: upstream, token })
    stopServer = server.stop
    console.log(
      `upstream   ${REPOSITORY}: ${repo.commits} commits, ${repo.files} files, branches main + branch-1..3 ` +
        `(generated in ${(repo.elapsedMs / 1000).toFixed(1)} s)`
    )
    console.log(
      `served at  ${server.repoUrl('acme', 'demo')} (smart HTTP on loopback, token required)`
    )
    console.log(`root       SHARED_CHECKOUT_ROOT=${root}`)
    console.log(
      `action     ${path.relative(process.cwd(), actionDir) || '.'}/dist (the real bundles)`
    )
    console.log(`each job   Shared Checkout (ref per job) → \`${BODY}\` → post\n`)

    const clonePath = path.join(root, ...repositoryIdentity(server.url, REPOSITORY).segments)
    const lockFile = lockPathFor(clonePath)
    const observer = observeLock(lockFile, () => server.totalBytesSent())

    console.log('Starting the 4 jobs at once ...')
    const handles = JOBS.map(job =>
      runJob({
        actionDir,
        label: job.label,
        runnerName: `runner-${job.label.slice(-1)}`,
        with: {
          repository: REPOSITORY,
          ref: job.ref,
          'github-server-url': server.url,
          // No Actions cache service in a local demo: skip the warm start (§4) explicitly.
          cache: 'false'
        },
        github: { repository: REPOSITORY, token, serverUrl: server.url, job: job.label },
        env: { SHARED_CHECKOUT_ROOT: root, HOME: scratch },
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
    const tenures = observer.stop()

    const timelines = JOBS.map((job, i) => timelineOf(job, results[i], tenures))
    const start = Math.min(...timelines.map(t => t.mainStart))
    console.log('\nTimeline (one row per job, same clock):\n')
    for (const line of renderTimeline(timelines)) console.log(line)

    console.log('\nPer job:')
    let failed = 0
    JOBS.forEach((job, i) => {
      const result = results[i]
      const timeline = timelines[i]
      const tenure = tenureOf(result, tenures)
      if (result.conclusion !== 'success') failed++
      const holder = summaryRow(result.summary, 'Holder seen on arrival')
      const holderRunner = runnerOf(holder)
      const heldBy = holderRunner ? labelOfRunner(holderRunner) : 'nobody (the lock was free)'
      const body = result.step('body')
      console.log(
        `  ${job.label}  ${result.conclusion.toUpperCase()}  ref ${job.ref} → ${result.outputs.commit?.slice(0, 12) ?? '?'}` +
          `${result.outputs.cloned === 'true' ? '  (cloned the shared clone)' : ''}`
      )
      console.log(
        `      waiting ${offset(timeline.mainStart, start)}  acquired ${offset(timeline.acquired, start)}` +
          `  ready ${offset(timeline.mainEnd, start)}  released ${offset(timeline.released, start)}` +
          `  → waited ${result.outputs['lock-wait-seconds'] ?? '?'} s`
      )
      const behind = tenures
        .filter(t => t.token !== tenure?.token && t.acquiredAt < (timeline.acquired ?? Infinity))
        .filter(t => (t.goneAt ?? Infinity) > timeline.mainStart)
        .map(t => labelOfRunner(t.runnerName))
      console.log(
        `      holder when it arrived (its log): ${heldBy}; waited behind (lock file): ${behind.join(' → ') || 'nobody'}`
      )
      console.log(
        `      fetched (action's report): ${summaryRow(result.summary, 'Fetched') ?? 'n/a'};` +
          ` server sent during its lock: ${tenure ? kib(tenure.bytesServed) : 'n/a'}`
      )
      if (body?.stdout.length) console.log(`      job body: ${body.stdout.join(' ').trim()}`)
      if (result.conclusion !== 'success') {
        for (const line of [...(result.main?.stdout ?? []), ...(result.main?.stderr ?? [])])
          console.log(`      | ${line}`)
      }
    })

    const lockGone = !existsSync(lockFile)
    // The FIFO queue directory (§2.7) stays beside the clone; it must be empty.
    const queueDir = `${lockFile}.queue`
    const queueLeft = existsSync(queueDir) ? readdirSync(queueDir) : []
    console.log(`\nShared clone: ${clonePath} (in the demo's temp dir, removed on exit)`)
    console.log(
      `Lock file:    ${lockFile} — ${lockGone ? 'gone (every post step released it)' : 'STILL PRESENT'}`
    )
    console.log(
      `Lock queue:   ${queueDir} — ${queueLeft.length === 0 ? 'empty' : `NOT EMPTY: ${queueLeft.join(', ')}`}`
    )
    console.log(`Git server:   ${kib(server.totalBytesSent())} sent in total for 4 jobs`)
    if (!lockGone) failed++
    if (queueLeft.length > 0) failed++

    const cloners = results.filter(r => r.outputs.cloned === 'true').length
    console.log(
      failed === 0
        ? `\nWhat you saw: 4 jobs started together and took turns on one shared clone: the lock let ` +
            `one job at a time in, ${cloners} job cloned, the others fetched only what they lacked and ` +
            `checked out their own ref, each held the lock until its post step, and nothing was left behind.`
        : `\nThe demo FAILED: ${failed} problem(s) above.`
    )
    return failed === 0 ? 0 : 1
  } finally {
    await stopServer?.()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** runner-N → "job-N (runner-N)". */
function labelOfRunner(runner: string): string {
  const job = JOBS.find(j => `runner-${j.label.slice(-1)}` === runner)
  return job ? `${job.label} (${runner})` : runner
}

function tenureOf(result: JobResult, tenures: Tenure[]): Tenure | undefined {
  const token = result.state.lockToken
  return tenures.find(t => t.token === token)
}

function timelineOf(
  job: { label: string; ref: string },
  result: JobResult,
  tenures: Tenure[]
): JobTimeline {
  const tenure = tenureOf(result, tenures)
  return {
    label: job.label,
    ref: job.ref,
    mainStart: result.main?.startedAt ?? Date.now(),
    acquired: tenure?.acquiredAt,
    mainEnd: result.main?.endedAt,
    released: tenure?.goneAt,
    postEnd: result.post?.endedAt
  }
}

process.exitCode = await main().catch(error => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  return 1
})
