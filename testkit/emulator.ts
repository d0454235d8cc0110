/**
 * A GitHub runner emulator for end-to-end tests, the demo and benchmarks (SPEC §2 runner facts).
 *
 * `runJob(spec)` starts one long-lived job process (testkit/emulator-job.ts, the stand-in for
 * Runner.Worker) with its own RUNNER_TRACKING_ID, RUNNER_TEMP and GITHUB_* context. That process
 * runs the action's main as its direct child with INPUT_* from `with` and action.yml's defaults,
 * then the job's steps (bash scripts or JS callbacks run here, in the test process), then the
 * posts with STATE_* from main (post-if: always()), then kills every process carrying the
 * tracking id. `kill('job', 'SIGKILL')` is a crashed worker: no post, no orphan cleanup.
 *
 * Linux: orphan cleanup and process-tree kills read /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleForAnyUser, type LockBundle } from './lock-bundle.js'
import {
  killTrackedProcesses,
  type Annotation,
  type ConfigStep,
  type FnContext,
  type FromJob,
  type JobConfig,
  type StepCondition,
  type StepKind,
  type StepRecord,
  type ToJob,
  type TrackedProcess
} from './emulator-core.js'

export {
  descendantsOf,
  findTrackedProcesses,
  inputEnvName,
  isProcessAlive,
  killTrackedProcesses,
  parseKeyValueFile,
  parseSimpleYaml,
  parseWorkflowCommand,
  readActionInputs,
  readActionRuns
} from './emulator-core.js'
export type { Annotation, FnContext, StepRecord, TrackedProcess } from './emulator-core.js'

/** The repository root: the default action directory (action.yml + dist/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
let jobScript: LockBundle | undefined
/**
 * The job worker (emulator-job.ts), bundled once per test process: a job's worker then starts
 * as plain node, not through tsx, which saved about 0.4 s of CPU per emulated job.
 */
function jobScriptFile(): string {
  if (!jobScript) {
    const bundle = bundleForAnyUser('testkit/emulator-job.ts', 'emulator-job')
    process.once('exit', () => bundle.remove())
    jobScript = bundle
  }
  return jobScript.file
}

export interface FnStepResult {
  outputs?: Record<string, string>
  /** Exported to later steps, like GITHUB_ENV. */
  env?: Record<string, string>
}

export type StepSpec =
  | {
      run: string
      id?: string
      name?: string
      cwd?: string
      env?: Record<string, string>
      if?: StepCondition
    }
  | {
      fn: (context: FnContext & { signal: AbortSignal }) => Promise<FnStepResult | void>
      id?: string
      name?: string
      if?: StepCondition
    }
  | {
      uses: string
      with?: Record<string, string>
      id?: string
      name?: string
      env?: Record<string, string>
      if?: StepCondition
    }

export interface GithubContextSpec {
  repository?: string
  sha?: string
  ref?: string
  serverUrl?: string
  token?: string
  runId?: string
  runAttempt?: string
  runNumber?: string
  job?: string
  actor?: string
  eventName?: string
  workflow?: string
}

export interface JobSpec {
  /** Directory holding action.yml (its runs.main / runs.post are run). Default: the repository. */
  actionDir?: string
  /** `with:` of the action step. Values may use ${{ github.* }}, ${{ env.* }}, ${{ steps.* }}. */
  with?: Record<string, string>
  /** Step id of the action (for ${{ steps.<id>.outputs.* }}). Default 'checkout'. */
  id?: string
  /** Steps after the action's main (default: none). */
  steps?: StepSpec[]
  /** Set false to run only `steps` (which may contain `uses:` steps). */
  action?: boolean
  /** Environment of the job (HOME, SHARED_CHECKOUT_ROOT, cache env ...), over the inherited one. */
  env?: Record<string, string>
  /**
   * Inherit this process's environment (minus GITHUB_*, RUNNER_*, INPUT_*, STATE_*, ACTIONS_*,
   * NODE_OPTIONS and JEST_*). Default true: git needs PATH and friends.
   */
  inheritEnv?: boolean
  github?: GithubContextSpec
  runnerName?: string
  trackingId?: string
  /** Parent of RUNNER_TEMP and the default workspace; default a fresh temp dir, removed after. */
  tempDir?: string
  workspace?: string
  /** Keep the temp dir after the job (debugging). */
  keepTemp?: boolean
  /** Node binary for main/post (e.g. a Node 24 binary). Default: this process's. */
  nodePath?: string
  /** Extra values masked in recorded output (the token is always masked). */
  secrets?: string[]
  /** Runner's cancellation timings (SIGINT → SIGTERM → SIGKILL). Default 7500 / 2500 ms. */
  cancel?: { sigtermAfterMs?: number; sigkillAfterMs?: number }
  orphanCleanup?: boolean
  outputDrainMs?: number
  /** Label for messages. */
  label?: string
}

export interface JobResult {
  conclusion: 'success' | 'failure' | 'cancelled' | 'crashed'
  steps: StepRecord[]
  /** The (first) action step's main, and its post. */
  main?: StepRecord
  post?: StepRecord
  /** Outputs and state of the (first) action's main. */
  outputs: Record<string, string>
  state: Record<string, string>
  /** The job summary: every step's GITHUB_STEP_SUMMARY, in order, masked. */
  summary: string
  /** Everything exported through GITHUB_ENV. */
  env: Record<string, string>
  annotations: Annotation[]
  orphansKilled: TrackedProcess[]
  trackingId: string
  jobPid: number
  runnerTemp: string
  workspace: string
  /** The job process's own stdout/stderr (emulator diagnostics). */
  jobLog: string[]
  jobExit: { code: number | null; signal: string | null }
  step(id: string, kind?: StepKind): StepRecord | undefined
}

export type Phase = 'main' | 'steps' | 'post' | 'done'

export interface JobHandle {
  readonly pid: number
  readonly trackingId: string
  readonly runnerTemp: string
  readonly workspace: string
  readonly result: Promise<JobResult>
  /** Signal the running step ('main'/'post'/'step': only if that kind runs) or the whole job. */
  kill(target: 'main' | 'post' | 'step' | 'job', signal: NodeJS.Signals): Promise<boolean>
  /** Cancel like the runner: SIGINT, SIGTERM, then SIGKILL to the running step; posts still run. */
  cancel(): void
  /** Resolves when a step of that phase starts ('steps': a run/fn step); rejects if it never does. */
  waitForPhase(phase: Phase): Promise<StepRecord | undefined>
  /** Resolves with the first recorded (masked) output line matching, from now or earlier. */
  waitForLine(
    pattern: RegExp,
    options?: { kind?: StepKind; stream?: 'stdout' | 'stderr' }
  ): Promise<string>
  /** The processes still carrying this job's tracking id, killed (cleanup after a crashed job). */
  killOrphans(): TrackedProcess[]
}

const INHERIT_BLOCK =
  /^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_|JEST_|NODE_OPTIONS$|NODE_V8_COVERAGE$)/

function jobEnvironment(
  spec: JobSpec,
  context: Record<string, string>,
  ids: {
    trackingId: string
    runnerTemp: string
    workspace: string
    runnerName: string
    eventPath: string
  }
): Record<string, string> {
  const inherited: Record<string, string> = {}
  if (spec.inheritEnv !== false) {
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && !INHERIT_BLOCK.test(key)) inherited[key] = value
  } else {
    inherited.PATH = process.env.PATH ?? '/usr/bin:/bin'
  }
  return {
    ...inherited,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: context.repository,
    GITHUB_REPOSITORY_OWNER: context.repository_owner,
    GITHUB_SHA: context.sha,
    GITHUB_REF: context.ref,
    GITHUB_REF_NAME: context.ref_name,
    GITHUB_REF_TYPE: context.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_RUN_ID: context.run_id,
    GITHUB_RUN_NUMBER: context.run_number,
    GITHUB_RUN_ATTEMPT: context.run_attempt,
    GITHUB_JOB: context.job,
    GITHUB_ACTOR: context.actor,
    GITHUB_EVENT_NAME: context.event_name,
    GITHUB_EVENT_PATH: ids.eventPath,
    GITHUB_WORKFLOW: context.workflow,
    GITHUB_WORKFLOW_REF: `${context.repository}/.github/workflows/emulated.yml@${context.ref}`,
    GITHUB_SERVER_URL: context.server_url,
    GITHUB_API_URL: context.api_url,
    GITHUB_GRAPHQL_URL: context.graphql_url,
    GITHUB_WORKSPACE: ids.workspace,
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_NAME: ids.runnerName,
    RUNNER_OS:
      os.platform() === 'win32' ? 'Windows' : os.platform() === 'darwin' ? 'macOS' : 'Linux',
    RUNNER_ARCH: os.arch() === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_TEMP: ids.runnerTemp,
    RUNNER_TOOL_CACHE: path.join(path.dirname(ids.runnerTemp), 'tool-cache'),
    RUNNER_WORKSPACE: path.dirname(ids.workspace),
    RUNNER_ENVIRONMENT: 'self-hosted',
    RUNNER_TRACKING_ID: ids.trackingId,
    ...(spec.env ?? {})
  }
}

function githubContext(spec: JobSpec, workspace: string): Record<string, string> {
  const g = spec.github ?? {}
  const repository = g.repository ?? 'acme/widgets'
  const serverUrl = g.serverUrl ?? 'https://github.com'
  const ref = g.ref ?? 'refs/heads/main'
  const api = serverUrl === 'https://github.com' ? 'https://api.github.com' : `${serverUrl}/api/v3`
  return {
    repository,
    repository_owner: repository.split('/')[0],
    sha: g.sha ?? '0'.repeat(40),
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    server_url: serverUrl,
    api_url: api,
    graphql_url:
      serverUrl === 'https://github.com'
        ? 'https://api.github.com/graphql'
        : `${serverUrl}/api/graphql`,
    // A fake installation token unless the test gives one; always masked like a secret.
    token: g.token ?? `ghs_emulated${randomBytes(12).toString('hex')}`,
    run_id: g.runId ?? String(1_000_000 + Math.floor(Math.random() * 1_000_000)),
    run_number: g.runNumber ?? '1',
    run_attempt: g.runAttempt ?? '1',
    job: g.job ?? 'build',
    actor: g.actor ?? 'octocat',
    event_name: g.eventName ?? 'push',
    workflow: g.workflow ?? 'CI',
    workspace
  }
}

function normaliseSteps(
  spec: JobSpec,
  actionDir: string
): { steps: ConfigStep[]; fns: Map<number, Extract<StepSpec, { fn: unknown }>['fn']> } {
  const steps: ConfigStep[] = []
  const fns = new Map<number, Extract<StepSpec, { fn: unknown }>['fn']>()
  if (spec.action !== false) {
    steps.push({
      kind: 'action',
      id: spec.id ?? 'checkout',
      name: 'Shared Checkout',
      actionDir,
      with: spec.with ?? {},
      env: {},
      if: 'success'
    })
  }
  for (const [i, step] of (spec.steps ?? []).entries()) {
    const id = step.id ?? `step${i + 1}`
    const condition = step.if ?? 'success'
    if ('run' in step)
      steps.push({
        kind: 'run',
        id,
        name: step.name ?? step.run.split('\n')[0].slice(0, 60),
        run: step.run,
        cwd: step.cwd,
        env: step.env ?? {},
        if: condition
      })
    else if ('uses' in step)
      steps.push({
        kind: 'action',
        id,
        name: step.name ?? path.basename(step.uses),
        actionDir: path.resolve(step.uses),
        with: step.with ?? {},
        env: step.env ?? {},
        if: condition
      })
    else {
      steps.push({ kind: 'fn', id, name: step.name ?? id, if: condition })
      fns.set(steps.length - 1, step.fn)
    }
  }
  return { steps, fns }
}

/** Starts one emulated job. */
export function runJob(spec: JobSpec = {}): JobHandle {
  const actionDir = path.resolve(spec.actionDir ?? REPO_ROOT)
  const ownTemp = spec.tempDir === undefined
  const tempDir = spec.tempDir ?? mkdtempSync(path.join(os.tmpdir(), 'emulated-job-'))
  const runnerTemp = path.join(tempDir, 'runner-temp')
  const workspace = path.resolve(spec.workspace ?? path.join(tempDir, 'work', 'workspace'))
  const trackingId = spec.trackingId ?? `github_${randomUUID()}`
  const runnerName = spec.runnerName ?? `emulated-runner-${randomBytes(3).toString('hex')}`
  mkdirSync(runnerTemp, { recursive: true })
  mkdirSync(workspace, { recursive: true })
  const eventPath = path.join(runnerTemp, '_github_workflow', 'event.json')
  mkdirSync(path.dirname(eventPath), { recursive: true })
  writeFileSync(eventPath, '{}\n')

  const github = githubContext(spec, workspace)
  const env = jobEnvironment(spec, github, {
    trackingId,
    runnerTemp,
    workspace,
    runnerName,
    eventPath
  })
  const { steps, fns } = normaliseSteps(spec, actionDir)
  const config: JobConfig = {
    trackingId,
    runnerTemp,
    workspace,
    env,
    github,
    runner: {
      temp: runnerTemp,
      name: runnerName,
      os: env.RUNNER_OS,
      arch: env.RUNNER_ARCH,
      tracking_id: trackingId
    },
    secrets: [github.token, ...(spec.secrets ?? [])],
    nodePath: spec.nodePath ?? process.execPath,
    steps,
    cancel: {
      sigtermAfterMs: spec.cancel?.sigtermAfterMs ?? 7500,
      sigkillAfterMs: spec.cancel?.sigkillAfterMs ?? 2500
    },
    orphanCleanup: spec.orphanCleanup ?? true,
    outputDrainMs: spec.outputDrainMs ?? 1000
  }

  // The worker's own environment has no tracking id: only what it starts carries one.
  const workerEnv = { ...env }
  delete workerEnv.RUNNER_TRACKING_ID
  const child: ChildProcess = spawn(process.execPath, [jobScriptFile()], {
    cwd: REPO_ROOT,
    env: workerEnv,
    // Own process group: kill('job') reaches the worker and every non-detached descendant.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  const jobPid = child.pid as number

  const records: StepRecord[] = []
  const jobLog: string[] = []
  const lineWaiters: {
    pattern: RegExp
    kind?: StepKind
    stream?: string
    resolve: (line: string) => void
    reject: (e: Error) => void
  }[] = []
  const phaseWaiters: {
    phase: Phase
    resolve: (s: StepRecord | undefined) => void
    reject: (e: Error) => void
  }[] = []
  const signalReplies = new Map<number, (delivered: boolean) => void>()
  const fnAborts = new Set<AbortController>()
  let requestSeq = 0
  let done: Extract<FromJob, { type: 'done' }> | undefined
  let orphansKilled: TrackedProcess[] = []
  let finished = false

  const phaseOf = (kind: StepKind): Phase =>
    kind === 'main' ? 'main' : kind === 'post' ? 'post' : 'steps'
  const toJob = (message: ToJob): void => {
    if (child.connected) child.send(message)
  }
  const checkLine = (record: StepRecord, stream: 'stdout' | 'stderr', line: string) => {
    for (const waiter of [...lineWaiters]) {
      if (
        (waiter.kind && waiter.kind !== record.kind) ||
        (waiter.stream && waiter.stream !== stream)
      )
        continue
      if (waiter.pattern.test(line)) {
        lineWaiters.splice(lineWaiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  }

  for (const stream of [child.stdout, child.stderr])
    stream
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => jobLog.push(...chunk.split('\n').filter(Boolean)))

  child.on('message', (message: FromJob) => {
    switch (message.type) {
      case 'step-start':
        records[message.step.index] = message.step
        for (const waiter of [...phaseWaiters]) {
          if (waiter.phase === phaseOf(message.step.kind) && message.step.status !== 'skipped') {
            phaseWaiters.splice(phaseWaiters.indexOf(waiter), 1)
            waiter.resolve(message.step)
          }
        }
        break
      case 'line': {
        const record = records[message.index]
        if (!record) break
        record[message.stream].push(message.line)
        checkLine(record, message.stream, message.line)
        break
      }
      case 'step-end':
        records[message.step.index] = message.step
        break
      case 'fn-call':
        void runFn(message.index, message.context)
        break
      case 'signal-result':
        signalReplies.get(message.requestId)?.(message.delivered)
        signalReplies.delete(message.requestId)
        break
      case 'cancelled':
        for (const controller of fnAborts) controller.abort()
        break
      case 'orphans':
        orphansKilled = message.killed
        break
      case 'done':
        done = message
        break
    }
  })

  async function runFn(index: number, context: FnContext): Promise<void> {
    const fn = fns.get(index)
    const controller = new AbortController()
    fnAborts.add(controller)
    try {
      if (!fn) throw new Error(`emulator: no callback for step ${index}`)
      const result = (await fn({ ...context, signal: controller.signal })) ?? {}
      toJob({ type: 'fn-done', index, outputs: result.outputs, env: result.env })
    } catch (error) {
      toJob({
        type: 'fn-done',
        index,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error)
      })
    } finally {
      fnAborts.delete(controller)
    }
  }

  const result = new Promise<JobResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      finished = true
      for (const controller of fnAborts) controller.abort()
      const steps = records
        .filter(Boolean)
        .map(step =>
          step.endedAt === undefined ? { ...step, status: 'interrupted' as const } : step
        )
      const main = steps.find(s => s.kind === 'main')
      const post = steps.find(s => s.kind === 'post' && s.id === main?.id)
      const jobResult: JobResult = {
        conclusion: done ? done.conclusion : 'crashed',
        steps,
        main,
        post,
        outputs: main?.outputs ?? {},
        state: main?.state ?? {},
        summary: done?.summary ?? steps.map(s => s.summary).join(''),
        env: done?.env ?? Object.assign({}, ...steps.map(s => s.env)),
        annotations: steps.flatMap(s => s.annotations),
        orphansKilled,
        trackingId,
        jobPid,
        runnerTemp,
        workspace,
        jobLog,
        jobExit: { code, signal },
        step: (id, kind) => steps.find(s => s.id === id && (kind === undefined || s.kind === kind))
      }
      for (const waiter of phaseWaiters.splice(0)) {
        if (waiter.phase === 'done') waiter.resolve(undefined)
        else
          waiter.reject(
            new Error(
              `job ${spec.label ?? trackingId} ended (${jobResult.conclusion}) without a '${waiter.phase}' step`
            )
          )
      }
      for (const waiter of lineWaiters.splice(0))
        waiter.reject(new Error(`job ended without a line matching ${waiter.pattern}`))
      for (const reply of signalReplies.values()) reply(false)
      if (ownTemp && !spec.keepTemp) rmSync(tempDir, { recursive: true, force: true })
      resolve(jobResult)
    })
  })
  // Unhandled rejection guard: callers may never await waitForPhase promises they created.
  result.catch(() => undefined)

  child.send({ type: 'config', config } satisfies ToJob)

  return {
    pid: jobPid,
    trackingId,
    runnerTemp,
    workspace,
    result,
    kill(target, signal) {
      if (target === 'job') {
        try {
          process.kill(-jobPid, signal)
          return Promise.resolve(true)
        } catch {
          return Promise.resolve(false)
        }
      }
      if (finished || !child.connected) return Promise.resolve(false)
      const requestId = ++requestSeq
      return new Promise<boolean>(resolve => {
        signalReplies.set(requestId, resolve)
        toJob({ type: 'signal', requestId, target, signal })
      })
    },
    cancel() {
      toJob({ type: 'cancel' })
    },
    waitForPhase(phase) {
      const started = records.find(r => r && phaseOf(r.kind) === phase && r.status !== 'skipped')
      if (started) return Promise.resolve(started)
      if (finished)
        return phase === 'done'
          ? Promise.resolve(undefined)
          : Promise.reject(new Error(`job ended without a '${phase}' step`))
      return new Promise((resolve, reject) => phaseWaiters.push({ phase, resolve, reject }))
    },
    waitForLine(pattern, options = {}) {
      for (const record of records) {
        if (!record || (options.kind && options.kind !== record.kind)) continue
        for (const stream of ['stdout', 'stderr'] as const) {
          if (options.stream && options.stream !== stream) continue
          const line = record[stream].find(l => pattern.test(l))
          if (line !== undefined) return Promise.resolve(line)
        }
      }
      if (finished) return Promise.reject(new Error(`job ended without a line matching ${pattern}`))
      return new Promise((resolve, reject) =>
        lineWaiters.push({ pattern, ...options, resolve, reject })
      )
    },
    killOrphans() {
      return killTrackedProcesses(trackingId)
    }
  }
}

/** Starts every job at once (a matrix); `results` settles when all have finished. */
export function runMatrix(specs: JobSpec[]): {
  handles: JobHandle[]
  results: Promise<JobResult[]>
} {
  const handles = specs.map(spec => runJob(spec))
  return { handles, results: Promise.all(handles.map(h => h.result)) }
}

/** Do two steps' [startedAt, endedAt] intervals overlap? (matrix concurrency checks) */
export function overlaps(a: StepRecord, b: StepRecord): boolean {
  return a.startedAt < (b.endedAt ?? Infinity) && b.startedAt < (a.endedAt ?? Infinity)
}
