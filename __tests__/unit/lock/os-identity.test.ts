/**
 * Process identity on macOS and Windows (§2.3, §2.4): the pure parsers and decisions, table
 * driven on all three platforms, plus the macOS `ps` query run for real (Linux procps prints
 * the same `lstart` layout) and the real command runner.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  askFirstAnswer,
  askFirstInstalled,
  commandEnv,
  createProber,
  interpretProbe,
  localFacts,
  parseProcStat,
  probeProcess,
  startTimeOf,
  systemCalls,
  type LocalFacts,
  type OsCalls,
  type ProbeFacts,
  type ProcessProbe
} from '../../../src/lock/identity.js'
import {
  darwinStartTimeQuery,
  parseCimDateTime,
  parseDarwinBootTime,
  parseDarwinLstart,
  parseDarwinPs,
  parseIsoUtc,
  parseUuid,
  parseWmicValue,
  bootIdQueries,
  isTimeDerivedBootId,
  machineIdQueries,
  SINGLE_PID_SPACE,
  startTimeQueries,
  windowsMachineIdQuery,
  type OsCommand
} from '../../../src/lock/os-identity.js'
import { emptyJob, type LockRecord } from '../../../src/lock/record.js'
import { judgeStaleness } from '../../../src/lock/staleness.js'
import { deadPid } from './helpers.js'

describe('macOS parsers', () => {
  it.each([
    ['Sat Nov 28 13:36:27 2026', '2026-11-28T13:36:27Z'],
    ['Sun Nov  8 03:04:05 2026', '2026-11-08T03:04:05Z'],
    ['  Thu Feb 29 23:59:59 2024\n', '2024-02-29T23:59:59Z'],
    ['Mon Jan  1 00:00:00 2024', '2024-01-01T00:00:00Z']
  ])('lstart %p → %p', (text, iso) => {
    expect(parseDarwinLstart(text)).toBe(iso)
  })

  it.each([
    ['localised month', 'sam nov 28 13:36:27 2026'],
    ['not a month', 'Sat Foo 28 13:36:27 2026'],
    ['no such day', 'Fri Feb 30 13:36:27 2026'],
    ['hour 24', 'Sat Nov 28 24:00:00 2026'],
    ['empty', ''],
    ['ps header', 'STARTED']
  ])('lstart rejects %s', (_name, text) => {
    expect(parseDarwinLstart(text)).toBeUndefined()
  })

  it('ps "stat lstart": state decides zombie, the rest is the start time', () => {
    expect(parseDarwinPs('Ss   Sat Nov 28 13:36:27 2026\n')).toEqual({
      startTime: '2026-11-28T13:36:27Z',
      zombie: false
    })
    expect(parseDarwinPs('Z    Sat Nov 28 13:36:27 2026')).toEqual({
      startTime: '2026-11-28T13:36:27Z',
      zombie: true
    })
    expect(parseDarwinPs('')).toBeUndefined()
    expect(parseDarwinPs('Ss')).toBeUndefined()
  })

  it('ps runs in the C locale and UTC, so every reader gets one token per process', () => {
    expect(darwinStartTimeQuery(42).command).toEqual({
      file: 'ps',
      args: ['-o', 'stat=', '-o', 'lstart=', '-p', '42'],
      env: { LC_ALL: 'C', TZ: 'UTC' }
    })
  })

  it.each([
    ['{ sec = 1732780000, usec = 123456 } Sat Nov 28 13:36:27 2026', 'boottime:1732780000.123456'],
    ['{ sec = 1732780000, usec = 5 }', 'boottime:1732780000.000005'],
    ['kern.boottime: unknown oid', undefined]
  ])('kern.boottime %p → %p', (text, id) => {
    expect(parseDarwinBootTime(text)).toBe(id)
  })

  it('boot session and platform uuids are lower-cased uuids, anything else is no answer', () => {
    expect(parseUuid('1B2C3D4E-AAAA-BBBB-CCCC-0123456789AB\n')).toBe(
      '1b2c3d4e-aaaa-bbbb-cccc-0123456789ab'
    )
    expect(parseUuid('')).toBeUndefined()
    expect(parseUuid('sysctl: unknown oid')).toBeUndefined()
  })
})

describe('Windows parsers', () => {
  it.each([
    ['2026-11-28T13:36:27.1234567Z', '2026-11-28T13:36:27.123456Z'],
    ['2026-11-28T13:36:27.5Z\r\n', '2026-11-28T13:36:27.500000Z'],
    ['2026-11-28T13:36:27Z', '2026-11-28T13:36:27.000000Z'],
    ['2026-11-28T13:36:27.1234567+00:00', '2026-11-28T13:36:27.123456Z']
  ])('.NET round-trip %p → %p', (text, iso) => {
    expect(parseIsoUtc(text)).toBe(iso)
  })

  it.each([
    ['local time, not UTC', '2026-11-28T14:36:27.1234567+01:00'],
    ['error text', 'Get-Process : Cannot find a process with the process identifier 42.'],
    ['no such month', '2026-13-28T13:36:27Z'],
    ['empty', '']
  ])('.NET round-trip rejects %s', (_name, text) => {
    expect(parseIsoUtc(text)).toBeUndefined()
  })

  it.each([
    ['UTC', '20261128133627.123456+000', '2026-11-28T13:36:27.123456Z'],
    ['UTC+1', '20261128143627.123456+060', '2026-11-28T13:36:27.123456Z'],
    ['UTC-5 across midnight', '20261127203627.000001-300', '2026-11-28T01:36:27.000001Z'],
    ['UTC+5:30', '20261128190627.654321+330', '2026-11-28T13:36:27.654321Z']
  ])('CIM datetime in %s', (_name, text, iso) => {
    expect(parseCimDateTime(text)).toBe(iso)
  })

  it.each([
    ['2026112813362.123456+000'],
    ['20261128133627+000'],
    ['20261131133627.000000+000'],
    ['']
  ])('CIM datetime rejects %p', text => {
    expect(parseCimDateTime(text)).toBeUndefined()
  })

  it('the same instant gives the same token from PowerShell and from wmic', () => {
    expect(parseIsoUtc('2026-11-28T13:36:27.1234567Z')).toBe(
      parseCimDateTime('20261128153627.123456+120')
    )
  })

  it('wmic /value output and the MachineGuid registry value', () => {
    const wmic = '\r\r\n\r\r\nCreationDate=20261128133627.123456+000\r\r\n\r\r\n'
    expect(parseWmicValue(wmic, 'CreationDate')).toBe('20261128133627.123456+000')
    expect(parseWmicValue(wmic, 'LastBootUpTime')).toBeUndefined()
    const reg =
      '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n' +
      '    MachineGuid    REG_SZ    5E2C1A3B-0000-4000-8000-0123456789AB\r\n\r\n'
    expect(windowsMachineIdQuery().parse(reg)).toBe('5e2c1a3b-0000-4000-8000-0123456789ab')
  })

  it('start time: PowerShell first, wmic second, nothing to spawn on Linux', () => {
    const [first, second] = startTimeQueries('win32', 42)
    expect(first.command.file).toBe('powershell.exe')
    expect(first.command.args.at(-1)).toContain('Get-Process -Id 42')
    expect(second.command.args).toContain('ProcessId=42')
    expect(second.parse('CreationDate=20261128133627.123456+000')).toEqual({
      startTime: '2026-11-28T13:36:27.123456Z',
      zombie: false
    })
    expect(startTimeQueries('linux', 42)).toEqual([])
  })
})

describe('which boot and machine ids each platform reads', () => {
  const files = (platform: NodeJS.Platform) =>
    bootIdQueries(platform).map(q => `${q.command.file} ${q.command.args.at(-1)}`)

  it.each<[NodeJS.Platform, string[]]>([
    ['linux', []],
    ['darwin', ['sysctl kern.bootsessionuuid', 'sysctl kern.boottime']],
    [
      'win32',
      [
        "powershell.exe (Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')",
        'wmic /value'
      ]
    ]
  ])('%s boot id: %j (Linux reads /proc/sys/kernel/random/boot_id directly)', (platform, want) => {
    expect(files(platform)).toEqual(want)
  })

  it.each<[NodeJS.Platform, string[]]>([
    ['linux', []],
    ['darwin', ['ioreg']],
    ['win32', ['reg']]
  ])('%s machine id from %j', (platform, want) => {
    expect(machineIdQueries(platform).map(q => q.command.file)).toEqual(want)
  })

  it.each([
    // PowerShell: rounded down to the second (the boot time is recomputed and jitters).
    ['win32', 0, '2026-11-28T09:30:00.9999999Z\r\n', 'boottime:2026-11-28T09:30:00Z'],
    ['win32', 1, 'LastBootUpTime=20261128103000.500000+060\r\r\n', 'boottime:2026-11-28T09:30:00Z'],
    ['win32', 0, 'Get-CimInstance : Access denied', undefined],
    ['darwin', 0, 'A1B2C3D4-0000-4000-8000-0123456789AB\n', 'a1b2c3d4-0000-4000-8000-0123456789ab'],
    [
      'darwin',
      1,
      '{ sec = 1732780000, usec = 42 } Thu Nov 28 07:46:40 2024',
      'boottime:1732780000.000042'
    ]
  ] as const)('%s boot query %i parses %j → %p', (platform, index, stdout, id) => {
    expect(bootIdQueries(platform)[index].parse(stdout)).toBe(id)
  })

  it('only boot-time-derived ids are marked as such (they never prove a reboot)', () => {
    expect(isTimeDerivedBootId('boottime:2026-11-28T09:30:00Z')).toBe(true)
    expect(isTimeDerivedBootId('boottime:1732780000.000042')).toBe(true)
    expect(isTimeDerivedBootId('a1b2c3d4-0000-4000-8000-0123456789ab')).toBe(false)
    expect(isTimeDerivedBootId('5d9f0a4e-1111-4222-8333-944455556666')).toBe(false)
  })
})

const running = (startTime: string): ProcessProbe => ({ state: 'running', startTime })
const dead: ProcessProbe = { state: 'dead' }
const unknown: ProcessProbe = { state: 'unknown' }
const start = (startTime: string, zombie = false): ProbeFacts['start'] => ({ startTime, zombie })

describe('interpretProbe on every platform', () => {
  it.each<[NodeJS.Platform, string, ProbeFacts, ProcessProbe]>([
    ['darwin', 'no such PID', { signalError: 'ESRCH' }, dead],
    [
      'darwin',
      'exists, start read',
      { start: start('2026-11-28T13:36:27Z') },
      running('2026-11-28T13:36:27Z')
    ],
    [
      'darwin',
      "another user's, start read",
      { signalError: 'EPERM', start: start('T') },
      running('T')
    ],
    ['darwin', 'zombie', { start: start('T', true) }, dead],
    ['darwin', 'exists, start unreadable', {}, unknown],
    ['darwin', 'EPERM, start unreadable', { signalError: 'EPERM' }, unknown],
    ['darwin', 'odd signal error', { signalError: 'EINVAL', start: start('T') }, unknown],
    ['win32', 'no such PID', { signalError: 'ESRCH' }, dead],
    [
      'win32',
      'exists, creation time read',
      { start: start('2026-11-28T13:36:27.123456Z') },
      running('2026-11-28T13:36:27.123456Z')
    ],
    ['win32', 'access denied, creation time unreadable', { signalError: 'EPERM' }, unknown],
    [
      'win32',
      "another user's, creation time read",
      { signalError: 'EPERM', start: start('2026-11-28T13:36:27.123456Z') },
      running('2026-11-28T13:36:27.123456Z')
    ],
    ['win32', 'exists, creation time unreadable', {}, unknown],
    [
      'linux',
      'stat running',
      { statContent: '1 (x) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 1 1' },
      running('77')
    ],
    [
      'linux',
      'stat zombie',
      { statContent: '1 (x) Z 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 1 1' },
      dead
    ],
    ['linux', '/proc entry missing', { statMissing: true }, dead],
    ['linux', 'stat garbled', { statContent: '1 (x' }, unknown],
    ['linux', 'no /proc of ours, signal only', { signalError: undefined }, unknown],
    ['linux', 'no /proc of ours, ESRCH', { signalError: 'ESRCH' }, dead]
  ])('%s: %s', (platform, _name, facts, expected) => {
    expect(interpretProbe(platform, facts)).toEqual(expected)
  })
})

/** Fake OS calls: a process table and a list of installed programs. */
function fakeOs(options: {
  processes: Record<number, string | 'zombie'>
  installed?: string[]
  boot?: Record<string, string>
  clock?: { now: number }
}): OsCalls & { runs: OsCommand[] } {
  const installed = options.installed ?? ['ps', 'sysctl', 'ioreg', 'powershell.exe', 'wmic', 'reg']
  const runs: OsCommand[] = []
  return {
    runs,
    now: () => options.clock?.now ?? 0,
    signal: pid => (pid in options.processes ? undefined : 'ESRCH'),
    run(command) {
      runs.push(command)
      if (!installed.includes(command.file)) return undefined
      const joined = command.args.join(' ')
      const pidText = /(?:-p |-Id |ProcessId=)(\d+)/.exec(joined)?.[1]
      if (pidText !== undefined) {
        const entry = options.processes[Number(pidText)]
        if (entry === undefined) return ''
        if (command.file === 'ps')
          return entry === 'zombie' ? 'Z    Sat Nov 28 13:36:27 2026\n' : `Ss   ${entry}\n`
        if (command.file === 'wmic') return `\r\r\nCreationDate=${entry}\r\r\n`
        return `${entry}\r\n`
      }
      return options.boot?.[command.args.at(-1) ?? ''] ?? options.boot?.[command.file] ?? ''
    }
  }
}

describe('probing through injected OS calls', () => {
  it('darwin: start time from ps; gone PID is dead without running ps; zombie is dead', () => {
    const os = fakeOs({ processes: { 10: 'Sat Nov 28 13:36:27 2026', 11: 'zombie' } })
    expect(probeProcess(10, 'darwin', os)).toEqual(running('2026-11-28T13:36:27Z'))
    expect(probeProcess(11, 'darwin', os)).toEqual(dead)
    const before = os.runs.length
    expect(probeProcess(12, 'darwin', os)).toEqual(dead)
    expect(os.runs.length).toBe(before)
  })

  it('darwin: ps missing or failing → unknown, never dead', () => {
    const missing = fakeOs({ processes: { 10: 'x' }, installed: [] })
    expect(probeProcess(10, 'darwin', missing)).toEqual(unknown)
    const garbled = fakeOs({ processes: { 10: 'not a date' } })
    expect(probeProcess(10, 'darwin', garbled)).toEqual(unknown)
  })

  it('win32: PowerShell answers; wmic only where PowerShell is not installed', () => {
    const withPowershell = fakeOs({ processes: { 10: '2026-11-28T13:36:27.1234567Z' } })
    expect(probeProcess(10, 'win32', withPowershell)).toEqual(
      running('2026-11-28T13:36:27.123456Z')
    )
    expect(withPowershell.runs.map(run => run.file)).toEqual(['powershell.exe'])

    const wmicOnly = fakeOs({ processes: { 10: '20261128143627.123456+060' }, installed: ['wmic'] })
    expect(probeProcess(10, 'win32', wmicOnly)).toEqual(running('2026-11-28T13:36:27.123456Z'))

    // PowerShell installed but unable to read it (access denied): no second opinion from wmic.
    const denied = fakeOs({ processes: { 10: 'Get-Process : access denied' } })
    expect(probeProcess(10, 'win32', denied)).toEqual(unknown)
    expect(denied.runs.map(run => run.file)).toEqual(['powershell.exe'])
  })

  it('askFirstInstalled stops at the first installed program; askFirstAnswer at the first answer', () => {
    const os = fakeOs({ processes: {}, installed: ['b', 'c'], boot: { b: 'junk', c: 'good' } })
    const query = (file: string) => ({
      command: { file, args: [] },
      parse: (out: string) => (out === 'good' ? out : undefined)
    })
    expect(askFirstInstalled([query('a'), query('b'), query('c')], os)).toBeUndefined()
    expect(askFirstAnswer([query('a'), query('b'), query('c')], os)).toBe('good')
  })

  it('the waiter prober reuses a start time for a while, but sees a vanished PID at once', () => {
    const clock = { now: 0 }
    const processes: Record<number, string> = { 10: '2026-11-28T13:36:27.1Z' }
    const os = fakeOs({ processes, clock })
    const probe = createProber('win32', os, 15_000)
    expect(probe(10)).toEqual(running('2026-11-28T13:36:27.100000Z'))
    processes[10] = '2026-11-28T14:00:00.2Z' // PID reused by a newer process
    clock.now = 14_999
    expect(probe(10)).toEqual(running('2026-11-28T13:36:27.100000Z'))
    expect(os.runs).toHaveLength(1)
    clock.now = 15_000
    expect(probe(10)).toEqual(running('2026-11-28T14:00:00.200000Z'))
    delete processes[10]
    expect(probe(10)).toEqual(dead)
    // The uncached probe (used before signalling a process) always reads afresh.
    processes[10] = '2026-11-28T15:00:00Z'
    expect(probeProcess(10, 'win32', os)).toEqual(running('2026-11-28T15:00:00.000000Z'))
  })

  it('localFacts on darwin and win32: machine id, boot id, single PID space', () => {
    const uuid = '1b2c3d4e-aaaa-bbbb-cccc-0123456789ab'
    const darwin = fakeOs({
      processes: {},
      boot: {
        'kern.bootsessionuuid': uuid.toUpperCase(),
        ioreg: `+-o Mac  <class IOPlatformExpertDevice>\n    "IOPlatformUUID" = "${uuid}"\n`
      }
    })
    expect(localFacts('darwin', darwin)).toMatchObject({
      machineId: uuid,
      bootId: uuid,
      pidNamespace: SINGLE_PID_SPACE,
      platform: 'darwin'
    })
    const oldDarwin = fakeOs({
      processes: {},
      boot: { 'kern.boottime': '{ sec = 1732780000, usec = 1 } Thu Nov 28 07:46:40 2024' }
    })
    expect(localFacts('darwin', oldDarwin).bootId).toBe('boottime:1732780000.000001')

    const win = fakeOs({
      processes: {},
      boot: {
        MachineGuid: `    MachineGuid    REG_SZ    ${uuid}\r\n`,
        "(Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')":
          '2026-11-28T09:30:00.4999999Z\r\n'
      }
    })
    expect(localFacts('win32', win)).toMatchObject({
      machineId: uuid,
      bootId: 'boottime:2026-11-28T09:30:00Z',
      pidNamespace: SINGLE_PID_SPACE,
      platform: 'win32'
    })
    const wmicOnly = fakeOs({
      processes: {},
      installed: ['wmic', 'reg'],
      boot: { wmic: 'LastBootUpTime=20261128093000.250000+000\r\r\n' }
    })
    expect(localFacts('win32', wmicOnly).bootId).toBe('boottime:2026-11-28T09:30:00Z')
    const nothing = fakeOs({ processes: {}, installed: [] })
    expect(localFacts('win32', nothing)).toMatchObject({ machineId: '', bootId: '' })
  })
})

describe('is the recorded owner the same process? (§2.4, per platform)', () => {
  const facts: Record<'linux' | 'darwin' | 'win32', LocalFacts> = {
    linux: { host: 'h', machineId: 'm', bootId: 'b1', pidNamespace: 'pid:[1]', platform: 'linux' },
    darwin: {
      host: 'h',
      machineId: 'm',
      bootId: '1b2c3d4e-aaaa-bbbb-cccc-0123456789ab',
      pidNamespace: SINGLE_PID_SPACE,
      platform: 'darwin'
    },
    win32: {
      host: 'h',
      machineId: 'm',
      bootId: 'boottime:2026-11-28T09:30:00Z',
      pidNamespace: SINGLE_PID_SPACE,
      platform: 'win32'
    }
  }
  const recorded: Record<'linux' | 'darwin' | 'win32', string> = {
    linux: '555',
    darwin: '2026-11-28T13:36:27Z',
    win32: '2026-11-28T13:36:27.123456Z'
  }
  const record = (platform: 'linux' | 'darwin' | 'win32', changes: Partial<LockRecord> = {}) => ({
    version: 1 as const,
    kind: 'lock' as const,
    token: '0123456789abcdef0123456789abcdef',
    ...facts[platform],
    owners: [{ pid: 100, startTime: recorded[platform], role: 'process' as const }],
    leaseMs: 30_000,
    heartbeatMs: 5_000,
    job: emptyJob(),
    acquiredAt: '2026-11-28T13:36:28Z',
    ...changes
  })
  const judge = (
    platform: 'linux' | 'darwin' | 'win32',
    probe: ProcessProbe,
    changes: Partial<LockRecord> = {},
    unchangedForMs = 0
  ) => {
    const { stale, rule } = judgeStaleness({
      record: record(platform, changes),
      local: facts[platform],
      probe: () => probe,
      observation: { unchangedForMs, localAgeMs: 0 },
      ownLeaseMs: 30_000,
      abandonedAfterMs: 5_000
    })
    return `${stale ? 'stale' : 'held'}/${rule}`
  }

  it.each(['linux', 'darwin', 'win32'] as const)('%s', platform => {
    // Start time matches: alive however old the heartbeat.
    expect(judge(platform, running(recorded[platform]), {}, 3_600_000)).toBe('held/owners')
    // Same PID, other start time: the PID was reused, the owner is gone.
    expect(judge(platform, running(`${recorded[platform]}0`))).toBe('stale/owners')
    // No such PID.
    expect(judge(platform, dead)).toBe('stale/owners')
    // Start time unreadable: never "dead", the lease decides.
    expect(judge(platform, unknown)).toBe('held/lease')
    expect(judge(platform, unknown, {}, 30_000)).toBe('stale/lease')
    // Owner recorded without a start time (it could not be read then): lease.
    const noStart = { owners: [{ pid: 100, startTime: '', role: 'process' as const }] }
    expect(judge(platform, running('x'), noStart)).toBe('held/lease')
    // Another machine: never a PID check.
    expect(judge(platform, dead, { machineId: 'other' })).toBe('held/lease')
  })

  it.each([
    // No boot id proves a reboot (issue 13.3: clones share host name and machine id): another
    // one only turns the owner check off (a dead-looking owner is not trusted as dead), and a
    // boot time moves with clock steps anyway. The lease decides.
    ['linux', 'b0'],
    ['darwin', '00000000-aaaa-bbbb-cccc-0123456789ab'],
    ['win32', 'boottime:2026-11-28T09:29:59Z'],
    ['darwin', 'boottime:1732780000.000001']
  ] as const)('%s: boot id %s recorded → the lease decides', (platform, bootId) => {
    expect(judge(platform, dead, { bootId })).toBe('held/lease')
    expect(judge(platform, dead, { bootId }, 29_999)).toBe('held/lease')
    expect(judge(platform, dead, { bootId }, 30_000)).toBe('stale/lease')
  })
})

describe('real OS calls on this machine', () => {
  it('the macOS ps query parses the real ps (same lstart layout) to this process start', () => {
    const answer = askFirstInstalled([darwinStartTimeQuery(process.pid)], systemCalls)
    expect(answer?.zombie).toBe(false)
    // /proc: boot time + start ticks (USER_HZ 100) must be the same second.
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1])
    const ticks = Number(parseProcStat(readFileSync('/proc/self/stat', 'utf8'))!.startTime)
    const expected = new Date((btime + Math.floor(ticks / 100)) * 1000).toISOString()
    const actual = Date.parse(answer!.startTime)
    expect(Math.abs(actual - Date.parse(expected))).toBeLessThanOrEqual(1000)
  })

  it('probing as darwin through the real ps: running with that time; an exited PID is dead', async () => {
    expect(probeProcess(process.pid, 'darwin')).toEqual({
      state: 'running',
      startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    })
    expect(probeProcess(await deadPid(), 'darwin')).toEqual(dead)
    expect(startTimeOf(process.pid)).toBe(
      parseProcStat(readFileSync('/proc/self/stat', 'utf8'))!.startTime
    )
  })

  it('identity commands get no action inputs (the token) and no ACTIONS_* credentials', () => {
    const env = commandEnv(
      { PATH: '/bin', INPUT_TOKEN: 'secret', input_token: 'secret', ACTIONS_RUNTIME_TOKEN: 's' },
      { LC_ALL: 'C' }
    )
    expect(env).toEqual({ PATH: '/bin', LC_ALL: 'C' })
    const saved = process.env.INPUT_TOKEN
    process.env.INPUT_TOKEN = 'oslock-secret'
    try {
      const seen = systemCalls.run({ file: 'sh', args: ['-c', 'env'] })
      expect(seen).toContain('PATH=')
      expect(seen).not.toContain('oslock-secret')
    } finally {
      if (saved === undefined) delete process.env.INPUT_TOKEN
      else process.env.INPUT_TOKEN = saved
    }
  })

  it('runner: stdout of a command; "" when it fails; undefined when it is not installed', () => {
    expect(systemCalls.run({ file: 'sh', args: ['-c', 'echo "$X"'], env: { X: 'y' } })).toBe('y\n')
    expect(systemCalls.run({ file: 'sh', args: ['-c', 'echo partial; exit 3'] })).toBe('')
    expect(systemCalls.run({ file: 'no-such-program-oslock', args: [] })).toBeUndefined()
    expect(systemCalls.signal(process.pid)).toBeUndefined()
  })
})
