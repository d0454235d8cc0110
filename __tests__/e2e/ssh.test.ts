/**
 * SSH end to end (§1 ssh-key, ssh-known-hosts, ssh-strict, ssh-user; issue 15): the built action
 * through the runner emulator against a real OpenSSH server on 127.0.0.N:22 (testkit/ssh-server,
 * key-only), paired with the HTTP git server on the same address so that `github-server-url`
 * names the SSH host. The key lives only in 0600 files under RUNNER_TEMP for the job: never in
 * argv or the environment of git and ssh processes, never in a file of the store or the trees,
 * never in the log; removed by post, and by a main that fails.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ACTION_DIR, NODE_PATH, fakeToken } from '../../testkit/e2e.js'
import { runJob, type JobResult, type JobSpec } from '../../testkit/emulator.js'
import {
  advance,
  createRepo,
  createUpstreamRoot,
  removeUpstreamRoot,
  revParse,
  type FixtureRepo
} from '../../testkit/git-fixtures.js'
import { startGitServer, type GitServer } from '../../testkit/git-server.js'
import { startSshServer, type SshServer } from '../../testkit/ssh-server.js'
import {
  allLines,
  entriesUnder,
  errors,
  expectConclusion,
  filesContaining,
  git,
  repoPaths
} from './helpers.js'

let upstream: string
let ssh: SshServer
let server: GitServer
let token: string
let scratch: string
let root: string
let repo: FixtureRepo
let repoDir: ReturnType<typeof repoPaths>
/** Lines of the private keys: what must never show up anywhere. */
let keyLines: string[]

beforeAll(async () => {
  upstream = createUpstreamRoot()
  ssh = await startSshServer({ root: upstream })
  token = fakeToken()
  server = await startGitServer({ root: upstream, token, host: ssh.host })
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-e2e-ssh-'))
  root = path.join(scratch, 'shared')
  // Big enough that git's ssh child lives for a while (the /proc watch must see it).
  const files: Record<string, Buffer | string> = { 'README.md': '# app\n' }
  for (let i = 0; i < 6; i++) files[`blobs/${i}.bin`] = randomBytes(1 << 20)
  repo = createRepo(upstream, 'acme', 'app', files)
  repoDir = repoPaths(
    path.join(root, server.url.slice('http://'.length).replace(':', '_'), 'acme', 'app')
  )
  keyLines = [ssh.clientKey.privateKey, ssh.otherKey.privateKey]
    .flatMap(key => key.split('\n'))
    .filter(line => line.length > 20 && !line.startsWith('-----'))
}, 60_000)

afterAll(async () => {
  await server?.stop()
  await ssh?.stop()
  removeUpstreamRoot(upstream)
  rmSync(scratch, { recursive: true, force: true })
})

let jobs = 0
/** A job of this world; RUNNER_TEMP's parent is kept (under scratch) so tests can look at it. */
function job(
  spec: JobSpec = {},
  machineRoot = root
): { result: Promise<JobResult>; runnerTemp: string } {
  const tempDir = path.join(scratch, `job-${++jobs}`)
  const handle = runJob({
    actionDir: ACTION_DIR,
    nodePath: NODE_PATH,
    tempDir,
    ...spec,
    with: { repository: 'acme/app', 'github-server-url': server.url, ref: 'main', ...spec.with },
    github: { repository: 'acme/app', token },
    env: { SHARED_CHECKOUT_ROOT: machineRoot, HOME: scratch, ...spec.env }
  })
  return { result: handle.result, runnerTemp: handle.runnerTemp }
}

const withKey = (extra: Record<string, string> = {}): Record<string, string> => ({
  'ssh-key': ssh.clientKey.privateKey,
  'ssh-known-hosts': ssh.hostKeyLine,
  ...extra
})

function sshDirsIn(runnerTemp: string): string[] {
  return readdirSync(runnerTemp).filter(name => name.startsWith('shared-checkout-ssh-'))
}

/**
 * Records the argv and environment of every git and ssh process on the machine while it runs,
 * by reading /proc every few milliseconds (the processes are ours; root may read them all).
 */
function watchProcesses(): { stop: () => { argv: string[]; environ: string[] } } {
  const argv = new Map<number, string>()
  const environ = new Map<number, string>()
  let running = true
  const scan = (): void => {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name)
      if (!Number.isInteger(pid) || argv.has(pid)) continue
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        const command = path.basename(cmdline.split('\0')[0] ?? '')
        if (!/^(git|git-.*|ssh)$/.test(command)) continue
        argv.set(pid, cmdline.replace(/\0/g, ' '))
        environ.set(pid, readFileSync(`/proc/${pid}/environ`, 'utf8'))
      } catch {
        // exited while we looked
      }
    }
  }
  const loop = async (): Promise<void> => {
    while (running) {
      scan()
      await new Promise(resolve => setTimeout(resolve, 2))
    }
  }
  void loop()
  return {
    stop: () => {
      running = false
      return { argv: [...argv.values()], environ: [...environ.values()] }
    }
  }
}

const containsKey = (text: string): boolean => keyLines.some(line => text.includes(line))

describe('a checkout over SSH with ssh-key and strict host checking', () => {
  let result: JobResult
  let runnerTemp: string
  let seen: { argv: string[]; environ: string[] }
  let duringJob: { dirs: string[]; modes: Record<string, number>; sshCommand: string }
  let connectionsBefore: number
  let connectionsAfterMain: number
  let advanced: string

  beforeAll(async () => {
    connectionsBefore = ssh.connections()
    const watch = watchProcesses()
    const run = job({
      with: withKey({ 'persist-credentials': 'true' }),
      steps: [
        {
          fn: async ({ runnerTemp: temp, env }) => {
            connectionsAfterMain = ssh.connections()
            const dirs = sshDirsIn(temp)
            const modes: Record<string, number> = {}
            for (const dir of dirs) {
              modes[dir] = statSync(path.join(temp, dir)).mode & 0o777
              for (const file of readdirSync(path.join(temp, dir)))
                modes[`${dir}/${file}`] = statSync(path.join(temp, dir, file)).mode & 0o777
            }
            duringJob = { dirs, modes, sshCommand: env.GIT_SSH_COMMAND ?? '' }
            advanced = advance(repo, 1)
          }
        },
        {
          // persist-credentials: the job's own git reaches the remote over SSH.
          run: [
            'set -e',
            'cd "$SHARED_CHECKOUT_PATH"',
            'echo "origin=$(git remote get-url origin)"',
            'git fetch --quiet origin main',
            'echo "fetched=$(git rev-parse FETCH_HEAD)"'
          ].join('\n')
        }
      ]
    })
    runnerTemp = run.runnerTemp
    result = await run.result
    seen = watch.stop()
  }, 60_000)

  it('checks the commit out in a tree whose origin is the SSH URL', () => {
    expectConclusion(result, 'success')
    expect(git(result.outputs.path, ['rev-parse', 'HEAD'])).toBe(revParse(repo, 'main~1'))
    expect(allLines(result)).toContain(`origin=${ssh.repoUrl('acme', 'app')}`)
    expect(connectionsAfterMain).toBeGreaterThan(connectionsBefore)
    // The store fetched over SSH too; nothing asked the HTTP server for the repository.
    expect(git(repoDir.store, ['config', 'remote.origin.url'])).toBe(ssh.repoUrl('acme', 'app'))
    expect(server.requests.filter(r => r.service === 'git-upload-pack')).toHaveLength(0)
  })

  it('keeps the key in one 0700 directory of 0600 files under RUNNER_TEMP while the job runs', () => {
    expect(duringJob.dirs).toHaveLength(1)
    const [dir] = duringJob.dirs
    expect(duringJob.modes).toEqual({
      [dir]: 0o700,
      [`${dir}/key`]: 0o600,
      [`${dir}/known_hosts`]: 0o600
    })
    // Later steps get the ssh command (persist-credentials): paths, not the key.
    expect(duringJob.sshCommand).toContain(path.join(runnerTemp, dir, 'key'))
    expect(containsKey(duringJob.sshCommand)).toBe(false)
  })

  it('persist-credentials: a later step fetches over SSH; post takes the command back and removes the key', () => {
    expect(allLines(result)).toContain(`fetched=${advanced}`)
    expect(sshDirsIn(runnerTemp)).toEqual([])
    expect(result.env.GIT_SSH_COMMAND).toBe('ssh')
  })

  it('never puts the key in the argv or environment of a git or ssh process', () => {
    const sshProcesses = seen.argv.filter(a => /^\S*ssh -i /.test(a))
    expect(sshProcesses.length).toBeGreaterThan(0)
    expect(seen.argv.filter(containsKey)).toEqual([])
    expect(seen.environ.filter(containsKey)).toEqual([])
    // What git's ssh ran with: our key file, our known hosts, no agent, the system config only.
    expect(sshProcesses[0]).toMatch(/-i \S+\/shared-checkout-ssh-\w+\/key -F \S+ /)
    expect(sshProcesses[0]).toContain('IdentityAgent=none')
    expect(sshProcesses[0]).toContain('StrictHostKeyChecking=yes')
  })

  it('never writes the key into the store, a tree, the root or HOME, nor into the log', () => {
    expect(filesContaining(scratch, keyLines)).toEqual([])
    const lines = allLines(result)
    expect(lines.filter(containsKey)).toEqual([])
    // A leak would have been masked: nothing masked was printed at all.
    expect(lines.filter(line => line.includes('***'))).toEqual([])
    expect(readFileSync(path.join(repoDir.tree(1), '.git', 'config'), 'utf8')).not.toMatch(
      /sshCommand|key/i
    )
  })
})

describe('without persist-credentials', () => {
  it("a later step's git cannot reach the remote over SSH: the key is not handed on", async () => {
    const run = job({
      with: withKey(),
      steps: [
        {
          run: 'cd "$SHARED_CHECKOUT_PATH" && if git fetch --quiet origin main; then echo FETCHED; else echo REFUSED; fi'
        }
      ]
    })
    const result = await run.result
    expectConclusion(result, 'success')
    expect(allLines(result)).toContain('REFUSED')
    expect(result.env.GIT_SSH_COMMAND).toBeUndefined()
  }, 60_000)
})

describe('ssh-strict', () => {
  it('false: works without any known host', async () => {
    const before = ssh.connections()
    const result = await job({ with: withKey({ 'ssh-known-hosts': '', 'ssh-strict': 'false' }) })
      .result
    expectConclusion(result, 'success')
    expect(ssh.connections()).toBeGreaterThan(before)
  }, 60_000)

  it.each([
    ['empty', (): string => ''],
    [
      'another key for the host',
      (): string => `${ssh.host} ${ssh.otherKey.publicKey.split(' ').slice(0, 2).join(' ')}`
    ]
  ])(
    'true with %s known hosts: fails, saying to fix ssh-known-hosts; main removes the key at once',
    async (_what, knownHosts) => {
      let afterMain: string[] = ['not looked']
      const run = job({
        with: withKey({ 'ssh-known-hosts': knownHosts() }),
        steps: [
          { if: 'always', fn: async ({ runnerTemp: temp }) => void (afterMain = sshDirsIn(temp)) }
        ]
      })
      const result = await run.result
      expectConclusion(result, 'failure')
      expect(errors(result)).toContain(`SSH host key verification failed for ${ssh.host}`)
      expect(errors(result)).toMatch(/ssh-known-hosts.*ssh-strict: false/s)
      expect(afterMain).toEqual([])
      expect(sshDirsIn(run.runnerTemp)).toEqual([])
    },
    60_000
  )
})

describe('a key the server does not accept', () => {
  it('is refused with a message naming ssh-key and the user; the key files are removed', async () => {
    let afterMain: string[] = ['not looked']
    const run = job({
      with: withKey({ 'ssh-key': ssh.otherKey.privateKey }),
      steps: [
        { if: 'always', fn: async ({ runnerTemp: temp }) => void (afterMain = sshDirsIn(temp)) }
      ]
    })
    const result = await run.result
    expectConclusion(result, 'failure')
    expect(errors(result)).toContain(
      `The SSH server ${ssh.host} refused the key in ssh-key for user 'git' (Permission denied (publickey))`
    )
    expect(afterMain).toEqual([])
    expect(sshDirsIn(run.runnerTemp)).toEqual([])
    expect(allLines(result).filter(containsKey)).toEqual([])
  }, 60_000)
})

describe('one store over HTTPS and SSH', () => {
  it('HTTPS, then SSH, then HTTPS again: the same store, fetched incrementally each time', async () => {
    // A machine of its own: its store is first filled over HTTPS.
    const machine = path.join(scratch, 'mixed')
    const repoDir = repoPaths(
      path.join(machine, server.url.slice('http://'.length).replace(':', '_'), 'acme', 'app')
    )
    const inode = (): number => statSync(path.join(repoDir.store, 'objects')).ino
    const https1 = await job({ with: {} }, machine).result
    expectConclusion(https1, 'success')
    const storeInode = inode()
    expect(git(repoDir.tree(1), ['remote', 'get-url', 'origin'])).toBe(
      server.repoUrl('acme', 'app')
    )

    const viaSsh = advance(repo, 1)
    const sshBefore = ssh.connections()
    const httpBytes = server.totalBytesSent()
    const overSsh = await job({ with: withKey() }, machine).result
    expectConclusion(overSsh, 'success')
    expect(overSsh.outputs.commit).toBe(viaSsh)
    expect(overSsh.outputs.cloned).toBe('false')
    expect(ssh.connections()).toBeGreaterThan(sshBefore)
    expect(server.totalBytesSent()).toBe(httpBytes) // nothing over HTTP
    expect(git(repoDir.tree(1), ['remote', 'get-url', 'origin'])).toBe(ssh.repoUrl('acme', 'app'))

    const viaHttps = advance(repo, 1)
    server.resetCounters()
    const https2 = await job({ with: {} }, machine).result
    expectConclusion(https2, 'success')
    expect(https2.outputs.commit).toBe(viaHttps)
    expect(https2.outputs.cloned).toBe('false')
    // Only the new commit crossed the wire, not the 6 MiB of history.
    expect(server.totalBytesSent()).toBeLessThan(200_000)
    expect(inode()).toBe(storeInode)
    expect(entriesUnder(repoDir.aside)).toEqual([])
    expect(git(repoDir.store, ['config', 'remote.origin.url'])).toBe(server.repoUrl('acme', 'app'))
    expect(git(repoDir.tree(1), ['remote', 'get-url', 'origin'])).toBe(
      server.repoUrl('acme', 'app')
    )
  }, 60_000)
})
