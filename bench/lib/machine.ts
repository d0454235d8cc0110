/** The machine a benchmark ran on, from /proc, /sys and `df -T` (Linux; best effort elsewhere). */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface MachineDescription {
  cpuModel: string
  cores: number
  memoryGiB: number
  kernel: string
  /** Filesystem type and device of the directory the benchmark writes to. */
  disk: string
  node: string
  git: string
  date: string
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function diskOf(dir: string): string {
  try {
    const line = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n').pop()!
    const [device, type] = line.split(/\s+/)
    // /dev/vda1 → vda: rotational 0 = SSD/virtual disk, 1 = spinning.
    const block = path.basename(device).replace(/p?\d+$/, '')
    const rotational = read(`/sys/block/${block}/queue/rotational`).trim()
    // virtio disks report rotational=1 by default, whatever backs them: say so rather than guess.
    const kind = block.startsWith('vd')
      ? `virtio block device, kernel rotational flag ${rotational || '?'} (virtio's default; backing store unknown)`
      : rotational === '0'
        ? 'non-rotational (SSD/NVMe)'
        : rotational === '1'
          ? 'rotational'
          : 'kind unknown'
    return `${type} on ${device} (${kind})`
  } catch {
    return 'unknown'
  }
}

export function describeMachine(workDir: string): MachineDescription {
  const cpuinfo = read('/proc/cpuinfo')
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown'
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(read('/proc/meminfo'))?.[1] ?? 0)
  const memoryGiB = memKb ? memKb / (1 << 20) : os.totalmem() / (1 << 30)
  let git = 'unknown'
  try {
    git = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    // reported as unknown
  }
  return {
    cpuModel: model.trim(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round(memoryGiB * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    disk: existsSync(workDir) ? diskOf(workDir) : 'unknown',
    node: process.version,
    git,
    date: new Date().toISOString()
  }
}
