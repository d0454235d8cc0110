/**
 * The lock as a stand-alone CLI (`dist/lock/index.js`, README "Troubleshooting"): what an
 * administrator or another CI system runs. The built bundle, real processes and signals.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { ACTION_DIR, NODE_PATH } from '../../testkit/e2e.js'

const CLI = path.join(ACTION_DIR, 'dist', 'lock', 'index.js')

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

it('acquire (hold process) → status names the holder → a one-try acquire fails naming it → SIGINT releases', async () => {
  const { child, acquired } = await holdInBackground()
  // `<clone>.lock` beside the clone, the name plus `.lock` (never suffix replacement, §2).
  expect(acquired.lockFile).toBe(`${clone}.lock`)
  expect(JSON.parse(readFileSync(acquired.lockFile, 'utf8')).token).toBe(acquired.token)

  const status = JSON.parse(cli(['status', '--path', clone]).stdout)
  expect(status).toMatchObject({ lockFile: `${clone}.lock`, held: true })
  expect(status.holder.token).toBe(acquired.token)
  expect(status.description).toMatch(/held for/)

  const second = cli(['acquire', '--path', clone, '--timeout', '0', '--hold', 'process'])
  expect(second.status).toBe(1)
  expect(second.stderr).toMatch(/held by/)
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
  const acquired = JSON.parse(lines[0]) as Acquired & { keeperPid: number }
  expect(acquired.keeperPid).toBeGreaterThan(0)
  // Still held after the acquiring process exited: the keeper holds it for the job.
  expect(JSON.parse(lines[1])).toMatchObject({ held: true, holder: { token: acquired.token } })
  expect(lines).toContain('wrong=1')
  expect(result.stderr).toMatch(/no longer held by this job|not held|another/i)
  expect(lines).toContain('right=0')
  expect(JSON.parse(lines[lines.length - 1]).held).toBe(false)
})

it('refuses an unknown command with its usage', () => {
  const result = cli(['grab', '--path', clone])
  expect(result.status).toBe(1)
  expect(result.stderr).toMatch(/usage: lock acquire\|release\|status/)
  expect(existsSync(path.dirname(clone))).toBe(false)
})
