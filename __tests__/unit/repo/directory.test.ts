import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { memoryLogger } from '../../../src/logger.js'
import {
  claimRepoDir,
  enclosingRepoDir,
  ensureLockDirectory,
  inspectRepoDir,
  repoDirProblem,
  uniquePath
} from '../../../src/repo/directory.js'
import { encodeMarker, layoutOf, MARKER_NAME, parseMarker } from '../../../src/repo/layout.js'

const KEY = 'github.com/acme/app'

let scratch: string
let root: string
beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sc-repo-dir-'))
  root = path.join(scratch, 'root')
  mkdirSync(root)
})
afterEach(() => rmSync(scratch, { recursive: true, force: true }))

function write(file: string, content = 'x\n'): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
}

/** A clone of the first release's layout: a work tree with `.git` and no marker. */
function oldClone(dir: string): void {
  write(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')
  write(path.join(dir, '.git', 'config'), '[core]\n\tbare = false\n')
  write(path.join(dir, 'README.md'), '# app\n')
  write(path.join(dir, 'src', 'main.ts'), 'export {}\n')
}

/** Every path under `dir` with its kind and content: what "nothing else changed" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry)
      const stats = lstatSync(full)
      if (stats.isDirectory()) {
        out[full] = 'dir'
        walk(full)
      } else out[full] = stats.isFile() ? readFileSync(full, 'utf8') : 'link'
    }
  }
  walk(dir)
  return out
}

describe('inspectRepoDir: what is at a repository directory', () => {
  it('absent: missing, empty, or holding only what the action creates', () => {
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'absent' })
    mkdirSync(layout.dir, { recursive: true })
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'absent' })
    for (const own of [layout.locksDir, layout.tmp, layout.aside, layout.treesDir, layout.store])
      mkdirSync(own)
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'absent' })
  })

  it('ours: the marker names this repository', () => {
    const layout = layoutOf(path.join(root, 'app'))
    write(layout.marker, encodeMarker(KEY))
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'ours' })
  })

  it("another repository's: the marker names it", () => {
    const layout = layoutOf(path.join(root, 'app'))
    write(layout.marker, encodeMarker('github.com/acme/other'))
    expect(inspectRepoDir(layout, KEY)).toEqual({
      kind: 'other-repository',
      repository: 'github.com/acme/other'
    })
  })

  it('a newer layout: refused whichever repository it names', () => {
    const layout = layoutOf(path.join(root, 'app'))
    write(layout.marker, JSON.stringify({ layout: 3, repository: KEY }))
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'newer-layout', layout: 3 })
  })

  it('an unmarked clone of the first layout (.git) is "old"; other files are unknown', () => {
    const old = layoutOf(path.join(root, 'old'))
    oldClone(old.dir)
    mkdirSync(old.locksDir) // made by ensureLockDirectory before the store lock: ours, not its
    const state = inspectRepoDir(old, KEY)
    expect(state).toMatchObject({ kind: 'unmarked', old: true })
    if (state.kind !== 'unmarked') return
    expect(state.entries.sort()).toEqual(['.git', 'README.md', 'src'])

    const unknown = layoutOf(path.join(root, 'unknown'))
    write(path.join(unknown.dir, 'notes.txt'))
    expect(inspectRepoDir(unknown, KEY)).toEqual({
      kind: 'unmarked',
      old: false,
      entries: ['notes.txt']
    })
  })

  it('a damaged marker, or one that is not a regular file, is no marker', () => {
    const damaged = layoutOf(path.join(root, 'damaged'))
    write(damaged.marker, '{ not json')
    write(path.join(damaged.dir, 'file'))
    expect(inspectRepoDir(damaged, KEY)).toMatchObject({ kind: 'unmarked', entries: ['file'] })

    const linked = layoutOf(path.join(root, 'linked'))
    const elsewhere = path.join(scratch, 'elsewhere.json')
    write(elsewhere, encodeMarker(KEY))
    mkdirSync(linked.dir)
    symlinkSync(elsewhere, linked.marker)
    expect(inspectRepoDir(linked, KEY)).toEqual({ kind: 'absent' })
  })

  it('a file or a link where the directory belongs is not a directory (links never followed)', () => {
    const file = layoutOf(path.join(root, 'x.lock'))
    write(file.dir, 'a lock file of the first release\n')
    expect(inspectRepoDir(file, KEY)).toEqual({ kind: 'not-a-directory' })

    const target = path.join(scratch, 'target')
    mkdirSync(target)
    write(path.join(target, MARKER_NAME), encodeMarker(KEY))
    const link = layoutOf(path.join(root, 'link'))
    symlinkSync(target, link.dir)
    expect(inspectRepoDir(link, KEY)).toEqual({ kind: 'not-a-directory' })
  })
})

describe('repoDirProblem: refused before anything on disk changes', () => {
  it('accepts an absent directory and our own', () => {
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    expect(repoDirProblem(layout, KEY, { userChosen: false, root })).toBeUndefined()
    expect(repoDirProblem(layout, KEY, { userChosen: true })).toBeUndefined()
    write(layout.marker, encodeMarker(KEY))
    expect(repoDirProblem(layout, KEY, { userChosen: true })).toBeUndefined()
  })

  it("a user-chosen path with someone's files is refused, naming a few of them", () => {
    const layout = layoutOf(path.join(scratch, 'mine'))
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) write(path.join(layout.dir, name))
    const why = repoDirProblem(layout, KEY, { userChosen: true })
    expect(why).toMatch(
      /^it holds files that are not Shared Checkout's \([abcd]\.txt, [abcd]\.txt, [abcd]\.txt, …\); choose an empty or new directory$/
    )
    const one = layoutOf(path.join(scratch, 'one'))
    write(path.join(one.dir, 'only.txt'))
    expect(repoDirProblem(one, KEY, { userChosen: true })).toBe(
      "it holds files that are not Shared Checkout's (only.txt); choose an empty or new directory"
    )
  })

  it('the default path with a first-layout clone, or leftovers, is accepted (they are set aside)', () => {
    const old = layoutOf(path.join(root, 'h', 'acme', 'app'))
    oldClone(old.dir)
    expect(repoDirProblem(old, KEY, { userChosen: false, root })).toBeUndefined()
    // A user-chosen path holding a first-layout clone is accepted too: the first release used it.
    expect(repoDirProblem(old, KEY, { userChosen: true })).toBeUndefined()
    const leftovers = layoutOf(path.join(root, 'h', 'acme', 'other'))
    write(path.join(leftovers.dir, 'stray'))
    expect(repoDirProblem(leftovers, KEY, { userChosen: false, root })).toBeUndefined()
  })

  it("another repository's directory, or a newer layout, is refused", () => {
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    write(layout.marker, encodeMarker('github.com/acme/other'))
    for (const userChosen of [true, false]) {
      expect(repoDirProblem(layout, KEY, { userChosen, root })).toBe(
        'it holds the store and trees of github.com/acme/other; choose another directory for this repository'
      )
    }
    write(layout.marker, JSON.stringify({ layout: 9, repository: KEY }))
    expect(repoDirProblem(layout, KEY, { userChosen: false, root })).toBe(
      'it was set up by a newer release of Shared Checkout (layout 9); use that release, or another directory'
    )
  })

  it("a directory inside another repository's directory is refused", () => {
    const outer = layoutOf(path.join(root, 'h', 'acme', 'app'))
    write(outer.marker, encodeMarker(KEY))
    for (const inner of [
      outer.tree(1),
      path.join(outer.store, 'x'),
      path.join(outer.dir, 'a', 'b')
    ]) {
      const why = repoDirProblem(layoutOf(inner), 'h/other/x', { userChosen: true })
      expect(why).toBe(
        `it is inside ${outer.dir}, the directory of another repository; choose a directory outside it`
      )
      expect(repoDirProblem(layoutOf(inner), 'h/other/x', { userChosen: false, root })).toBe(why)
    }
    expect(enclosingRepoDir(outer.tree(1))).toBe(outer.dir)
    expect(enclosingRepoDir(path.join(root, 'h', 'acme', 'app2'))).toBeUndefined()
  })

  it('the default path looks for enclosing directories below the root only', () => {
    write(path.join(scratch, MARKER_NAME), encodeMarker('h/o/n'))
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    expect(repoDirProblem(layout, KEY, { userChosen: false, root })).toBeUndefined()
    // A user-chosen path is checked all the way up.
    expect(repoDirProblem(layout, KEY, { userChosen: true })).toMatch(
      new RegExp(`^it is inside ${scratch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`)
    )
  })

  it('a file or a link where the directory belongs is refused with what to do', () => {
    const file = layoutOf(path.join(root, 'h', 'acme', 'x.lock'))
    write(file.dir)
    for (const userChosen of [true, false]) {
      expect(repoDirProblem(file, 'h/acme/x.lock', { userChosen, root })).toBe(
        'it exists and is not a directory (a file or a link); remove it, or choose another directory'
      )
    }
  })
})

describe('claimRepoDir: makes the directory ours', () => {
  it('moves a first-layout clone into aside/, writes the marker, and touches nothing outside', () => {
    const owner = path.join(root, 'h', 'acme')
    const layout = layoutOf(path.join(owner, 'app'))
    oldClone(layout.dir)
    ensureLockDirectory(layout) // as checkout does before taking the store lock
    write(path.join(layout.locksDir, 'store.lock'), 'held\n')
    // Neighbours: the first release's lock beside the clone, and another repository.
    write(path.join(owner, 'app.lock'), 'v1 lock\n')
    oldClone(path.join(owner, 'app.lock.d'))
    write(path.join(owner, 'other', MARKER_NAME), encodeMarker('h/acme/other'))
    const clone = snapshot(layout.dir)
    const outside = Object.fromEntries(
      Object.entries(snapshot(scratch)).filter(([file]) => !file.startsWith(layout.dir + path.sep))
    )

    const log = memoryLogger()
    const aside = claimRepoDir(layout, KEY, log)

    expect(aside).toBeDefined()
    expect(path.dirname(aside!)).toBe(layout.aside)
    expect(path.basename(aside!)).toMatch(/^layout-v1-\d{8}T\d{6}$/)
    // The clone, file for file, now under aside/ (our lock untouched).
    for (const [file, content] of Object.entries(clone)) {
      const relative = path.relative(layout.dir, file)
      if (relative.split(path.sep)[0] === 'locks') continue
      expect([relative, snapshot(aside!)[path.join(aside!, relative)]]).toEqual([relative, content])
    }
    expect(readFileSync(path.join(layout.locksDir, 'store.lock'), 'utf8')).toBe('held\n')
    expect(readdirSync(layout.dir).sort()).toEqual(['aside', 'locks', MARKER_NAME, 'tmp', 'trees'])
    expect(parseMarker(readFileSync(layout.marker, 'utf8'))).toEqual({ layout: 2, repository: KEY })
    expect(inspectRepoDir(layout, KEY)).toEqual({ kind: 'ours' })
    expect(log.lines).toEqual([
      expect.stringMatching(
        /^notice: .* held a clone of Shared Checkout's first layout; it was moved to .*layout-v1-/
      )
    ])
    // Nothing outside the directory changed.
    const after = Object.fromEntries(
      Object.entries(snapshot(scratch)).filter(([file]) => !file.startsWith(layout.dir + path.sep))
    )
    expect(after).toEqual(outside)
  })

  it('sets unknown leftovers of the default path aside as "unknown"', () => {
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    write(path.join(layout.dir, 'stray.txt'), 'stray\n')
    const log = memoryLogger()
    const aside = claimRepoDir(layout, KEY, log)
    expect(path.basename(aside!)).toMatch(/^unknown-\d{8}T\d{6}$/)
    expect(readFileSync(path.join(aside!, 'stray.txt'), 'utf8')).toBe('stray\n')
    expect(log.lines[0]).toMatch(/files Shared Checkout did not create \(stray\.txt\)/)
  })

  it('creates a missing directory; an own one is left as it is; claiming twice sets nothing aside', () => {
    const layout = layoutOf(path.join(root, 'h', 'acme', 'app'))
    const log = memoryLogger()
    expect(claimRepoDir(layout, KEY, log)).toBeUndefined()
    expect(readdirSync(layout.dir).sort()).toEqual(['aside', MARKER_NAME, 'tmp', 'trees'])
    write(path.join(layout.tree(1), 'file'))
    const before = snapshot(layout.dir)
    expect(claimRepoDir(layout, KEY, log)).toBeUndefined()
    expect(snapshot(layout.dir)).toEqual(before)
    expect(log.lines).toEqual([])
  })

  it('two old clones claimed in the same second get distinct aside names', () => {
    const layout = layoutOf(path.join(root, 'app'))
    oldClone(layout.dir)
    const first = claimRepoDir(layout, KEY, memoryLogger())
    rmSync(layout.marker)
    oldClone(layout.dir)
    const second = claimRepoDir(layout, KEY, memoryLogger())
    expect(second).not.toBe(first)
    expect(existsSync(path.join(first!, '.git'))).toBe(true)
    expect(existsSync(path.join(second!, '.git'))).toBe(true)
  })

  it('refuses a file where the directory belongs, and leaves the file alone', () => {
    const layout = layoutOf(path.join(root, 'x.lock'))
    write(layout.dir, 'v1 lock\n')
    expect(() => claimRepoDir(layout, KEY, memoryLogger())).toThrow(
      `${layout.dir} is not a directory (a file or a link); remove it, or choose another directory`
    )
    expect(readFileSync(layout.dir, 'utf8')).toBe('v1 lock\n')
  })
})

describe('small helpers', () => {
  it('uniquePath: base, then base-2, base-3…', () => {
    const base = path.join(scratch, 'aside', 'store-x')
    expect(uniquePath(base)).toBe(base)
    mkdirSync(base, { recursive: true })
    expect(uniquePath(base)).toBe(`${base}-2`)
    mkdirSync(`${base}-2`)
    expect(uniquePath(base)).toBe(`${base}-3`)
  })
  it('ensureLockDirectory creates the directory and its locks/', () => {
    const layout = layoutOf(path.join(root, 'h', 'o', 'n'))
    ensureLockDirectory(layout)
    expect(lstatSync(layout.locksDir).isDirectory()).toBe(true)
    ensureLockDirectory(layout) // again: no error
  })
})
