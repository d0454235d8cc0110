/**
 * The few runner commands the post step needs, written the way the runner reads them (its
 * file commands and workflow commands), so post starts without loading the toolkit and its
 * HTTP client: post runs in every job, and most of its time was module loading.
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

/** For the job's later steps (and this process). */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value
  const file = process.env.GITHUB_ENV
  if (file) appendFileSync(file, envFileEntry(name, value, `ghadelimiter_${randomUUID()}`))
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}

export function warning(message: string): void {
  process.stdout.write(`::warning::${escapeData(message)}${EOL}`)
}

/** The step fails with this message (an error annotation). */
export function setFailed(message: string): void {
  process.exitCode = 1
  process.stdout.write(`::error::${escapeData(message)}${EOL}`)
}
