import { afterEach, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  REPO_ROOT,
  isProcessAlive,
  overlaps,
  runJob,
  runMatrix,
  type JobHandle
} from '../../../testkit/emulator.js'

const FIXTURES = path.join(REPO_ROOT, '__tests__', 'fixtures', 'emulator')
const BASIC = path.join(FIXTURES, 'basic-action')

const started: JobHandle[] = []
const strays: number[] = []
const tempDirs: string[] = []
const job = (spec: Parameters<typeof runJob>[0]) => {
  const handle = runJob({ actionDir: BASIC, ...spec })
  started.push(handle)
  return handle
}
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'emulator-test-'))
  tempDirs.push(dir)
  return dir
}

afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.kill('job', 'SIGKILL')
    await handle.result
    handle.killOrphans()
  }
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('a job: main, steps, post', () => {
  it('passes state main→post, parses outputs and env (both forms), masks, annotates, summarises', async () => {
    const handle = job({
      github: { repository: 'Acme/Widgets' },
      steps: [
        {
          id: 'show',
          run: [
            'echo "env=$FROM_MAIN"',
            'echo "multi=$(echo "$MULTI_ENV" | tr "\\n" ",")"',
            'echo "template=${{ steps.checkout.outputs.greeting }}"',
            'echo "output-env=$STEP_OUTPUT_GREETING"',
            'echo "again s3cr3t-value"',
            'echo "later=yes" >> "$GITHUB_ENV"',
            'echo "from-step=1" >> "$GITHUB_OUTPUT"'
          ].join('\n')
        },
        {
          id: 'callback',
          fn: async context => ({
            outputs: {
              seen: `${context.env.FROM_MAIN}/${context.env.later}/${context.outputs.show['from-step']}`
            }
          })
        }
      ]
    })
    const result = await handle.result
    expect(result.conclusion).toBe('success')
    const main = result.main!
    // main is a direct child of the job process (the lock's job anchor, SPEC §2)
    expect(main.stdout[0]).toBe(`pid=${main.pid} ppid=${result.jobPid}`)
    expect(result.outputs).toEqual({
      greeting: 'hello from Acme/Widgets',
      multi: 'line one\nline=two'
    })
    expect(result.state).toEqual({ 'lock-token': 'tok-123', note: 'first\nsecond' })
    expect(main.env).toEqual({ FROM_MAIN: 'main-value', MULTI_ENV: 'a\nb' })

    const show = result.step('show')!
    expect(show.stdout).toEqual([
      'env=main-value',
      'multi=a,b,',
      'template=hello from Acme/Widgets',
      'output-env=hello from Acme/Widgets',
      'again ***'
    ])
    expect(result.step('callback')!.outputs).toEqual({ seen: 'main-value/yes/1' })

    const post = result.post!
    expect(post.stdout).toContain('post lock-token=tok-123')
    expect(post.stdout).toContain('post note="first\\nsecond"')
    expect(post.stdout).toContain('post FROM_MAIN=main-value')
    expect(post.stdout).toContain('post hang input=false') // post gets the inputs too
    expect(post.stdout[0]).toBe(`post pid=${post.pid} ppid=${result.jobPid}`)
    expect(result.steps.map(s => `${s.kind}:${s.id}`)).toEqual([
      'main:checkout',
      'run:show',
      'fn:callback',
      'post:checkout'
    ])
    expect(post.startedAt).toBeGreaterThanOrEqual(result.step('callback')!.endedAt!)

    // the masked secret never appears, the add-mask line is not recorded
    expect(main.stdout).toContain('the secret is ***')
    expect(JSON.stringify(result.steps)).not.toContain('s3cr3t-value')
    expect(result.annotations).toEqual([
      {
        level: 'warning',
        message: 'watch\nout',
        properties: { title: 'Careful' },
        step: 'checkout'
      },
      {
        level: 'error',
        message: 'broken thing',
        properties: { file: 'a.ts', line: '3' },
        step: 'checkout'
      }
    ])
    expect(result.summary).toBe('### main summary\n### post summary\n')
    expect(result.env).toMatchObject({ FROM_MAIN: 'main-value', later: 'yes' })
  })

  it('skips later steps after a failure but still runs `if: always` steps and the post', async () => {
    const result = await job({
      with: { fail: 'true' },
      steps: [
        { id: 'skipped', run: 'echo should-not-run' },
        { id: 'always', run: 'echo ran anyway', if: 'always' }
      ]
    }).result
    expect(result.conclusion).toBe('failure')
    expect(result.main!.status).toBe('failure')
    expect(result.main!.exitCode).toBe(1)
    expect(result.step('skipped')!.status).toBe('skipped')
    expect(result.step('always')!.stdout).toEqual(['ran anyway'])
    expect(result.post!.status).toBe('success')
  })

  it("applies action.yml's defaults (evaluating ${{ github.* }}) and `with`, as INPUT_<NAME> with dashes kept", async () => {
    const dir = tempDir()
    const actionYml = readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8').replace(
      /\nruns:[\s\S]*$/,
      '\nruns:\n  using: node24\n  main: dump-inputs.mjs\n'
    )
    writeFileSync(path.join(dir, 'action.yml'), actionYml)
    copyFileSync(path.join(FIXTURES, 'dump-inputs.mjs'), path.join(dir, 'dump-inputs.mjs'))
    const result = await job({
      actionDir: dir,
      github: {
        repository: 'Acme/Widgets',
        serverUrl: 'http://127.0.0.1:9',
        token: 'ghs_tokenvalue'
      },
      with: { 'fetch-depth': '5', surprise: 'x' }
    }).result
    const line = result.main!.stdout.find(l => l.startsWith('inputs='))!
    const inputs = JSON.parse(line.slice('inputs='.length))
    expect(inputs).toEqual({
      INPUT_REPOSITORY: 'Acme/Widgets',
      INPUT_REF: '',
      INPUT_TOKEN: '***', // the token is masked in recorded output, like a secret
      'INPUT_GITHUB-SERVER-URL': 'http://127.0.0.1:9',
      INPUT_PATH: '',
      INPUT_ROOT: '',
      'INPUT_HOLD-LOCK': 'job',
      'INPUT_LOCK-TIMEOUT': '-1',
      INPUT_CLEAN: 'true',
      'INPUT_FETCH-DEPTH': '5',
      'INPUT_FETCH-TAGS': 'false',
      INPUT_SUBMODULES: 'false',
      INPUT_LFS: 'false',
      'INPUT_PERSIST-CREDENTIALS': 'false',
      INPUT_CACHE: 'true',
      'INPUT_CACHE-KEY': '',
      INPUT_TREES: '1',
      'INPUT_SSH-KEY': '',
      'INPUT_SSH-KNOWN-HOSTS': '',
      'INPUT_SSH-STRICT': 'true',
      'INPUT_SSH-USER': 'git',
      'INPUT_SPARSE-CHECKOUT': '',
      'INPUT_SPARSE-CHECKOUT-CONE-MODE': 'true',
      INPUT_FILTER: '',
      'INPUT_SHOW-PROGRESS': 'true',
      'INPUT_SET-SAFE-DIRECTORY': 'true',
      INPUT_SURPRISE: 'x'
    })
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/Unexpected input\(s\) 'surprise'/)
      })
    ])
    expect(result.post).toBeUndefined() // no runs.post, no post step
  })
})

describe('processes', () => {
  it('kills, at job end, detached processes carrying the tracking id, and not others', async () => {
    const result = await job({ with: { orphans: 'true' } }).result
    const match = /orphan=(\d+) untracked=(\d+)/.exec(result.main!.stdout.join('\n'))!
    const [tracked, untracked] = [Number(match[1]), Number(match[2])]
    strays.push(tracked, untracked)
    expect(result.orphansKilled.map(p => p.pid)).toEqual([tracked])
    expect(result.orphansKilled[0].command).toContain('setInterval')
    await waitUntil(() => !isProcessAlive(tracked), 'the tracked orphan to die')
    expect(isProcessAlive(untracked)).toBe(true)
  })

  it('kill("job", "SIGKILL") is a crashed worker: no post, no orphan cleanup', async () => {
    const handle = job({ with: { hang: 'true', orphans: 'true' }, steps: [{ run: 'echo never' }] })
    const orphanLine = await handle.waitForLine(/^orphan=/)
    await handle.waitForLine(/^ready$/)
    expect(await handle.kill('job', 'SIGKILL')).toBe(true)
    const result = await handle.result
    const tracked = Number(/orphan=(\d+)/.exec(orphanLine)![1])
    strays.push(tracked, Number(/untracked=(\d+)/.exec(orphanLine)![1]))
    expect(result.conclusion).toBe('crashed')
    expect(result.jobExit.signal).toBe('SIGKILL')
    expect(result.steps.map(s => `${s.kind}:${s.status}`)).toEqual(['main:interrupted'])
    expect(result.post).toBeUndefined()
    expect(result.orphansKilled).toEqual([])
    await waitUntil(() => !isProcessAlive(result.main!.pid!), 'main to die with its job')
    expect(isProcessAlive(tracked)).toBe(true) // nobody cleaned up
    expect(handle.killOrphans().map(p => p.pid)).toEqual([tracked])
  })

  it('SIGINT to the main step fails it; later steps are skipped; the post still runs', async () => {
    const handle = job({ with: { hang: 'true' }, steps: [{ id: 'after', run: 'echo after' }] })
    await handle.waitForLine(/^ready$/, { kind: 'main' })
    expect(await handle.kill('post', 'SIGINT')).toBe(false) // no post is running yet
    expect(await handle.kill('main', 'SIGINT')).toBe(true)
    const result = await handle.result
    expect(result.main).toMatchObject({ status: 'failure', signal: 'SIGINT' })
    expect(result.main!.signals.map(s => s.signal)).toEqual(['SIGINT'])
    expect(result.step('after')!.status).toBe('skipped')
    expect(result.post).toMatchObject({ status: 'success' })
    expect(result.post!.stdout).toContain('post lock-token=tok-123')
  })

  it('cancels like the runner: SIGINT, SIGTERM, then SIGKILL to the step; then the post', async () => {
    const handle = job({
      with: { hang: 'true', 'ignore-signals': 'true' },
      cancel: { sigtermAfterMs: 300, sigkillAfterMs: 300 },
      steps: [{ id: 'after', run: 'echo after' }]
    })
    await handle.waitForPhase('main')
    await handle.waitForLine(/^ready$/)
    handle.cancel()
    const result = await handle.result
    expect(result.conclusion).toBe('cancelled')
    const main = result.main!
    expect(main.signals.map(s => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL (process tree)'])
    expect(main.stdout).toEqual(
      expect.arrayContaining(['got SIGINT, ignoring it', 'got SIGTERM, ignoring it'])
    )
    expect(main).toMatchObject({ status: 'cancelled', signal: 'SIGKILL' })
    const [sigint, sigterm, sigkill] = main.signals.map(s => s.at)
    expect(sigterm - sigint).toBeGreaterThanOrEqual(250)
    expect(sigkill - sigterm).toBeGreaterThanOrEqual(250)
    expect(result.step('after')!.status).toBe('skipped')
    expect(result.post!.status).toBe('success')
  })

  it('does not wait forever for output a background descendant holds open; cleanup kills it', async () => {
    const result = await job({
      action: false,
      outputDrainMs: 200,
      steps: [{ id: 'bg', run: 'sleep 30 &\necho started' }]
    }).result
    const step = result.step('bg')!
    expect(step.status).toBe('success')
    expect(step.stdout).toEqual(['started'])
    expect(step.stderr.join('\n')).toMatch(/still held open by a descendant/)
    expect(result.orphansKilled.map(p => p.command)).toEqual(['sleep 30'])
  })

  it('records a step that cannot start as failed instead of hanging', async () => {
    const result = await job({
      nodePath: path.join(tempDir(), 'no-such-node'),
      steps: [{ id: 'cwd', run: 'true', cwd: '/nonexistent-dir', if: 'always' }]
    }).result
    expect(result.main).toMatchObject({ status: 'failure', exitCode: null })
    expect(result.main!.stderr.join('\n')).toMatch(/could not start .*no-such-node.*ENOENT/)
    expect(result.step('cwd')!.stderr.join('\n')).toMatch(
      /could not start bash in \/nonexistent-dir/
    )
    expect(result.post!.status).toBe('failure')
  })

  it('runs a matrix of 3 jobs concurrently, each with its own tracking id and temp', async () => {
    const barrier = tempDir()
    const { handles, results } = runMatrix(
      [1, 2, 3].map(n => ({
        actionDir: BASIC,
        label: `job${n}`,
        with: { barrier, 'barrier-count': '3' }
      }))
    )
    started.push(...handles)
    const all = await results
    for (const result of all) {
      expect(result.conclusion).toBe('success')
      expect(result.main!.stdout).toContain('barrier passed') // only possible if all three mains ran at once
    }
    expect(new Set(all.map(r => r.trackingId)).size).toBe(3)
    expect(new Set(all.map(r => r.runnerTemp)).size).toBe(3)
    expect(overlaps(all[0].main!, all[1].main!) && overlaps(all[1].main!, all[2].main!)).toBe(true)
  })
})
