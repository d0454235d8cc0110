/**
 * Finding a damaged object store without reading every object (§3.2, §7): `git fsck` is too
 * slow for big stores. Run under the store lock when git reports a corrupt or missing object.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync
} from 'node:fs'
import path from 'node:path'
import { inflateSync } from 'node:zlib'

/**
 * Finds a damaged object store without reading every object (`git fsck` is too slow for big
 * clones): every loose object must inflate completely to its announced size, and every pack
 * must end with the checksum its index records (what git itself checks when it opens a pack).
 * Returns the first problem found, or undefined.
 */
export function findObjectStoreDamage(gitDir: string, hashBytes = 20): string | undefined {
  const objects = path.join(gitDir, 'objects')
  for (const fanout of safeReaddir(objects)) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue
    for (const name of safeReaddir(path.join(objects, fanout))) {
      if (!/^[0-9a-f]+$/.test(name)) continue // tmp_obj_* from a killed writer: harmless
      const file = path.join(objects, fanout, name)
      const problem = looseObjectProblem(file)
      if (problem) return `${file}: ${problem}`
    }
  }
  return findPackDamage(gitDir, hashBytes)
}

/**
 * The packs' part of findObjectStoreDamage: a few bytes per pack, cheap enough for every time
 * the store lock is taken. A truncated pack is otherwise skipped by git in silence (it fetches
 * the objects again, and every later command warns that the pack does not match its index).
 */
export function findPackDamage(gitDir: string, hashBytes = 20): string | undefined {
  const objects = path.join(gitDir, 'objects')
  const packDir = path.join(objects, 'pack')
  for (const name of safeReaddir(packDir)) {
    if (!name.endsWith('.idx')) continue
    const idx = path.join(packDir, name)
    const pack = idx.replace(/\.idx$/, '.pack')
    if (!existsSync(pack)) return `${idx}: its pack file is missing`
    const recorded = readTail(idx, 2 * hashBytes)?.subarray(0, hashBytes)
    const actual = readTail(pack, hashBytes)
    if (!recorded || !actual || !recorded.equals(actual)) return `${pack}: truncated or damaged`
  }
  return undefined
}

function looseObjectProblem(file: string): string | undefined {
  let data: Buffer
  try {
    data = inflateSync(readFileSync(file))
  } catch (error) {
    return `cannot be inflated (${(error as Error).message})`
  }
  const nul = data.indexOf(0)
  const header = /^(blob|tree|commit|tag) (\d+)$/.exec(
    data.subarray(0, Math.max(nul, 0)).toString('latin1')
  )
  if (nul < 0 || !header) return 'has no valid object header'
  if (data.length - nul - 1 !== Number(header[2])) return 'is truncated'
  return undefined
}

function readTail(file: string, length: number): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const size = fstatSync(fd).size
    if (size < length) return undefined
    const buffer = Buffer.alloc(length)
    readSync(fd, buffer, 0, length, size - length)
    return buffer
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
