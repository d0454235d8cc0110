/**
 * The lock as a stand-alone CLI (`dist/lock/index.js`, README "Troubleshooting"): what an
 * administrator or another CI system runs. Real processes and signals, run as one bundled
 * file like the shipped one: with E2E_ACTION_DIR, that build's dist/lock/index.js; otherwise
 * src/bin/lock.ts bundled afresh (CI checks separately that dist/ is the build of the source).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { ACTION_DIR, NODE_PATH } from '../../testkit/e2e.js'
import { bundleForAnyUser, type LockBundle } from '../../testkit/lock-bundle.js'

let CLI = ''
let bundle: LockBundle | undefined
beforeAll(() => {
  if (process.env.E2E_ACTION_DIR) CLI = path.join(ACTION_DIR, 'dist', 'lock', 'index.js')
  else {
    bundle = bundleForAnyUser('src/bin/lock.ts', 'lock-cli')
    CLI = bundle.file
  }
})
afterAll(() => bundle?.remove())

let dir: string
let clone: string
const children: ChildProcess[] = []
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lock-cli-'))
  clone = path.join(dir, 'github.com', 'acme', 'app.v2')
})
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(NODE_PATH, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

interface Acquired {
  token: string
  lockFile: string
}

/** Starts `acquire --hold process` and resolves with its JSON line once it holds the lock. */
function holdInBackground(): Promise<{ child: ChildProcess; acquired: Acquired }> {
  const child = spawn(NODE_PATH, [CLI, 'acquire', '--path', clone, '--hold', 'process'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`acquire exited with ${code} before holding`)))
    createInterface({ input: child.stdout! }).once('line', line =>
      resolve({ child, acquired: JSON.parse(line) as Acquired })
    )
  })
}

it('acquire (hold process) → status names the holder → a one-try acquire times out naming it (exit 3) → SIGINT releases', async () => {
  const { child, acquired } = await holdInBackground()
  // `<clone>.lock` beside the clone, the name plus `.lock` (never suffix replacement, §2).
  expect(acquired.lockFile).toBe(`${clone}.lock`)
  expect(JSON.parse(readFileSync(acquired.lockFile, 'utf8')).token).toBe(acquired.token)

  const status = JSON.parse(cli(['status', '--path', clone]).stdout)
  expect(status).toMatchObject({ lockFile: `${clone}.lock`, held: true })
  expect(status.holder.token).toBe(acquired.token)
  expect(status.description).toMatch(/held for/)
  // The lock file can be named directly too.
  expect(JSON.parse(cli(['status', '--lock', `${clone}.lock`]).stdout).held).toBe(true)

  const second = cli(['acquire', '--path', clone, '--timeout', '0', '--hold', 'process'])
  expect(second.status).toBe(3)
  expect(second.stderr).toMatch(/Timed out .* held by/)
  expect(second.stderr).toContain(`${clone}.lock`)

  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGINT')
  await exited
  expect(existsSync(`${clone}.lock`)).toBe(false)
  expect(JSON.parse(cli(['status', '--path', clone]).stdout).held).toBe(false)
})

it('acquire (hold job) outlives the CLI process; release with the wrong token fails, with the right one frees it', () => {
  // The calling shell is the job anchor: it stays alive while the lock is released from it.
  const script =
    `out=$("${NODE_PATH}" "${CLI}" acquire --path "${clone}") || exit 1; echo "$out"; ` +
    `"${NODE_PATH}" "${CLI}" status --path "${clone}"; ` +
    `"${NODE_PATH}" "${CLI}" release --path "${clone}" --token 0123456789abcdef0123456789abcdef; echo "wrong=$?"; ` +
    `token=$(printf '%s' "$out" | sed 's/.*"token":"\\([0-9a-f]*\\)".*/\\1/'); ` +
    `"${NODE_PATH}" "${CLI}" release --path "${clone}" --token "$token"; echo "right=$?"; ` +
    `"${NODE_PATH}" "${CLI}" status --path "${clone}"`
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 })
  const lines = result.stdout.trim().split('\n')
  const acquired = JSON.parse(lines[0]) as Acquired & { keeperPid: number; anchorPid: number }
  expect(acquired.keeperPid).toBeGreaterThan(0)
  expect(acquired.anchorPid).toBeGreaterThan(1)
  // Still held after the acquiring process exited: the keeper holds it for the job.
  expect(JSON.parse(lines[1])).toMatchObject({ held: true, holder: { token: acquired.token } })
  expect(lines).toContain('wrong=1')
  expect(result.stderr).toMatch(/no longer held by this job|not held|another/i)
  expect(lines).toContain('right=0')
  expect(JSON.parse(lines[lines.length - 1]).held).toBe(false)
})

it('hold job: once the shell that ran acquire exits, the keeper releases, and release says why', async () => {
  // Two commands, so that bash does not exec the CLI in its place: bash is its parent.
  const script = `"${NODE_PATH}" "${CLI}" acquire --path "${clone}"; echo "exit=$?" >&2`
  const first = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    timeout: 30_000
  })
  expect(first.stderr).toContain('exit=0')
  const { token, keeperPid } = JSON.parse(first.stdout) as Acquired & { keeperPid: number }
  // That shell has exited: the keeper notices within a second and releases.
  const deadline = Date.now() + 10_000
  while (existsSync(`${clone}.lock`) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  expect(existsSync(`${clone}.lock`)).toBe(false)
  const release = cli(['release', '--path', clone, '--token', token])
  expect(release.status).toBe(1)
  expect(release.stderr).toContain(`lock release: ${clone}.lock is not held any more`)
  expect(release.stderr).toMatch(/by default the shell that ran `lock acquire`/)
  expect(keeperPid).toBeGreaterThan(0)
})

it('--help for the CLI and each command; acquire --help explains what --hold job is tied to', () => {
  const main = cli(['--help'])
  expect(main.status).toBe(0)
  expect(main.stdout).toMatch(/^Usage: lock <command>/)
  expect(main.stdout).toMatch(/Exit codes: 0 done; 1 failed/)
  const acquire = cli(['acquire', '--help'])
  expect(acquire.status).toBe(0)
  expect(acquire.stdout).toMatch(/the PARENT of this command, i\.e\. the shell that ran it/)
  for (const command of ['release', 'status']) {
    const help = cli([command, '--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(new RegExp(`^Usage: lock ${command} `))
  }
  expect(existsSync(path.dirname(clone))).toBe(false)
})

it('bad flags fail at once with exit 2, naming the flag, the value and what is accepted', () => {
  const started = Date.now()
  const timeout = cli(['acquire', '--path', clone, '--timeout', 'abc'])
  expect(timeout.status).toBe(2)
  expect(timeout.stderr).toContain(
    '--timeout "abc" is not valid: expected -1 (wait forever), 0 (try once) or a number of seconds'
  )
  expect(Date.now() - started).toBeLessThan(10_000)
  const hold = cli(['acquire', '--path', clone, '--hold', 'forever'])
  expect(hold.status).toBe(2)
  expect(hold.stderr).toContain('--hold "forever" is not valid: expected job or process.')
  const token = cli(['release', '--path', clone, '--token', 'abc'])
  expect(token.status).toBe(2)
  expect(token.stderr).toContain('--token "abc" is not valid')
  // Nothing on disk changed.
  expect(existsSync(path.dirname(clone))).toBe(false)
})

it('refuses an unknown command with its usage (exit 2)', () => {
  const result = cli(['grab', '--path', clone])
  expect(result.status).toBe(2)
  expect(result.stderr).toMatch(/usage: lock acquire\|release\|status/)
  expect(existsSync(path.dirname(clone))).toBe(false)
})
