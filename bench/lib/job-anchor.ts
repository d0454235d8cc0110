/**
 * One job of the parallel benchmark as a process of its own, in the place of the runner's
 * Runner.Worker (§2): it runs the action's main as its direct child — so it is the job anchor
 * the tree lock is held for — then the job body in the job's tree, then post with main's state,
 * and writes when each began and ended. Each job needs its own anchor: with one shared parent,
 * a second job of a `trees: 1` pool would be refused as a step of the first job (issue 13.7).
 * Bundled with esbuild (bench/lib/bundle.ts) so it starts like plain node.
 *
 *   node job-anchor.mjs <config.json>
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseKeyValueFile } from '../../testkit/emulator-core.js'

export interface AnchorConfig {
  main: string
  post: string
  env: Record<string, string>
  output: string
  state: string
  bodySeconds: number
  result: string
}

export interface AnchorResult {
  /** Epoch milliseconds (fractional), comparable across processes of the machine. */
  mainStart: number
  mainEnd: number
  mainCode: number | null
  bodyStart?: number
  bodyEnd?: number
  postStart: number
  postEnd: number
  postCode: number | null
  outputs: Record<string, string>
  log: string
}

const clock = (): number => performance.timeOrigin + performance.now()

function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string },
  log: string[]
): Promise<number | null> {
  return new Promise(resolve => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.setEncoding('utf8').on('data', (s: string) => log.push(s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => log.push(s))
    child.on('error', error => {
      log.push(String(error))
      resolve(null)
    })
    child.on('close', code => resolve(code))
  })
}

function readCommandFile(file: string): Record<string, string> {
  try {
    return parseKeyValueFile(readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
}

async function main(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as AnchorConfig
  const log: string[] = []
  const mainStart = clock()
  const mainCode = await run(process.execPath, [config.main], { env: config.env }, log)
  const mainEnd = clock()
  const outputs = readCommandFile(config.output)
  let bodyStart: number | undefined
  let bodyEnd: number | undefined
  if (mainCode === 0 && outputs.path) {
    bodyStart = clock()
    await run('sleep', [String(config.bodySeconds)], { cwd: outputs.path }, log)
    bodyEnd = clock()
  }
  const postEnv = { ...config.env }
  for (const [name, value] of Object.entries(readCommandFile(config.state)))
    postEnv[`STATE_${name}`] = value
  const postStart = clock()
  const postCode = await run(process.execPath, [config.post], { env: postEnv }, log)
  const postEnd = clock()
  const result: AnchorResult = {
    mainStart,
    mainEnd,
    mainCode,
    bodyStart,
    bodyEnd,
    postStart,
    postEnd,
    postCode,
    outputs,
    log: log.join('')
  }
  writeFileSync(config.result, JSON.stringify(result))
}

if (process.argv[2]) await main(process.argv[2])
