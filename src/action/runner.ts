/**
 * The runner commands main and post need, written the way the runner reads them (its file
 * commands and workflow commands), with @actions/core's formats. Both steps run in every job,
 * and loading the toolkit (with its HTTP client) was most of their start-up time; the toolkit
 * loads only with the cache module, when a store is missing (§4).
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

/** Escapes a workflow command's message (%, CR, LF), as the runner expects. Pure. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** `name<<delimiter` … `delimiter`, the GITHUB_ENV format for any value. Pure. */
export function envFileEntry(name: string, value: string, delimiter: string): string {
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`the value of ${name} contains the delimiter ${delimiter}`)
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

/** Appends `name=value` to the runner's file command `fileVariable`; false without one. */
function fileCommand(fileVariable: string, name: string, value: string): boolean {
  const file = process.env[fileVariable]
  if (!file) return false
  appendFileSync(file, envFileEntry(name, value, `ghadelimiter_${randomUUID()}`))
  return true
}

/** A workflow command's line, `::command name=value::message` (the runner's old channel). */
function workflowCommand(command: string, message: string, name?: string): void {
  const property = name === undefined ? '' : ` name=${escapeProperty(name)}`
  process.stdout.write(`::${command}${property}::${escapeData(message)}${EOL}`)
}

/** Escapes a workflow command's property value. Pure. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** The input `name` as the runner hands it over (INPUT_<NAME>), trimmed like getInput. */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** For the job's later steps (and this process). */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value
  if (!fileCommand('GITHUB_ENV', name, value)) workflowCommand('set-env', value, name)
}

export function setOutput(name: string, value: string): void {
  if (!fileCommand('GITHUB_OUTPUT', name, value)) {
    process.stdout.write(EOL)
    workflowCommand('set-output', value, name)
  }
}

/** State for this action's post step (STATE_<name> there). */
export function saveState(name: string, value: string): void {
  if (!fileCommand('GITHUB_STATE', name, value)) workflowCommand('save-state', value, name)
}

/** The runner masks this value in every later line of the job's log. */
export function setSecret(secret: string): void {
  workflowCommand('add-mask', secret)
}

/** Markdown for the job's summary page; nothing without GITHUB_STEP_SUMMARY. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (file) appendFileSync(file, markdown, { encoding: 'utf8' })
}

export function debug(message: string): void {
  workflowCommand('debug', message)
}

export function notice(message: string): void {
  workflowCommand('notice', message)
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}

export function warning(message: string): void {
  workflowCommand('warning', message)
}

/** The step fails with this message (an error annotation). */
export function setFailed(message: string): void {
  process.exitCode = 1
  workflowCommand('error', message)
}
