/**
 * Other CI systems on the same machine (§6): a GitLab, Jenkins or Buildkite shell step runs
 * `shared-checkout checkout`, builds in the tree it prints, and releases it — sharing one store
 * and one pool of trees with the action's own jobs. The tree is held for the shell that ran the
 * command, so a script that ends without `release` frees it too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ACTION_DIR, createStandardWorld, NODE_PATH, type E2EWorld } from '../../testkit/e2e.js'
import type { StandardRepo } from '../../testkit/git-fixtures.js'
import { expectConclusion } from './helpers.js'

let world: E2EWorld
let repo: StandardRepo
let cli: string
beforeAll(async () => {
  ;({ world, repo } = await createStandardWorld())
  cli = path.join(ACTION_DIR, 'dist', 'cli', 'index.js')
})
afterAll(() => world.close())

/** Runs a bash script the way a shell executor would, with the machine's environment. */
function shellJob(
  script: string
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', script], {
    env: {
      PATH: `${path.dirname(NODE_PATH)}:${process.env.PATH}`,
      HOME: world.scratch,
      SHARED_CHECKOUT_ROOT: world.root,
      SHARED_CHECKOUT_TOKEN: world.token,
      CLI: cli,
      URL: world.server.url
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  return new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr })))
}

const span = (dir: string): { start: number; end: number; tree: string } => ({
  start: Number(readFileSync(path.join(dir, 'start'), 'utf8')),
  end: Number(readFileSync(path.join(dir, 'end'), 'utf8')),
  tree: readFileSync(path.join(dir, 'tree'), 'utf8').trim()
})

function recording(dir: string, treeVariable: string): string {
  return [
    `mkdir -p "${dir}"`,
    `echo "${treeVariable}" > "${dir}/tree"`,
    `date +%s%3N > "${dir}/start"`,
    `echo mine > "${treeVariable}/build.out"`,
    'sleep 1',
    `test "$(cat "${treeVariable}/build.out")" = mine`,
    `date +%s%3N > "${dir}/end"`
  ].join('\n')
}

describe('a shell job beside the action’s jobs, on one root', () => {
  it('checks out, builds in the tree and releases; with trees: 1 it takes turns with the action', async () => {
    const out = path.join(world.scratch, 'shell-1')
    mkdirSync(out, { recursive: true })
    const script = [
      'set -e',
      'TREE=$(node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --trees 1 --cache false --show-progress false)',
      `test "$(git -C "$TREE" rev-parse HEAD)" = "${repo.shas.main}"`,
      recording(out, '$TREE'),
      'node "$CLI" release --path "$TREE"'
    ].join('\n')
    const action = (i: number) => {
      const dir = path.join(world.scratch, `action-${i}`)
      return world.job({
        label: `action-${i}`,
        with: { ref: 'main', trees: '1' },
        steps: [{ run: recording(dir, '$SHARED_CHECKOUT_PATH') }]
      }).result
    }
    const [shell, first, second] = await Promise.all([shellJob(script), action(1), action(2)])
    expect({ code: shell.code, stderr: shell.code === 0 ? '' : shell.stderr }).toEqual({
      code: 0,
      stderr: ''
    })
    expectConclusion(first, 'success')
    expectConclusion(second, 'success')
    const spans = [out, path.join(world.scratch, 'action-1'), path.join(world.scratch, 'action-2')]
      .map(span)
      .sort((a, b) => a.start - b.start)
    expect(new Set(spans.map(s => s.tree)).size).toBe(1)
    for (let i = 1; i < spans.length; i++)
      expect(spans[i].start).toBeGreaterThanOrEqual(spans[i - 1].end)
  }, 120_000)

  it('frees the tree when the shell that ran checkout ends without release', async () => {
    // Two commands, so bash stays the script's shell (with one it would exec node in its place).
    const started = await shellJob(
      [
        'TREE=$(node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --cache false --show-progress false)',
        'echo "built in $TREE"'
      ].join('\n')
    )
    expect(started.code).toBe(0)
    // The next shell job gets the tree within seconds, not after a lease or a timeout.
    const next = await shellJob(
      [
        'set -e',
        'TREE=$(node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --lock-timeout 15 --cache false --show-progress false)',
        'node "$CLI" release --path "$TREE"'
      ].join('\n')
    )
    expect({ code: next.code, stderr: next.code === 0 ? '' : next.stderr }).toEqual({
      code: 0,
      stderr: ''
    })
  }, 60_000)

  it('says what went wrong through exit codes: a held tree with --lock-timeout 0 is 3, a token flag is 2', async () => {
    const held = await shellJob(
      [
        'TREE=$(node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --cache false --show-progress false) || exit 9',
        // Another job (its own shell) finds the only tree held: a lock timeout, not a git failure.
        'bash -c \'node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --lock-timeout 0 --cache false >/dev/null 2>&1; echo "timeout=$?"\'',
        // The same job asking again fails at once (its own tree is held), saying so.
        'node "$CLI" checkout --repository acme/app --ref main --github-server-url "$URL" --cache false 2>"$HOME/own.err" >/dev/null',
        'echo "own=$?"',
        'grep -ci "this job already holds" "$HOME/own.err" | sed "s/^/own-says=/"',
        'node "$CLI" checkout --repository acme/app --token x >/dev/null 2>&1',
        'echo "token=$?"',
        'node "$CLI" release --path "$TREE"'
      ].join('\n')
    )
    expect(held.code).toBe(0)
    expect(held.stdout).toMatch(/timeout=3/)
    expect(held.stdout).toMatch(/token=2/)
    expect(held.stdout).toMatch(/own=1/)
    expect(held.stdout).toMatch(/own-says=1/)
  }, 60_000)
})
