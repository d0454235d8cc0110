import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { killAllHolders, startHolder, tempDir } from './helpers.js'

let cleanup = (): void => undefined
afterEach(() => {
  killAllHolders()
  cleanup()
})

describe('mutual exclusion across processes (§2.1)', () => {
  it('six processes contending: each enters alone (O_EXCL marker never found taken)', async () => {
    const temp = tempDir()
    cleanup = temp.cleanup
    const markers = join(temp.dir, 'markers')
    mkdirSync(markers)
    const lockPath = join(temp.dir, 'repo.lock')
    const holders = Array.from({ length: 6 }, (_, i) =>
      startHolder([
        '--path',
        lockPath,
        '--marker-dir',
        markers,
        '--hold-ms',
        '30',
        '--job',
        `j${i}`
      ])
    )
    const codes = await Promise.all(holders.map(holder => holder.exited))
    expect(codes).toEqual([0, 0, 0, 0, 0, 0])
    const markerEvents = holders.flatMap(holder => holder.events.filter(e => e.event === 'marker'))
    expect(markerEvents).toHaveLength(6)
    expect(markerEvents.every(e => e.ok === true)).toBe(true)
    // Nothing left behind: lock released, queue empty.
    expect(readdirSync(temp.dir).sort()).toEqual(['markers', 'repo.lock.queue'])
    expect(readdirSync(join(temp.dir, 'repo.lock.queue'))).toEqual([])
  })
})
