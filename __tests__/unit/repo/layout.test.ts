import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { lockFilesFor, slotFilesFor } from '../../../src/lock/paths.js'
import {
  asideNameFor,
  encodeMarker,
  LAYOUT_VERSION,
  layoutOf,
  MARKER_NAME,
  parseMarker,
  pinRefOf,
  PIN_REF_PREFIX,
  treeNumberOfLock
} from '../../../src/repo/layout.js'
import { MAX_TREES } from '../../../src/options/parse.js'

const dir = '/srv/sc/github.com/acme/x'

describe('layoutOf (§2 "Paths", §3): everything of a repository lives inside its directory', () => {
  const layout = layoutOf(dir)
  const trees = Array.from({ length: MAX_TREES }, (_, i) => i + 1)
  /** Every file or directory the layout names, and the files the lock module derives from locks. */
  const every = [
    layout.marker,
    layout.store,
    layout.treesDir,
    layout.locksDir,
    layout.storeLock,
    layout.treeQueue,
    layout.tmp,
    layout.aside,
    ...Object.values(lockFilesFor(layout.storeLock)),
    ...trees.flatMap(n => [layout.tree(n), ...Object.values(slotFilesFor(layout.treeLock(n)))])
  ]

  it('every path is strictly inside dir', () => {
    for (const file of every) {
      const relative = path.relative(dir, file)
      expect([
        file,
        relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
      ]).toEqual([file, false])
    }
  })

  it('names are fixed by the action, and distinct', () => {
    expect(layout).toMatchObject({
      dir,
      marker: `${dir}/${MARKER_NAME}`,
      store: `${dir}/store`,
      treesDir: `${dir}/trees`,
      locksDir: `${dir}/locks`,
      storeLock: `${dir}/locks/store.lock`,
      treeQueue: `${dir}/locks/trees.queue`,
      tmp: `${dir}/tmp`,
      aside: `${dir}/aside`
    })
    expect(layout.tree(3)).toBe(`${dir}/trees/3`)
    expect(layout.treeLock(3)).toBe(`${dir}/locks/tree-3.lock`)
    const files = [
      layout.marker,
      layout.store,
      layout.treesDir,
      layout.locksDir,
      layout.storeLock,
      layout.treeQueue,
      layout.tmp,
      layout.aside,
      ...trees.flatMap(n => [layout.tree(n), layout.treeLock(n)])
    ]
    expect(new Set(files).size).toBe(files.length)
    // A lock's guard and queue never meet another lock's files.
    const derived = [
      ...Object.values(lockFilesFor(layout.storeLock)),
      ...trees.flatMap(n => Object.values(slotFilesFor(layout.treeLock(n))))
    ].filter(file => file !== layout.locksDir)
    expect(new Set(derived).size).toBe(derived.length)
    expect(derived).not.toContain(layout.treeQueue)
  })
})

describe('treeNumberOfLock', () => {
  const layout = layoutOf(dir)
  it.each([1, 2, 9, 10, 64, 999])('tree-%i.lock → %i', n => {
    expect(treeNumberOfLock(layout.treeLock(n))).toBe(n)
  })
  it.each([
    layout.storeLock,
    `${dir}/locks/tree-0.lock`,
    `${dir}/locks/tree-01.lock`,
    `${dir}/locks/tree-1000.lock`,
    `${dir}/locks/tree--1.lock`,
    `${dir}/locks/tree-1.lock.guard`,
    `${dir}/locks/tree-1.lock.queue`,
    `${dir}/locks/tree-x.lock`,
    `${dir}/locks/tree-1.lockx`,
    `${dir}/locks/xtree-1.lock`,
    layout.treeQueue,
    'tree-1'
  ])('%s is not a tree lock', file => expect(treeNumberOfLock(file)).toBeUndefined())
})

describe('pin refs (§3.7)', () => {
  it("one ref per tree under the action's own prefix", () => {
    expect(pinRefOf(3)).toBe('refs/shared-checkout/trees/3')
    expect(pinRefOf(12).startsWith(PIN_REF_PREFIX)).toBe(true)
    expect(pinRefOf(1)).not.toBe(pinRefOf(11))
  })
})

describe('asideNameFor', () => {
  it('stamps UTC yyyymmddThhmmss', () => {
    expect(asideNameFor('store', new Date('2026-01-02T03:04:05.678Z'))).toBe(
      'store-20260102T030405'
    )
    expect(asideNameFor('tree-3', new Date('2026-12-31T23:59:59Z'))).toBe('tree-3-20261231T235959')
  })
})

describe('marker (shared-checkout.json)', () => {
  it('round-trips the layout version and the repository key', () => {
    const text = encodeMarker('github.com/acme/x')
    expect(text.endsWith('\n')).toBe(true)
    expect(JSON.parse(text)).toEqual({ layout: LAYOUT_VERSION, repository: 'github.com/acme/x' })
    expect(parseMarker(text)).toEqual({ layout: 2, repository: 'github.com/acme/x' })
    expect(LAYOUT_VERSION).toBe(2)
  })
  it('reads a newer layout as it is (the caller refuses it)', () => {
    expect(parseMarker('{"layout":3,"repository":"h/o/n","extra":true}')).toEqual({
      layout: 3,
      repository: 'h/o/n'
    })
  })
  it.each([
    '',
    '{',
    'null',
    '[]',
    '"x"',
    '{"layout":"2","repository":"h/o/n"}',
    '{"layout":2}',
    '{"repository":"h/o/n"}'
  ])('does not take %j for a marker', text => expect(parseMarker(text)).toBeUndefined())
})
