/**
 * Runs the built action's main and post bundles as plain `node dist/.../index.js` processes with
 * the INPUT_* / GITHUB_* / RUNNER_* environment the runner would give them — without the runner
 * emulator, whose tsx job process would add ~1 s of start-up to every figure. The bench process
 * itself is the job anchor (the main step's parent), as Runner.Worker is on a real runner.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseKeyValueFile } from '../../testkit/emulator-core.js'

export interface ActionContext {
  /** Directory holding action.yml and dist/. */
  actionDir: string
  repository: string
  serverUrl: string
  token: string
  /** SHARED_CHECKOUT_ROOT of the emulated machine. */
  root: string
  /** HOME of the action's processes (keeps the user's git config out of the figures). */
  home: string
  /** Where per-run GITHUB_OUTPUT/STATE/ENV files go. */
  scratch: string
}

export interface ActionRun {
  exitCode: number | null
  /** Wall time from spawn to exit. */
  ms: number
  outputs: Record<string, string>
  state: Record<string, string>
  /** The job summary main wrote (its phase table). */
  summary: string
  log: string
}

/** How the main and post processes are started (the warm-path breakdown traces them). */
export interface ProcessOptions {
  execArgv?: string[]
  env?: Record<string, string>
}

/** The GITHUB_SHA/GITHUB_REF of a push, so the action's default ref is that exact commit. */
export interface PushEvent {
  sha: string
  ref: string
}

/** Action inputs → INPUT_* names as @actions/core reads them. */
function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return env
}

function baseEnv(context: ActionContext, push: PushEvent, files: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!/^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_|NODE_OPTIONS$)/.test(key)) env[key] = value
  return {
    ...env,
    HOME: context.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: context.repository,
    GITHUB_SHA: push.sha,
    GITHUB_REF: push.ref,
    GITHUB_SERVER_URL: context.serverUrl,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'bench',
    GITHUB_WORKSPACE: path.join(files, 'workspace'),
    GITHUB_OUTPUT: path.join(files, 'output'),
    GITHUB_STATE: path.join(files, 'state'),
    GITHUB_ENV: path.join(files, 'env'),
    GITHUB_STEP_SUMMARY: path.join(files, 'summary'),
    RUNNER_NAME: `bench-${path.basename(files)}`,
    RUNNER_TEMP: files,
    RUNNER_TRACKING_ID: `github_${randomUUID()}`,
    SHARED_CHECKOUT_ROOT: context.root
  }
}

function runNode(
  script: string,
  env: NodeJS.ProcessEnv,
  options: ProcessOptions = {}
): Promise<{ code: number | null; ms: number; log: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [...(options.execArgv ?? []), script], {
      env: { ...env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (log += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (log += s))
    child.on('error', reject)
    child.on('close', code => resolve({ code, ms: performance.now() - started, log }))
  })
}

export function readFileCommand(file: string): Record<string, string> {
  try {
    return parseKeyValueFile(readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
}

/** One job's use of the action: main now, post later (with main's state), then cleanup. */
export interface ActionJob {
  main: ActionRun
  post(options?: ProcessOptions): Promise<ActionRun>
}

/** A job's environment and workflow-command files, as the runner prepares them for a step. */
export interface JobFiles {
  dir: string
  env: NodeJS.ProcessEnv
  output: string
  state: string
  summary: string
  remove(): void
}

export function prepareJobFiles(
  context: ActionContext,
  push: PushEvent,
  inputs: Record<string, string> = {},
  job = 'bench'
): JobFiles {
  mkdirSync(context.scratch, { recursive: true })
  const dir = mkdtempSync(path.join(context.scratch, 'job-'))
  mkdirSync(path.join(dir, 'workspace'))
  for (const name of ['output', 'state', 'env', 'summary']) writeFileSync(path.join(dir, name), '')
  const env = {
    ...baseEnv(context, push, dir),
    GITHUB_JOB: job,
    ...inputEnv({
      repository: context.repository,
      token: context.token,
      'github-server-url': context.serverUrl,
      ...inputs
    })
  }
  return {
    dir,
    env,
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary'),
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

export async function runActionJob(
  context: ActionContext,
  push: PushEvent,
  inputs: Record<string, string> = {},
  mainOptions: ProcessOptions = {}
): Promise<ActionJob> {
  const job = prepareJobFiles(context, push, inputs)
  const { env } = job
  const main = await runNode(
    path.join(context.actionDir, 'dist', 'main', 'index.js'),
    env,
    mainOptions
  )
  const state = readFileCommand(job.state)
  const mainRun: ActionRun = {
    exitCode: main.code,
    ms: main.ms,
    outputs: readFileCommand(job.output),
    state,
    summary: readFileSync(job.summary, 'utf8'),
    log: main.log
  }
  return {
    main: mainRun,
    async post(postOptions = {}) {
      const postEnv: NodeJS.ProcessEnv = { ...env }
      for (const [name, value] of Object.entries(state)) postEnv[`STATE_${name}`] = value
      const post = await runNode(
        path.join(context.actionDir, 'dist', 'post', 'index.js'),
        postEnv,
        postOptions
      )
      job.remove()
      return {
        exitCode: post.code,
        ms: post.ms,
        outputs: {},
        state: {},
        summary: '',
        log: post.log
      }
    }
  }
}

/** main + post back to back; throws with the action's log when either fails. */
export async function runActionMainAndPost(
  context: ActionContext,
  push: PushEvent,
  inputs: Record<string, string> = {},
  options: { main?: ProcessOptions; post?: ProcessOptions } = {}
): Promise<{ main: ActionRun; post: ActionRun }> {
  const job = await runActionJob(context, push, inputs, options.main)
  const post = await job.post(options.post)
  for (const [name, run] of [
    ['main', job.main],
    ['post', post]
  ] as const) {
    if (run.exitCode !== 0)
      throw new Error(`bench: the action's ${name} failed (exit ${run.exitCode}):\n${run.log}`)
  }
  return { main: job.main, post }
}

/** Plain node start of a bundle with a bare environment: start-up overhead only. */
export function timeNodeScript(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: 'ignore'
    })
    child.on('error', reject)
    child.on('close', () => resolve(performance.now() - started))
  })
}
