/**
 * The tree of `shared-checkout checkout` is held for the calling shell, also when the command
 * runs inside `$(…)`: a subshell (a fork of the shell) exits with the command and must not be
 * the anchor, or the keeper would release the tree at once (§2).
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { shellOf, type ProcessFacts } from '../../../src/cli/anchor.js'

const facts = (
  pid: number,
  parent: number,
  cmdline: string,
  exe = '/usr/bin/bash'
): ProcessFacts => ({
  pid,
  parent,
  exe,
  cmdline
})

describe('shellOf (pure)', () => {
  it('skips a subshell, a fork with its parent’s program and command line', () => {
    expect(
      shellOf([
        facts(30, 20, 'bash\0job.sh\0'),
        facts(20, 10, 'bash\0job.sh\0'),
        facts(10, 1, 'runner\0')
      ])
    ).toBe(20)
  })

  it('keeps a shell started by another shell (another command line)', () => {
    expect(shellOf([facts(30, 20, 'bash\0-c\0make\0'), facts(20, 10, 'bash\0job.sh\0')])).toBe(30)
  })

  it('keeps a parent of another program', () => {
    expect(shellOf([facts(30, 20, 'sh\0x\0', '/usr/bin/dash'), facts(20, 10, 'bash\0x\0')])).toBe(
      30
    )
  })
})

describe('callerShellPid on this machine', () => {
  it('names the script’s shell from inside $(…), and from a plain command', () => {
    const probe = path.resolve('__tests__/unit/cli/anchor-probe.ts')
    const run = (script: string): string[] =>
      spawnSync('bash', ['-c', script], {
        encoding: 'utf8',
        env: { ...process.env, PROBE: probe }
      })
        .stdout.trim()
        .split('\n')
    const [inside, shell] = run('A=$(node --import tsx "$PROBE"); echo "$A"; echo $$')
    expect(inside).toBe(shell)
    const [direct, shell2] = run('node --import tsx "$PROBE"; echo $$')
    expect(direct).toBe(shell2)
  }, 30_000)
})
