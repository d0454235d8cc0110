/**
 * Turns the notes of bench/lib/trace-preload.mjs into the warm path's segments (pure). Each
 * segment is the time between two events the action cannot skip — a workflow-command file
 * written, a lock file linked, a git process started or ended — so the segments add up to the
 * process's whole life, and each is named after what the action does in it (src/action/main.ts,
 * src/checkout/checkout.ts, src/action/post.ts).
 */

export interface TraceEvent {
  what: string
  /** ms since the process started (performance.now() of the traced process). */
  at: number
  end?: number
  spawned?: number
  file?: string
  detail?: string
  path?: string
  command?: string
  args?: string[]
  /** On the exit note: CPU time the process used (user + system). */
  cpuMs?: number
}

export interface Trace {
  events: TraceEvent[]
}

export interface Segment {
  name: string
  ms: number
}

/** CPU time (user + system) the traced process used, from its exit note. */
export function cpuOf(trace: Trace): number {
  return trace.events.find(e => e.what === 'exit')?.cpuMs ?? NaN
}

/** What the parent's wall has beyond the traced process's own clock. */
const OUTSIDE =
  "process creation, node's start before its clock begins, teardown (seen by the parent only)"

const isGit = (e: TraceEvent, sub: string): boolean =>
  e.what === 'spawn' && e.command === 'git' && e.args?.[0] === sub

function find(
  events: TraceEvent[],
  test: (e: TraceEvent) => boolean,
  after = -Infinity
): TraceEvent | undefined {
  return events.find(e => e.at >= after && test(e))
}

function need(event: TraceEvent | undefined, what: string): TraceEvent {
  if (!event) throw new Error(`bench: the trace has no ${what}`)
  return event
}

/** Consecutive differences of named points, in order. */
function between(points: [string, number][], start = 0): Segment[] {
  const segments: Segment[] = []
  let last = start
  for (const [name, t] of points) {
    segments.push({ name, ms: Math.max(0, t - last) })
    last = Math.max(last, t)
  }
  return segments
}

/**
 * The main step, warm (commit in the store, tree exists): `wallMs` is the parent's measure
 * from spawn to exit, which adds the process creation and teardown the trace cannot see.
 */
export function mainSegments(trace: Trace, wallMs: number): Segment[] {
  const e = [...trace.events].sort((a, b) => a.at - b.at)
  const preload = need(
    find(e, x => x.what === 'preload'),
    'preload mark'
  )
  const started = need(
    find(e, x => x.file === 'state' && x.detail === 'mainStarted'),
    'state mainStarted (run() started)'
  )
  const lockDir = need(
    find(e, x => x.what === 'mkdirSync' && /[\\/]locks$/.test(x.path ?? ''), started.at),
    'mkdir of the locks directory (options parsed)'
  )
  const keeper = need(
    find(e, x => x.what === 'spawn' && x.command !== 'git', lockDir.at),
    'keeper spawn'
  )
  const held = need(
    find(e, x => x.file === 'state' && x.detail === 'heldTree', keeper.at),
    'state heldTree (tree lock taken)'
  )
  const revParse = need(
    find(e, x => isGit(x, 'rev-parse'), held.at),
    'git rev-parse'
  )
  const checkout = need(
    find(e, x => isGit(x, 'checkout'), revParse.at),
    'git checkout'
  )
  const clean = need(
    find(e, x => isGit(x, 'clean'), checkout.at),
    'git clean'
  )
  const output = need(
    find(e, x => x.file === 'output', clean.at),
    'first output'
  )
  const summary = need(
    find(e, x => x.file === 'summary', output.at),
    'summary write'
  )
  const exit = need(
    find(e, x => x.what === 'exit'),
    'exit mark'
  )
  const keeperSpawnMs = (keeper.spawned ?? keeper.at) - keeper.at
  const segments = between([
    ['node start (process start → first line of JS)', preload.at],
    ['bundle load and evaluation (dist/main)', started.at],
    ['inputs: parse and validate (incl. a look at the repository directory)', lockDir.at],
    ['tree lock: lock directory, FIFO queue entry', keeper.at],
    ['keeper process spawn (synchronous fork/exec)', keeper.at + keeperSpawnMs],
    ['tree lock: take a free tree, record it for post', held.at],
    ['end leftover processes in the tree (/proc scan), store checks', revParse.at],
    ['store check: git rev-parse <sha>^{commit}', revParse.end ?? revParse.at],
    ["pin the commit, prepare the tree (git dir made the action's again)", checkout.at],
    ['git checkout --force --detach', checkout.end ?? checkout.at],
    ['git clean -ffdx', clean.end ?? clean.at],
    ['wait for the keeper to be ready (it started at the lock)', output.at],
    ['outputs, exported env, job summary', summary.end ?? summary.at],
    ['exit', exit.at]
  ])
  segments.push({
    name: OUTSIDE,
    ms: Math.max(0, wallMs - exit.at)
  })
  return segments
}

/** The post step after a warm main: restore env, end leftovers, release, stop the keeper. */
export function postSegments(trace: Trace, wallMs: number): Segment[] {
  const e = [...trace.events].sort((a, b) => a.at - b.at)
  const preload = need(
    find(e, x => x.what === 'preload'),
    'preload mark'
  )
  const firstEnv = find(e, x => x.file === 'env')
  const lastEnv = [...e].reverse().find(x => x.file === 'env')
  const lockOp = need(
    find(e, x => /[\\/]locks[\\/]tree-\d+\.lock$/.test(x.path ?? ''), preload.at),
    'an operation on the tree lock'
  )
  const kills = e.filter(x => x.what === 'kill')
  const released = kills.length > 0 ? kills[kills.length - 1] : lockOp
  const exit = need(
    find(e, x => x.what === 'exit'),
    'exit mark'
  )
  const loaded = firstEnv ?? lockOp
  const segments = between([
    ['node start (process start → first line of JS)', preload.at],
    ['bundle load and evaluation (dist/post)', loaded.at],
    ['take back the exported env', lastEnv?.end ?? loaded.at],
    ['end leftover processes in the tree (/proc scan)', lockOp.at],
    ['release the tree lock (guarded), stop the keeper', released.at],
    ['exit', exit.at]
  ])
  segments.push({
    name: OUTSIDE,
    ms: Math.max(0, wallMs - exit.at)
  })
  return segments
}
