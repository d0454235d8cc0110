/**
 * What a job can leave in a tree's index that would change the next job's checkout (§3.6):
 * entries flagged assume-unchanged or skip-worktree (git would not look at, or not write,
 * those files), intent-to-add entries, and a split or sparse index that depends on files
 * outside the index. Read from the index's bytes without a git process. Pure.
 */
export interface IndexVerdict {
  usable: boolean
  /** Why not, for the log. */
  reason?: string
}

const ASSUME_VALID = 0x8000
const EXTENDED = 0x4000
const SKIP_WORKTREE = 0x4000
const INTENT_TO_ADD = 0x2000
const NAME_MASK = 0x0fff

function decodeVarint(data: Buffer, offset: number): { value: number; next: number } {
  let byte = data[offset++]
  let value = byte & 0x7f
  while (byte & 0x80) {
    byte = data[offset++]
    value = ((value + 1) << 7) + (byte & 0x7f)
  }
  return { value, next: offset }
}

/**
 * Judges an index (version 2–4) whose checksum was already verified. `hashBytes`: 20 for SHA-1
 * repositories, 32 for SHA-256.
 */
export function judgeIndex(
  data: Buffer,
  hashBytes: 20 | 32,
  options: { allowSkipWorktree?: boolean } = {}
): IndexVerdict {
  if (data.length < 12 + hashBytes || data.toString('latin1', 0, 4) !== 'DIRC')
    return { usable: false, reason: 'it is not an index file' }
  const version = data.readUInt32BE(4)
  if (version < 2 || version > 4) return { usable: false, reason: `index version ${version}` }
  const count = data.readUInt32BE(8)
  const end = data.length - hashBytes
  const fixed = 40 + hashBytes + 2
  let offset = 12
  for (let i = 0; i < count; i++) {
    if (offset + fixed > end) return { usable: false, reason: 'it is truncated' }
    const start = offset
    const flags = data.readUInt16BE(start + 40 + hashBytes)
    offset = start + fixed
    if (flags & ASSUME_VALID)
      return { usable: false, reason: 'entries are flagged assume-unchanged' }
    if (flags & EXTENDED) {
      if (version < 3) return { usable: false, reason: 'extended flags in a version 2 index' }
      const extended = data.readUInt16BE(offset)
      offset += 2
      if (extended & SKIP_WORKTREE && !options.allowSkipWorktree)
        return { usable: false, reason: 'entries are flagged skip-worktree' }
      if (extended & INTENT_TO_ADD) return { usable: false, reason: 'entries are intent-to-add' }
    }
    if (version === 4) {
      offset = decodeVarint(data, offset).next
      const nul = data.indexOf(0, offset)
      if (nul < 0 || nul >= end) return { usable: false, reason: 'it is truncated' }
      offset = nul + 1
    } else {
      let length = flags & NAME_MASK
      if (length === NAME_MASK) {
        const nul = data.indexOf(0, offset)
        if (nul < 0 || nul >= end) return { usable: false, reason: 'it is truncated' }
        length = nul - offset
      }
      // 1–8 NUL bytes pad each entry to a multiple of 8 bytes.
      offset = start + ((offset - start + length + 8) & ~7)
    }
  }
  while (offset + 8 <= end) {
    const signature = data.toString('latin1', offset, offset + 4)
    const size = data.readUInt32BE(offset + 4)
    if (signature === 'link') return { usable: false, reason: 'it is a split index' }
    if (signature === 'sdir') return { usable: false, reason: 'it is a sparse index' }
    offset += 8 + size
  }
  return { usable: true }
}
