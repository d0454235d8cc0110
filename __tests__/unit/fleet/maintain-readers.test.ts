/**
 * Maintenance never breaks a tree in use (§3.7, §6): while real git processes check out, log
 * and read every object in trees that borrow from the store, maintenance (forced) repacks the
 * store and rewrites its commit-graph, three times, with new objects fetched in between. No
 * reader sees an error, and every tree's commits are intact afterwards.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { countStore, fleetGitRunner, maintainStore } from '../../../src/fleet/maintain.js'
import { memoryLogger } from '../../../src/logger.js'
import { fixtureGitEnv } from '../../../testkit/git-fixtures.js'
import {
  addTree,
  appendCommits,
  buildRepository,
  git,
  tempDir,
  unpackInto
} from '../../../testkit/fleet-world.js'

let temp: ReturnType<typeof tempDir>
const readers: ChildProcess[] = []
beforeEach(() => {
  temp = tempDir('fleet-readers-')
})
afterEach(() => {
  for (const reader of readers.splice(0)) reader.kill('SIGKILL')
  temp.cleanup()
})

/**
 * A reader in one tree: checks out two commits in turn, logs, walks every reachable object and
 * reads every object it can see (its own and the store's), until `stop` exists. Each finished
 * round appends a line to `rounds`; any git failure appends git's message to `errors`.
 */
function startReader(
  tree: string,
  commits: [string, string],
  files: { stop: string; rounds: string; errors: string }
) {
  const script = `
    run() { out=$("$@" 2>&1 >/dev/null) || printf '%s: %s\\n' "$*" "$out" >> "$ERRORS"; }
    while [ ! -e "$STOP" ]; do
      run git -C "$TREE" checkout -q --detach "$A"
      run git -C "$TREE" log --oneline -n 200
      run git -C "$TREE" checkout -q --detach "$B"
      run git -C "$TREE" rev-list --objects HEAD
      run git -C "$TREE" cat-file --batch-all-objects --batch-check
      run git -C "$TREE" status --porcelain
      echo round >> "$ROUNDS"
    done`
  const child = spawn('bash', ['-c', script], {
    env: {
      ...fixtureGitEnv,
      TREE: tree,
      A: commits[0],
      B: commits[1],
      STOP: files.stop,
      ROUNDS: files.rounds,
      ERRORS: files.errors
    },
    stdio: 'ignore'
  })
  readers.push(child)
  return child
}

const roundsIn = (file: string): number =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

it('readers in three trees see no error while maintenance repacks the store and rewrites its commit-graph', async () => {
  const root = path.join(temp.dir, 'root')
  const repo = buildRepository(root, { commits: 120, smallFetches: 4, looseCommits: 150 })
  const { shas, layout } = repo
  const pairs: [string, string][] = [
    [shas[shas.length - 1], shas[shas.length - 40]],
    [shas[60], shas[150]],
    [shas[10], shas[200]]
  ]
  pairs.forEach(([first], i) => addTree(layout, i + 1, first))
  const files = pairs.map((_, i) => ({
    stop: path.join(temp.dir, 'stop'),
    rounds: path.join(temp.dir, `rounds-${i + 1}`),
    errors: path.join(temp.dir, `errors-${i + 1}`)
  }))
  pairs.forEach((pair, i) => startReader(layout.tree(i + 1), pair, files[i]))
  await until(() => files.every(f => roundsIn(f.rounds) >= 1), 'every reader to finish a round')

  const log = memoryLogger()
  const runner = fleetGitRunner(layout)
  let tip = shas[shas.length - 1]
  const startRounds = files.map(f => roundsIn(f.rounds))
  for (let run = 0; run < 3; run++) {
    const result = await maintainStore(layout, { git: runner, budgetMs: 120_000, log })
    expect(result.steps.every(step => step.outcome === 'done')).toBe(true)
    expect(result.steps.map(step => step.step)).toEqual(['repack', 'commit-graph'])
    // New objects arrive as jobs fetch, for the next run to pack.
    const added = appendCommits(repo.upstream, 40, { label: `run${run}` })
    unpackInto(layout, repo.upstream, tip, added[added.length - 1])
    tip = added[added.length - 1]
  }
  await until(
    () => files.every((f, i) => roundsIn(f.rounds) >= startRounds[i] + 1),
    'a round after maintenance'
  )
  writeFileSync(files[0].stop, '')
  await Promise.all(readers.map(reader => new Promise(resolve => reader.once('exit', resolve))))

  const errors = files
    .map(f => (existsSync(f.errors) ? readFileSync(f.errors, 'utf8') : ''))
    .join('')
  expect(errors).toBe('')
  expect(countStore(layout.store).packs).toBeGreaterThan(0)
  for (let tree = 1; tree <= 3; tree++) {
    git(layout.tree(tree), ['fsck', '--connectivity-only', '--no-dangling'])
    for (const commit of pairs[tree - 1])
      git(layout.tree(tree), ['cat-file', '-e', `${commit}^{tree}`])
  }
})
