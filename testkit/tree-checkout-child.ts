/**
 * Checks a commit out in a tree with the action's own tree checkout (trees/checkout.ts), in a
 * process of its own: tests start it as another user (an unprivileged runner user, for whom
 * permissions are real). Argument: JSON { treeDir, sha }. Prints one JSON line: { ok, log } or
 * { ok: false, error }.
 */
import path from 'node:path'
import { localGitEnv } from '../src/git/env.js'
import { GitRunner } from '../src/git/git.js'
import { checkoutTree } from '../src/trees/checkout.js'

const { treeDir, sha } = JSON.parse(process.argv[2] ?? '{}') as { treeDir: string; sha: string }
const lines: string[] = []
const log = {
  info: (line: string) => void lines.push(line),
  warning: (line: string) => void lines.push(line),
  notice: (line: string) => void lines.push(line),
  debug: () => undefined
}
const git = new GitRunner({
  env: localGitEnv(process.env, { safeDirectories: [treeDir], ceiling: path.dirname(treeDir) }),
  secrets: []
})
try {
  await checkoutTree(
    git,
    treeDir,
    {
      sha,
      clean: true,
      submodules: false,
      lfs: false,
      fetchDepth: 0,
      showProgress: false,
      remote: { auth: { kind: 'none' }, stall: { limitBytes: 1024, seconds: 60 } }
    },
    log
  )
  process.stdout.write(`${JSON.stringify({ ok: true, log: lines })}\n`)
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error), log: lines })}\n`)
}
