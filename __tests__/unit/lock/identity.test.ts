import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  interpretProbe,
  localFacts,
  parseProcStat,
  probeProcess,
  startTimeOf
} from '../../../src/lock/identity.js'
import { deadPid } from './helpers.js'

const stat = (comm: string, state = 'S', start = '123456'): string =>
  `4242 (${comm}) ${state} 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 ${start} 1000 50 ` +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n'

describe('process identity', () => {
  it.each(['node', 'a b', 'x) S 1 2 (y', '((()))', ') 9 9 9'])(
    'reads the start time (field 22) whatever the command name: %p',
    comm => {
      expect(parseProcStat(stat(comm))).toEqual({ state: 'S', startTime: '123456' })
    }
  )

  it('malformed stat content is undefined', () => {
    expect(parseProcStat('garbage')).toBeUndefined()
    expect(parseProcStat('1 (x) S 1 2')).toBeUndefined()
  })

  it('linux: zombie is dead, missing is dead, running has its start time', () => {
    expect(interpretProbe('linux', { statContent: stat('x', 'Z') })).toEqual({ state: 'dead' })
    expect(interpretProbe('linux', { statMissing: true })).toEqual({ state: 'dead' })
    expect(interpretProbe('linux', { statContent: stat('x', 'R', '77') })).toEqual({
      state: 'running',
      startTime: '77'
    })
  })

  it.each(['darwin', 'win32'] as const)(
    '%s: without a readable start time, only ESRCH is proof',
    platform => {
      expect(interpretProbe(platform, { signalError: undefined })).toEqual({ state: 'unknown' })
      expect(interpretProbe(platform, { signalError: 'EPERM' })).toEqual({ state: 'unknown' })
      expect(interpretProbe(platform, { signalError: 'ESRCH' })).toEqual({ state: 'dead' })
    }
  )

  it('probes real processes: this one runs with its own start time, an exited one is dead', async () => {
    const own = parseProcStat(readFileSync('/proc/self/stat', 'utf8'))!
    expect(probeProcess(process.pid)).toEqual({ state: 'running', startTime: own.startTime })
    expect(startTimeOf(process.pid)).toBe(own.startTime)
    expect(probeProcess(await deadPid())).toEqual({ state: 'dead' })
  })

  it('knows this machine: host, machine id, boot id, PID namespace', () => {
    const facts = localFacts()
    expect(facts.platform).toBe('linux')
    expect(facts.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim())
    expect(facts.pidNamespace).toMatch(/^pid:\[\d+\]$/)
    expect(facts.host.length).toBeGreaterThan(0)
  })
})
