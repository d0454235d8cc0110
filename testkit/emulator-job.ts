/**
 * The per-job parent process of the runner emulator: it stands in for `Runner.Worker` (SPEC §2).
 * Run with `node --import tsx testkit/emulator-job.ts` by testkit/emulator.ts, which sends the
 * job's configuration over IPC. It runs the action's main as its DIRECT child (so main's ppid
 * is this process, the job anchor of the lock), then the job's own steps, then the posts in
 * reverse order (post-if: always() by default), then kills every process carrying the job's
 * RUNNER_TRACKING_ID. SIGKILLing this process is a crashed worker: nothing of that happens.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import {
  Masker,
  descendantsOf,
  evaluateTemplate,
  inputEnvName,
  killTrackedProcesses,
  parseKeyValueFile,
  parseWorkflowCommand,
  readActionInputs,
  readActionRuns,
  type ConfigStep,
  type FnContext,
  type FromJob,
  type JobConfig,
  type StepCondition,
  type StepKind,
  type StepRecord,
  type ToJob
} from './emulator-core.js'

const now = (): number => performance.timeOrigin + performance.now()

function send(message: FromJob): Promise<void> {
  return new Promise(resolve => {
    if (!process.send) return resolve()
    process.send(message, undefined, {}, () => resolve())
  })
}

interface Running {
  index: number
  kind: StepKind
  child?: ChildProcess
  record: StepRecord
}

class Job {
  private readonly masker = new Masker()
  /** Job env: the configured env plus GITHUB_ENV exports of finished steps. */
  private readonly env: Record<string, string>
  private readonly exported: Record<string, string> = {}
  private readonly outputs: Record<string, Record<string, string>> = {}
  private summary = ''
  private failed = false
  private cancelled = false
  private running: Running | undefined
  private index = 0
  private readonly posts: {
    step: Extract<ConfigStep, { kind: 'action' }>
    entry: string
    postIf: string
    inputEnv: Record<string, string>
    state: Record<string, string>
  }[] = []
  private readonly fnWaiters = new Map<
    number,
    (reply: Extract<ToJob, { type: 'fn-done' }>) => void
  >()
  private readonly fileCommandsDir: string
  private primaryActionId: string | undefined

  constructor(private readonly config: JobConfig) {
    this.env = { ...config.env }
    for (const secret of config.secrets) this.masker.add(secret)
    this.fileCommandsDir = path.join(config.runnerTemp, '_runner_file_commands')
    mkdirSync(this.fileCommandsDir, { recursive: true })
    mkdirSync(config.workspace, { recursive: true })
  }

  onMessage(message: ToJob): void {
    if (message.type === 'signal') {
      const running = this.running
      const matches =
        running?.child && (message.target === 'step' || message.target === running.kind)
      if (matches && running?.child?.pid) this.signal(running, message.signal)
      send({ type: 'signal-result', requestId: message.requestId, delivered: Boolean(matches) })
    } else if (message.type === 'cancel') {
      void this.cancel()
    } else if (message.type === 'fn-done') {
      this.fnWaiters.get(message.index)?.(message)
    }
  }

  private signal(running: Running, signal: NodeJS.Signals, tree = false): void {
    const pid = running.child?.pid
    if (!pid) return
    const targets = tree ? [pid, ...descendantsOf(pid)] : [pid]
    for (const target of targets) {
      try {
        process.kill(target, signal)
      } catch {
        // already gone
      }
    }
    running.record.signals.push({ signal: tree ? `${signal} (process tree)` : signal, at: now() })
  }

  /** The runner's cancellation: SIGINT, SIGTERM after 7.5 s, then kill the tree 2.5 s later. */
  private async cancel(): Promise<void> {
    if (this.cancelled) return
    this.cancelled = true
    send({ type: 'cancelled' })
    const running = this.running
    if (!running?.child) return // a callback step sees the cancellation through its AbortSignal
    const exited = new Promise<void>(resolve => running.child?.once('exit', () => resolve()))
    const isDone = () => running.child?.exitCode !== null || running.child?.signalCode !== null
    this.signal(running, 'SIGINT')
    const wait = (ms: number) =>
      Promise.race([exited, new Promise(resolve => setTimeout(resolve, ms))])
    await wait(this.config.cancel.sigtermAfterMs)
    if (isDone()) return
    this.signal(running, 'SIGTERM')
    await wait(this.config.cancel.sigkillAfterMs)
    if (isDone()) return
    this.signal(running, 'SIGKILL', true)
  }

  private shouldRun(condition: StepCondition): boolean {
    if (condition === 'always') return true
    if (this.cancelled) return false
    return condition === 'failure' ? this.failed : !this.failed
  }

  private templateContext() {
    return {
      github: this.config.github,
      env: this.env,
      steps: Object.fromEntries(
        Object.entries(this.outputs).map(([id, outputs]) => [id, { outputs }])
      ),
      runner: this.config.runner
    }
  }

  private newRecord(id: string, name: string, kind: StepKind): StepRecord {
    return {
      index: this.index++,
      id,
      name,
      kind,
      status: 'success',
      exitCode: null,
      signal: null,
      stdout: [],
      stderr: [],
      outputs: {},
      state: {},
      env: {},
      summary: '',
      annotations: [],
      startedAt: now(),
      signals: []
    }
  }

  /** Fresh file-command files for one step, as the runner creates them. */
  private fileCommands(): Record<
    'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_ENV' | 'GITHUB_STEP_SUMMARY' | 'GITHUB_PATH',
    string
  > {
    const make = (prefix: string) => {
      const file = path.join(this.fileCommandsDir, `${prefix}_${randomUUID()}`)
      writeFileSync(file, '')
      return file
    }
    return {
      GITHUB_OUTPUT: make('set_output'),
      GITHUB_STATE: make('save_state'),
      GITHUB_ENV: make('set_env'),
      GITHUB_STEP_SUMMARY: make('step_summary'),
      GITHUB_PATH: make('add_path')
    }
  }

  private handleLine(record: StepRecord, stream: 'stdout' | 'stderr', raw: string): void {
    const command = parseWorkflowCommand(raw)
    if (command?.command === 'add-mask') {
      this.masker.add(command.message)
      return // the runner never prints the secret it was asked to mask
    }
    const line = this.masker.apply(raw)
    if (
      command &&
      (command.command === 'error' || command.command === 'warning' || command.command === 'notice')
    ) {
      record.annotations.push({
        level: command.command,
        message: this.masker.apply(command.message),
        properties: command.properties,
        step: record.id
      })
    }
    record[stream].push(line)
    send({ type: 'line', index: record.index, stream, line })
  }

  /** Runs one process step to completion, recording lines; resolves once its output is drained. */
  private async runProcess(
    record: StepRecord,
    kind: StepKind,
    command: string,
    args: string[],
    options: { cwd: string; env: Record<string, string> }
  ): Promise<void> {
    let child: ChildProcess
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
    } catch (error) {
      record.error = String(error)
      return
    }
    this.running = { index: record.index, kind, child, record }
    type Exit = { code: number | null; signal: NodeJS.Signals | null }
    // Both promises exist before any event can fire: a spawn failure emits 'error' and no 'exit'.
    const exited = new Promise<Exit>(resolve => {
      child.once('exit', (code, signal) => resolve({ code, signal }))
      child.once('error', error => {
        if (child.pid !== undefined) return
        record.error = `could not start ${command} in ${options.cwd}: ${error.message}`
        resolve({ code: null, signal: null })
      })
    })
    const spawned = Promise.race([
      new Promise<void>(resolve => child.once('spawn', () => resolve())),
      exited.then(() => undefined)
    ])
    const closed = new Promise<void>(resolve => child.once('close', () => resolve()))
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = child[stream]
      if (readable)
        createInterface({ input: readable, crlfDelay: Infinity }).on('line', line =>
          this.handleLine(record, stream, line)
        )
    }
    await spawned
    record.pid = child.pid
    send({ type: 'step-start', step: record })
    const exit = await exited
    record.exitCode = exit.code
    record.signal = exit.signal
    // A detached descendant may hold stdout open; like the runner, do not wait for it forever.
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>(resolve => setTimeout(() => resolve(false), this.config.outputDrainMs))
    ])
    if (!drained) {
      child.stdout?.destroy()
      child.stderr?.destroy()
      record.stderr.push(
        `[emulator] the step's output was still held open by a descendant ${this.config.outputDrainMs} ms after it exited`
      )
    }
    this.running = undefined
  }

  /** Reads the step's file commands (outputs, state, env, path, summary) into the record. */
  private collectFileCommands(record: StepRecord, files: ReturnType<Job['fileCommands']>): void {
    try {
      record.outputs = parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
      record.state = parseKeyValueFile(readFileSync(files.GITHUB_STATE, 'utf8'))
      record.env = parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8'))
      record.summary = this.masker.apply(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'))
      const added = readFileSync(files.GITHUB_PATH, 'utf8').split(/\r?\n/).filter(Boolean)
      if (added.length)
        this.env.PATH = [...added.reverse(), this.env.PATH ?? ''].join(path.delimiter)
    } catch (error) {
      record.error = (error as Error).message
      record.status = 'failure'
    }
    Object.assign(this.env, record.env)
    Object.assign(this.exported, record.env)
    this.summary += record.summary
  }

  private stepEnv(
    extra: Record<string, string>,
    files: ReturnType<Job['fileCommands']>
  ): Record<string, string> {
    const primary = this.primaryActionId ? (this.outputs[this.primaryActionId] ?? {}) : {}
    const outputEnv = Object.fromEntries(
      Object.entries(primary).map(([name, value]) => [
        `STEP_OUTPUT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
        value
      ])
    )
    return { ...this.env, ...outputEnv, ...extra, ...files }
  }

  private finish(record: StepRecord): void {
    record.endedAt = now()
    if (record.error || record.exitCode !== 0) {
      record.status = this.cancelled && record.signals.length > 0 ? 'cancelled' : 'failure'
      if (record.error) record.stderr.push(`[emulator] ${record.error}`)
    }
    if (record.status !== 'success') this.failed = true
    this.outputs[record.id] = record.outputs
    send({ type: 'step-end', step: record })
  }

  private skip(step: { id: string; name: string }, kind: StepKind): void {
    const record = this.newRecord(step.id, step.name, kind)
    record.status = 'skipped'
    record.endedAt = record.startedAt
    send({ type: 'step-start', step: record })
    send({ type: 'step-end', step: record })
  }

  /** INPUT_* (action.yml defaults, then `with`), evaluated like the runner; warns of unknown inputs. */
  private actionEnv(
    step: Extract<ConfigStep, { kind: 'action' }>,
    declared: ReturnType<typeof readActionInputs>,
    record: StepRecord
  ): Record<string, string> {
    const context = this.templateContext()
    const env: Record<string, string> = {
      GITHUB_ACTION: step.id,
      GITHUB_ACTION_PATH: step.actionDir
    }
    for (const [name, decl] of Object.entries(declared))
      env[inputEnvName(name)] = evaluateTemplate(decl.default ?? '', context)
    for (const [name, value] of Object.entries(step.with)) {
      const evaluated = evaluateTemplate(value, context)
      env[inputEnvName(name)] = evaluated
      if (!(name in declared)) {
        const message = `Unexpected input(s) '${name}', valid inputs are ['${Object.keys(declared).join("', '")}']`
        record.annotations.push({ level: 'warning', message, properties: {}, step: step.id })
      }
    }
    for (const [name, value] of Object.entries(step.env))
      env[name] = evaluateTemplate(value, context)
    return env
  }

  private async runAction(step: Extract<ConfigStep, { kind: 'action' }>): Promise<void> {
    const record = this.newRecord(step.id, step.name, 'main')
    this.primaryActionId ??= step.id
    let actionYml: string
    let runs: ReturnType<typeof readActionRuns>
    let inputEnv: Record<string, string>
    try {
      actionYml = readFileSync(path.join(step.actionDir, 'action.yml'), 'utf8')
      runs = readActionRuns(actionYml)
      inputEnv = this.actionEnv(step, readActionInputs(actionYml), record)
    } catch (error) {
      record.error = (error as Error).message
      send({ type: 'step-start', step: record })
      return this.finish(record)
    }
    const files = this.fileCommands()
    // Registered before main runs, as the runner does: post runs even if main fails.
    const post = runs.post
      ? {
          step,
          entry: path.join(step.actionDir, runs.post),
          postIf: runs.postIf,
          inputEnv,
          state: {} as Record<string, string>
        }
      : undefined
    if (post) this.posts.push(post)
    await this.runProcess(
      record,
      'main',
      this.config.nodePath,
      [path.join(step.actionDir, runs.main)],
      { cwd: this.config.workspace, env: this.stepEnv(inputEnv, files) }
    )
    this.collectFileCommands(record, files)
    if (post) post.state = record.state
    this.finish(record)
  }

  private async runPost(post: Job['posts'][number]): Promise<void> {
    const condition = post.postIf.replace(/\(\)$/, '') as StepCondition
    if (!this.shouldRun(condition === 'success' || condition === 'failure' ? condition : 'always'))
      return this.skip({ id: post.step.id, name: `Post ${post.step.name}` }, 'post')
    const record = this.newRecord(post.step.id, `Post ${post.step.name}`, 'post')
    const files = this.fileCommands()
    const stateEnv = Object.fromEntries(
      Object.entries(post.state).map(([name, value]) => [`STATE_${name}`, value])
    )
    await this.runProcess(record, 'post', this.config.nodePath, [post.entry], {
      cwd: this.config.workspace,
      env: this.stepEnv({ ...post.inputEnv, ...stateEnv }, files)
    })
    this.collectFileCommands(record, files)
    this.finish(record)
  }

  private async runShell(step: Extract<ConfigStep, { kind: 'run' }>): Promise<void> {
    const record = this.newRecord(step.id, step.name, 'run')
    const files = this.fileCommands()
    let script: string
    let env: Record<string, string>
    try {
      const context = this.templateContext()
      script = evaluateTemplate(step.run, context)
      env = Object.fromEntries(
        Object.entries(step.env).map(([k, v]) => [k, evaluateTemplate(v, context)])
      )
    } catch (error) {
      record.error = (error as Error).message
      send({ type: 'step-start', step: record })
      return this.finish(record)
    }
    const scriptPath = path.join(this.config.runnerTemp, `${randomUUID()}.sh`)
    writeFileSync(scriptPath, script)
    // The runner's default shell for `run:` on Linux/macOS.
    await this.runProcess(
      record,
      'run',
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', scriptPath],
      {
        cwd: step.cwd ?? this.config.workspace,
        env: this.stepEnv({ GITHUB_ACTION: step.id, ...env }, files)
      }
    )
    this.collectFileCommands(record, files)
    this.finish(record)
  }

  private async runFn(step: Extract<ConfigStep, { kind: 'fn' }>): Promise<void> {
    const record = this.newRecord(step.id, step.name, 'fn')
    send({ type: 'step-start', step: record })
    const reply = new Promise<Extract<ToJob, { type: 'fn-done' }>>(resolve =>
      this.fnWaiters.set(record.index, resolve)
    )
    this.running = { index: record.index, kind: 'fn', record }
    const context: FnContext = {
      env: this.stepEnv({}, this.fileCommands()),
      outputs: this.outputs,
      workspace: this.config.workspace,
      runnerTemp: this.config.runnerTemp,
      trackingId: this.config.trackingId
    }
    send({ type: 'fn-call', index: record.index, context })
    const done = await reply
    this.running = undefined
    if (done.error) {
      record.error = done.error
      record.exitCode = 1
    } else {
      record.exitCode = 0
    }
    record.outputs = done.outputs ?? {}
    record.env = done.env ?? {}
    Object.assign(this.env, record.env)
    Object.assign(this.exported, record.env)
    this.finish(record)
  }

  async run(): Promise<void> {
    for (const step of this.config.steps) {
      if (!this.shouldRun(step.if)) {
        this.skip(step, step.kind === 'action' ? 'main' : step.kind)
        continue
      }
      if (step.kind === 'action') await this.runAction(step)
      else if (step.kind === 'run') await this.runShell(step)
      else await this.runFn(step)
    }
    for (const post of [...this.posts].reverse()) await this.runPost(post)
    if (this.config.orphanCleanup)
      await send({ type: 'orphans', killed: killTrackedProcesses(this.config.trackingId) })
    const conclusion = this.cancelled ? 'cancelled' : this.failed ? 'failure' : 'success'
    await send({ type: 'done', summary: this.summary, env: this.exported, conclusion })
  }

  /** The driver went away (test process died): leave nothing running. */
  abandon(): void {
    const running = this.running
    if (running?.child?.pid) this.signal(running, 'SIGKILL', true)
    process.exit(1)
  }
}

let job: Job | undefined
let finished = false
process.on('message', (message: ToJob) => {
  if (message.type === 'config') {
    job = new Job(message.config)
    job
      .run()
      .catch(error => {
        console.error('[emulator-job] crashed:', error)
        process.exitCode = 1
      })
      .finally(() => {
        finished = true
        process.disconnect?.()
      })
    return
  }
  job?.onMessage(message)
})
process.on('disconnect', () => {
  if (finished) return
  if (job) job.abandon()
  else process.exit(1)
})
// Ctrl-C on a terminal reaches the whole process group; the worker ignores it, as the runner does.
process.on('SIGINT', () => undefined)
