/**
 * How fast this machine creates small files right now: 5000 files of 1.2 KB in 280 directories
 * (the shape of the generated repository's working tree), then removed. Reported beside the
 * figures because every variant that writes a working tree depends on it, and on a shared VM it
 * can swing by 10× from one minute to the next.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { sample, type Sample } from './measure.js'

export function probeSmallFiles(parent: string, rounds = 3, files = 5000): Sample {
  const times: number[] = []
  const content = 'x'.repeat(1200)
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(path.join(parent, 'disk-probe-'))
    const started = performance.now()
    for (let i = 0; i < files; i++) {
      const sub = path.join(dir, `module-${i % 40}`, `part-${i % 7}`)
      mkdirSync(sub, { recursive: true })
      writeFileSync(path.join(sub, `file-${i}.txt`), content)
    }
    times.push(performance.now() - started)
    rmSync(dir, { recursive: true, force: true })
  }
  return sample(times)
}
