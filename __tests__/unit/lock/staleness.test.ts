import { describe, expect, it } from '@jest/globals'
import type { LocalFacts, ProcessProbe } from '../../../src/lock/identity.js'
import type { LockRecord } from '../../../src/lock/record.js'
import { emptyJob } from '../../../src/lock/record.js'
import { judgeStaleness, type StalenessInput } from '../../../src/lock/staleness.js'

const local: LocalFacts = {
  host: 'vm',
  machineId: 'machine',
  bootId: 'boot-1',
  pidNamespace: 'pid:[1]',
  platform: 'linux'
}

const record = (changes: Partial<LockRecord> = {}): LockRecord => ({
  version: 1,
  kind: 'lock',
  token: '0123456789abcdef0123456789abcdef',
  ...local,
  owners: [{ pid: 100, startTime: '555', role: 'process' }],
  leaseMs: 30_000,
  heartbeatMs: 5_000,
  job: emptyJob(),
  acquiredAt: new Date().toISOString(),
  ...changes
})

const running = (startTime: string): ProcessProbe => ({ state: 'running', startTime })
const dead: ProcessProbe = { state: 'dead' }
const unknown: ProcessProbe = { state: 'unknown' }

function judge(changes: Partial<StalenessInput> & { probes?: Record<number, ProcessProbe> }): {
  stale: boolean
  rule: string
} {
  const probes = changes.probes ?? {}
  const { stale, rule } = judgeStaleness({
    record: record(),
    local,
    probe: pid => probes[pid] ?? dead,
    observation: { unchangedForMs: 0, localAgeMs: 0 },
    ownLeaseMs: 30_000,
    abandonedAfterMs: 5_000,
    ...changes
  })
  return { stale, rule }
}

describe('judgeStaleness (§2.4)', () => {
  it('same host, owner dead → stale', () => {
    expect(judge({ probes: { 100: dead } })).toEqual({ stale: true, rule: 'owners' })
  })

  it('same host, PID reused by a process with another start time → stale', () => {
    expect(judge({ probes: { 100: running('999') } })).toEqual({ stale: true, rule: 'owners' })
  })

  it('same host, owner alive with its start time → alive, however old the heartbeat', () => {
    const observation = { unchangedForMs: 10 * 60_000, localAgeMs: 10 * 60_000 }
    expect(judge({ probes: { 100: running('555') }, observation })).toEqual({
      stale: false,
      rule: 'owners'
    })
  })

  it('job lock: alive while any owner is alive', () => {
    const owners = [
      { pid: 100, startTime: '555', role: 'job-anchor' as const },
      { pid: 101, startTime: '556', role: 'keeper' as const }
    ]
    expect(judge({ record: record({ owners }), probes: { 100: running('555') } }).stale).toBe(false)
    expect(judge({ record: record({ owners }), probes: { 101: running('556') } }).stale).toBe(false)
    expect(judge({ record: record({ owners }), probes: {} }).stale).toBe(true)
  })

  it('other PID namespace → lease rule, never a PID check', () => {
    const other = record({ pidNamespace: 'pid:[2]' })
    expect(judge({ record: other, probes: { 100: dead } })).toEqual({ stale: false, rule: 'lease' })
    const expired = { unchangedForMs: 30_000, localAgeMs: 0 }
    expect(judge({ record: other, observation: expired })).toEqual({ stale: true, rule: 'lease' })
  })

  it('other host → lease not yet expired is alive, expired is stale', () => {
    const other = record({ host: 'elsewhere', machineId: 'm2' })
    expect(
      judge({ record: other, observation: { unchangedForMs: 29_999, localAgeMs: 1e9 } }).stale
    ).toBe(false)
    expect(
      judge({ record: other, observation: { unchangedForMs: 30_000, localAgeMs: 0 } }).stale
    ).toBe(true)
  })

  it('a whole-second mtime (FAT, exFAT) lengthens the lease by the timestamp step', () => {
    const other = record({ host: 'elsewhere' })
    const coarse = (unchangedForMs: number) => ({
      unchangedForMs,
      localAgeMs: 0,
      mtimeStepMs: 2_000
    })
    expect(judge({ record: other, observation: coarse(31_999) }).stale).toBe(false)
    expect(judge({ record: other, observation: coarse(32_000) }).stale).toBe(true)
  })

  it('the longer of the waiter lease and the record lease applies', () => {
    const other = record({ host: 'elsewhere', leaseMs: 60_000 })
    expect(
      judge({ record: other, observation: { unchangedForMs: 45_000, localAgeMs: 0 } }).stale
    ).toBe(false)
  })

  describe('same host name and machine id, another boot id (cloned VMs, issue 13.3)', () => {
    const clone = record({ bootId: 'boot-0' })

    it('a fresh lease is never broken, whatever its owner PIDs look like here', () => {
      for (const probe of [running('555'), running('999'), dead, unknown]) {
        const observation = { unchangedForMs: 29_999, localAgeMs: 10 * 60_000 }
        expect(judge({ record: clone, probes: { 100: probe }, observation })).toEqual({
          stale: false,
          rule: 'lease'
        })
      }
    })

    it('a lease seen unchanged for its whole period is stale (a real reboot is recovered)', () => {
      const observation = { unchangedForMs: 30_000, localAgeMs: 0 }
      expect(judge({ record: clone, probes: { 100: dead }, observation })).toEqual({
        stale: true,
        rule: 'lease'
      })
    })

    it('the reason says why the owners were not checked', () => {
      const { reason } = judgeStaleness({
        record: clone,
        local,
        probe: () => dead,
        observation: { unchangedForMs: 0, localAgeMs: 0 },
        ownLeaseMs: 30_000,
        abandonedAfterMs: 5_000
      })
      expect(reason).toBe(
        'owner not checkable from here (same host name and machine id, another boot id); ' +
          'heartbeat lease 30000 ms not expired'
      )
    })
  })

  it('same host name but another machine id is another host: lease', () => {
    const twin = record({ machineId: 'other', bootId: 'boot-0' })
    expect(judge({ record: twin })).toEqual({ stale: false, rule: 'lease' })
  })

  it('start time that cannot be read → cannot check, never dead (lease decides)', () => {
    expect(judge({ probes: { 100: unknown } })).toEqual({ stale: false, rule: 'lease' })
    const noStart = record({ owners: [{ pid: 100, startTime: '', role: 'process' }] })
    expect(judge({ record: noStart, probes: { 100: running('555') } })).toEqual({
      stale: false,
      rule: 'lease'
    })
  })

  it('a platform without boot id (darwin, win32 today) never uses the PID check', () => {
    const mac = {
      ...local,
      bootId: '',
      pidNamespace: '',
      machineId: '',
      platform: 'darwin' as const
    }
    const macRecord = record({ ...mac })
    expect(judge({ local: mac, record: macRecord, probes: { 100: dead } })).toEqual({
      stale: false,
      rule: 'lease'
    })
  })

  it('unparseable: young is left alone, old is abandoned (local age or observed, larger)', () => {
    const young = { unchangedForMs: 1_000, localAgeMs: 1_000 }
    expect(judge({ record: undefined, observation: young })).toEqual({
      stale: false,
      rule: 'abandoned'
    })
    expect(
      judge({ record: undefined, observation: { unchangedForMs: 0, localAgeMs: 6_000 } }).stale
    ).toBe(true)
    expect(
      judge({ record: undefined, observation: { unchangedForMs: 6_000, localAgeMs: -1e6 } }).stale
    ).toBe(true)
  })
})
