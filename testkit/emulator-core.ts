/**
 * What the runner emulator's two halves share: the action.yml reader, the runner's file-command
 * and workflow-command formats, secret masking, `${{ }}` templates, and the /proc scans behind
 * the runner's orphan cleanup (SPEC §2: processes carrying RUNNER_TRACKING_ID die at job end).
 * Pure functions first; the /proc helpers at the end are Linux-only.
 */
import { readdirSync, readFileSync } from 'node:fs'

// --- action.yml (a small YAML subset: nested maps of scalars, block scalars, comments) -------

export type YamlMap = { [key: string]: string | YamlMap }

function unquote(raw: string): string {
  const v = raw.trim()
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2)
    return v.slice(1, -1).replace(/''/g, "'")
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
    return JSON.parse(v.replace(/\\'/g, "'")) as string
  }
  return v
}

/** Drops a ` # comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === "'" || c === '"') {
      quote = c
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).trimEnd()
    }
  }
  return line.trimEnd()
}

/**
 * Parses the subset of YAML action.yml files use: maps nested by indentation, plain or quoted
 * scalars, `|`/`>` block scalars. Sequences and flow collections are not supported (action.yml
 * inputs/runs have none); they throw rather than parse wrongly.
 */
export function parseSimpleYaml(text: string): YamlMap {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const root: YamlMap = {}
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }]
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i])
    if (line.trim() === '' || line.trim() === '---') continue
    const indent = line.length - line.trimStart().length
    const match = /^([^:#'"][^:]*|'[^']*'|"[^"]*"):(?:\s+(.*))?$/.exec(line.trim())
    if (!match) throw new Error(`action.yml line ${i + 1}: unsupported YAML: ${lines[i]}`)
    const key = unquote(match[1])
    const value = (match[2] ?? '').trim()
    while (stack[stack.length - 1].indent >= indent) stack.pop()
    const parent = stack[stack.length - 1].map
    if (value === '') {
      const child: YamlMap = {}
      parent[key] = child
      stack.push({ indent, map: child })
    } else if (/^[|>][+-]?$/.test(value)) {
      const block: string[] = []
      let blockIndent = -1
      while (i + 1 < lines.length) {
        const next = lines[i + 1]
        const nextIndent = next.length - next.trimStart().length
        if (next.trim() !== '' && nextIndent <= indent) break
        if (blockIndent < 0 && next.trim() !== '') blockIndent = nextIndent
        block.push(next.slice(Math.max(blockIndent, 0)))
        i++
      }
      while (block.length && block[block.length - 1].trim() === '') block.pop()
      parent[key] = value.startsWith('|')
        ? block.join('\n') + '\n'
        : block.join(' ').replace(/\s+/g, ' ').trim() + '\n'
    } else if (/^[[{&*!]/.test(value) || value.startsWith('- ')) {
      throw new Error(`action.yml line ${i + 1}: unsupported YAML value: ${value}`)
    } else {
      parent[key] = unquote(value)
    }
  }
  return root
}

export interface ActionInputDeclaration {
  default?: string
  required?: boolean
  description?: string
}

/** The inputs of an action.yml, in declaration order. */
export function readActionInputs(actionYml: string): Record<string, ActionInputDeclaration> {
  const inputs = parseSimpleYaml(actionYml).inputs
  const out: Record<string, ActionInputDeclaration> = {}
  if (!inputs || typeof inputs === 'string') return out
  for (const [name, decl] of Object.entries(inputs)) {
    const d = typeof decl === 'string' ? {} : decl
    out[name] = {
      default: typeof d.default === 'string' ? d.default : undefined,
      required: d.required === 'true',
      description: typeof d.description === 'string' ? d.description : undefined
    }
  }
  return out
}

export interface ActionRuns {
  using: string
  main: string
  post?: string
  postIf: string
}

export function readActionRuns(actionYml: string): ActionRuns {
  const runs = parseSimpleYaml(actionYml).runs
  if (!runs || typeof runs === 'string' || typeof runs.main !== 'string') {
    throw new Error('action.yml has no runs.main: only JavaScript actions are emulated')
  }
  const str = (v: string | YamlMap | undefined): string | undefined =>
    typeof v === 'string' ? v : undefined
  return {
    using: str(runs.using) ?? '',
    main: runs.main,
    post: str(runs.post),
    postIf: str(runs['post-if']) ?? 'always()'
  }
}

/** The runner's env name for an input: spaces → `_`, upper-cased, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

// --- ${{ }} templates ----------------------------------------------------------------------

export interface TemplateContext {
  github: Record<string, string>
  env: Record<string, string>
  steps: Record<string, { outputs: Record<string, string> }>
  runner: Record<string, string>
}

/**
 * Evaluates `${{ a.b.c }}` property lookups (github.*, env.*, runner.*, steps.<id>.outputs.*).
 * Anything else throws: a test that relies on an expression the emulator cannot evaluate should
 * fail loudly, not receive ''. Missing step outputs are '' (as in Actions).
 */
export function evaluateTemplate(text: string, context: TemplateContext): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    const parts = expression.split('.')
    const [head, ...rest] = parts
    if (!/^[A-Za-z_][\w.-]*$/.test(expression))
      throw new Error(`emulator: unsupported expression \${{ ${expression} }}`)
    if (head === 'steps' && rest.length === 3 && rest[1] === 'outputs') {
      return context.steps[rest[0]]?.outputs[rest[2]] ?? ''
    }
    if ((head === 'github' || head === 'env' || head === 'runner') && rest.length === 1) {
      const value = context[head][rest[0]]
      if (value === undefined && head !== 'env')
        throw new Error(`emulator: unknown context value ${expression}`)
      return value ?? ''
    }
    throw new Error(`emulator: unsupported expression \${{ ${expression} }}`)
  })
}

// --- file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) -----------------------------------

/**
 * The runner's key-value file format: `name=value` lines and `name<<DELIMITER` heredocs whose
 * value runs up to a line equal to the delimiter. As in the runner, whichever of '=' and '<<'
 * comes first decides the form; a heredoc without its closing delimiter is an error.
 */
export function parseKeyValueFile(content: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = content.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const eq = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq)
      if (!name) throw new Error(`file command: empty name in line ${JSON.stringify(line)}`)
      out[name] = line.slice(eq + 1)
    } else if (heredoc > 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (!delimiter) throw new Error(`file command: empty heredoc delimiter for ${name}`)
      const value: string[] = []
      let closed = false
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true
          break
        }
        value.push(lines[i])
      }
      if (!closed) throw new Error(`file command: heredoc ${name}<<${delimiter} is not closed`)
      out[name] = value.join('\n')
    } else {
      throw new Error(`file command: invalid line ${JSON.stringify(line)}`)
    }
  }
  return out
}

// --- workflow commands on stdout (::error::, ::add-mask:: ...) ----------------------------------

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

const unescapeData = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string): string =>
  unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

/** `::name key=value,key=value::message` (@actions/core's escaping), else undefined. */
export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line.trimStart())
  if (!match) return undefined
  const properties: Record<string, string> = {}
  for (const pair of (match[2] ?? '').split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1))
  }
  return { command: match[1], properties, message: unescapeData(match[3]) }
}

/** Secrets registered so far; `apply` replaces each occurrence with `***`, longest first. */
export class Masker {
  private readonly secrets = new Set<string>()

  add(secret: string): void {
    for (const part of secret.split(/\r?\n/)) if (part.trim() !== '') this.secrets.add(part)
  }

  apply(text: string): string {
    let out = text
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      out = out.split(secret).join('***')
    return out
  }

  list(): string[] {
    return [...this.secrets]
  }
}

// --- processes (Linux /proc) -------------------------------------------------------------------

/** Alive and not a zombie (a zombie's parent has not reaped it; it runs no code). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

function procPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter(name => /^\d+$/.test(name))
      .map(Number)
  } catch {
    return []
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
  } catch {
    return ''
  }
}

export interface TrackedProcess {
  pid: number
  command: string
}

/** Processes whose environment carries RUNNER_TRACKING_ID=<id> (readable ones: same user). */
export function findTrackedProcesses(trackingId: string, except: number[] = []): TrackedProcess[] {
  const needle = `RUNNER_TRACKING_ID=${trackingId}`
  const found: TrackedProcess[] = []
  for (const pid of procPids()) {
    if (pid === process.pid || except.includes(pid)) continue
    let environ: string
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
    } catch {
      continue
    }
    if (environ.split('\0').includes(needle) && isProcessAlive(pid))
      found.push({ pid, command: commandLine(pid) })
  }
  return found
}

/**
 * The runner's orphan cleanup at job end: SIGKILL every process carrying the job's tracking id.
 * Returns the processes killed. Linux only (elsewhere it finds nothing).
 */
export function killTrackedProcesses(trackingId: string, except: number[] = []): TrackedProcess[] {
  const killed: TrackedProcess[] = []
  for (const target of findTrackedProcesses(trackingId, except)) {
    try {
      process.kill(target.pid, 'SIGKILL')
      killed.push(target)
    } catch {
      // exited meanwhile
    }
  }
  return killed
}

/** All descendants of `pid` (children first), from /proc/<pid>/stat parent links. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const p of procPids()) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), p])
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = []
  const queue = [pid]
  while (queue.length) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      out.push(child)
      queue.push(child)
    }
  }
  return out
}

// --- the protocol between the driver (emulator.ts) and the job process (emulator-job.ts) -------

export type StepKind = 'main' | 'run' | 'fn' | 'post'
export type StepCondition = 'success' | 'always' | 'failure'
export type StepStatus = 'success' | 'failure' | 'skipped' | 'cancelled' | 'interrupted'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  properties: Record<string, string>
  step: string
}

export interface StepRecord {
  index: number
  id: string
  name: string
  kind: StepKind
  status: StepStatus
  exitCode: number | null
  signal: string | null
  /** Masked, without the ::add-mask:: lines. */
  stdout: string[]
  stderr: string[]
  outputs: Record<string, string>
  state: Record<string, string>
  env: Record<string, string>
  summary: string
  annotations: Annotation[]
  /** Epoch milliseconds (fractional), comparable across jobs on one machine. */
  startedAt: number
  endedAt?: number
  pid?: number
  /** Signals the emulator sent to this step, with epoch-ms times. */
  signals: { signal: string; at: number }[]
  error?: string
}

export type ConfigStep =
  | {
      kind: 'action'
      id: string
      name: string
      actionDir: string
      with: Record<string, string>
      env: Record<string, string>
      if: StepCondition
    }
  | {
      kind: 'run'
      id: string
      name: string
      run: string
      cwd?: string
      env: Record<string, string>
      if: StepCondition
    }
  | { kind: 'fn'; id: string; name: string; if: StepCondition }

export interface JobConfig {
  trackingId: string
  runnerTemp: string
  workspace: string
  /** The environment every step starts from (GITHUB_*, RUNNER_*, the test's env). */
  env: Record<string, string>
  github: Record<string, string>
  runner: Record<string, string>
  secrets: string[]
  nodePath: string
  steps: ConfigStep[]
  cancel: { sigtermAfterMs: number; sigkillAfterMs: number }
  orphanCleanup: boolean
  /** How long to wait for a step's stdout/stderr to close after it exits (a descendant may hold them). */
  outputDrainMs: number
}

export interface FnContext {
  env: Record<string, string>
  outputs: Record<string, Record<string, string>>
  workspace: string
  runnerTemp: string
  trackingId: string
}

export type ToJob =
  | { type: 'config'; config: JobConfig }
  | { type: 'signal'; requestId: number; target: 'main' | 'post' | 'step'; signal: NodeJS.Signals }
  | { type: 'cancel' }
  | {
      type: 'fn-done'
      index: number
      error?: string
      outputs?: Record<string, string>
      env?: Record<string, string>
    }

export type FromJob =
  | { type: 'step-start'; step: StepRecord }
  | { type: 'line'; index: number; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'step-end'; step: StepRecord }
  | { type: 'fn-call'; index: number; context: FnContext }
  | { type: 'signal-result'; requestId: number; delivered: boolean }
  | { type: 'cancelled' }
  | { type: 'orphans'; killed: TrackedProcess[] }
  | {
      type: 'done'
      summary: string
      env: Record<string, string>
      conclusion: 'success' | 'failure' | 'cancelled'
    }
