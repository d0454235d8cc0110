// Preloaded into the action's main or post process by the warm-path breakdown
// (`node --import <this file> dist/main/index.js`; bench/lib/warm-breakdown.ts). It changes
// nothing the action does: it wraps node's own fs and child_process functions to note, on the
// process's monotonic clock (performance.now(), 0 = process start), when each thing happened:
// the workflow-command files (GITHUB_STATE/OUTPUT/ENV/STEP_SUMMARY) written, the file system
// calls under the shared root and RUNNER_TEMP, each child process (spawn → exit), signals sent.
// The notes are written to BENCH_TRACE_FILE when the process exits.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { performance } from 'node:perf_hooks'

const require = createRequire(import.meta.url)
const fs = require('node:fs')
const childProcess = require('node:child_process')

const events = []
const now = () => performance.now()
events.push({ what: 'preload', at: now() })

const commandFiles = new Map(
  [
    ['GITHUB_STATE', 'state'],
    ['GITHUB_OUTPUT', 'output'],
    ['GITHUB_ENV', 'env'],
    ['GITHUB_STEP_SUMMARY', 'summary']
  ]
    .filter(([name]) => process.env[name])
    .map(([name, kind]) => [process.env[name], kind])
)
const roots = [process.env.SHARED_CHECKOUT_ROOT].filter(Boolean)

const pathOf = value =>
  typeof value === 'string' ? value : value instanceof URL ? value.pathname : undefined
const watchedPath = file => {
  const p = pathOf(file)
  return p !== undefined && roots.some(root => p.startsWith(root)) ? p : undefined
}

// Calls made by a noted call (rmSync's own lstat/unlink, appendFileSync's writeFileSync) are
// part of it, not notes of their own.
let depth = 0

function wrapSync(object, name, describe) {
  const original = object[name]
  if (typeof original !== 'function') return
  object[name] = function (...args) {
    const note = depth === 0 ? describe(args) : undefined
    if (!note) return original.apply(this, args)
    const at = now()
    depth++
    try {
      return original.apply(this, args)
    } finally {
      depth--
      events.push({ what: name, ...note, at, end: now() })
    }
  }
}

// Workflow-command files: which key or first bytes were written.
for (const name of ['appendFileSync', 'writeFileSync']) {
  wrapSync(fs, name, ([file, data]) => {
    const kind = commandFiles.get(pathOf(file))
    if (kind) return { file: kind, detail: String(data).split(/<<|\n/)[0].slice(0, 40) }
    const p = watchedPath(file)
    return p ? { path: p } : undefined
  })
}
for (const name of [
  'mkdirSync',
  'openSync',
  'readFileSync',
  'readdirSync',
  'statSync',
  'lstatSync',
  'existsSync',
  'linkSync',
  'unlinkSync',
  'renameSync',
  'rmSync',
  'utimesSync',
  'symlinkSync',
  'readlinkSync'
]) {
  wrapSync(fs, name, ([file, second]) => {
    const p = watchedPath(file) ?? watchedPath(second)
    return p ? { path: p, to: pathOf(second) } : undefined
  })
}
for (const name of ['writeFile', 'appendFile']) {
  const original = fs.promises[name]
  fs.promises[name] = async function (file, ...rest) {
    const kind = commandFiles.get(pathOf(file))
    const at = now()
    try {
      return await original.call(this, file, ...rest)
    } finally {
      if (kind) events.push({ what: `promises.${name}`, file: kind, at, end: now() })
    }
  }
}

// Child processes: git commands and the lock keeper.
const originalSpawn = childProcess.spawn
childProcess.spawn = function (command, args, ...rest) {
  const at = now()
  const child = originalSpawn.call(this, command, args, ...rest)
  const event = {
    what: 'spawn',
    command: String(command).split('/').pop(),
    args: Array.isArray(args) ? args.map(String).slice(0, 6) : [],
    at,
    spawned: now()
  }
  events.push(event)
  child.once('exit', () => (event.end = now()))
  return child
}
for (const name of ['execFileSync', 'spawnSync']) {
  wrapSync(childProcess, name, ([command, args]) => ({
    command: String(command).split('/').pop(),
    args: Array.isArray(args) ? args.map(String).slice(0, 6) : []
  }))
}
const originalKill = process.kill
process.kill = function (pid, signal) {
  events.push({ what: 'kill', pid, signal: signal ?? 'SIGTERM', at: now() })
  return originalKill.call(this, pid, signal)
}

syncBuiltinESMExports()

process.on('exit', code => {
  const cpu = process.cpuUsage()
  events.push({ what: 'exit', at: now(), code, cpuMs: (cpu.user + cpu.system) / 1000 })
  const out = process.env.BENCH_TRACE_FILE
  if (out) fs.writeFileSync(out, JSON.stringify({ timeOrigin: performance.timeOrigin, events }))
})
