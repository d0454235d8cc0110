/**
 * The working tree a job receives (§1 clean, sparse-checkout, trees; §3.3, §3.5, §3.6): cleaned
 * per `clean`, files as the repository stores them whatever the machine's global config says, sparse only for the job that asks, every tree borrowing its objects from the one
 * store, and trust of directories other users own passed per command, never written to the
 * global config.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCheckoutWorld, type CheckoutWorld } from '../../../testkit/checkout-world.js'
import {
  commitFiles,
  createStandardRepo,
  type StandardRepo
} from '../../../testkit/git-fixtures.js'

let world: CheckoutWorld
let repo: StandardRepo
beforeAll(async () => {
  world = await openCheckoutWorld()
  repo = createStandardRepo(world.upstream)
  repo.shas.main = commitFiles(
    repo,
    { 'src/app/main.txt': 'app\n', 'docs/guide.txt': 'guide\n' },
    'directories'
  )
})
afterAll(() => world.close())

describe('clean', () => {
  it('true discards modified tracked files and untracked ones; false keeps untracked ones', async () => {
    const first = await world.job({ ref: 'main' })
    const untracked = path.join(first.treeDir, 'build-output.txt')
    writeFileSync(untracked, 'x')
    writeFileSync(path.join(first.treeDir, 'README.md'), 'edited')
    await world.job({ ref: 'main', clean: 'false' })
    expect(existsSync(untracked)).toBe(true)
    // A tracked file is always the commit's (checkout --force), clean or not.
    expect(readFileSync(path.join(first.treeDir, 'README.md'), 'utf8')).toBe('# app\n')
    await world.job({ ref: 'main', clean: 'true' })
    expect(existsSync(untracked)).toBe(false)
    expect(world.git(first.treeDir, ['status', '--porcelain', '--ignored'])).toBe('')
  })
})

describe("the machine's global git config", () => {
  it('never reaches the action: files as the repository stores them; a later step sees a clean status', async () => {
    // Every job can write the runner user's global config (§3.6): the action's own git
    // commands read none of it, neither line-ending settings nor a url rewrite to a dead server.
    const globalConfig = world.env.GIT_CONFIG_GLOBAL!
    writeFileSync(
      globalConfig,
      `[core]\n\tautocrlf = true\n[url "http://127.0.0.1:1/"]\n\tinsteadOf = ${world.server.url}/\n`
    )
    try {
      const result = await world.job({ ref: 'main', path: 'global' })
      const read = (file: string) => readFileSync(path.join(result.treeDir, file), 'utf8')
      expect(read('unix.txt')).toBe('line one\nline two\n')
      expect(read('windows.txt')).toBe('stored\r\nwith crlf\r\n')
      // .gitattributes is honoured.
      expect(read('run.sh')).toBe('#!/bin/sh\necho hi\n')
      expect(read('run.bat')).toBe('@echo off\r\necho hi\r\n')
      // The job's own git, which does read the global config (autocrlf=true), sees no change.
      expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
      const feature = await world.job({ ref: 'feature', path: 'global' })
      expect(world.git(feature.treeDir, ['status', '--porcelain'])).toBe('')
    } finally {
      writeFileSync(globalConfig, '')
    }
  })
})

describe('sparse-checkout', () => {
  it('a sparse job gets its directories; the next job in the tree gets every file', async () => {
    const sparse = await world.job({ ref: 'main', path: 'sparse', 'sparse-checkout': 'src/app' })
    expect(existsSync(path.join(sparse.treeDir, 'src', 'app', 'main.txt'))).toBe(true)
    expect(existsSync(path.join(sparse.treeDir, 'docs'))).toBe(false)
    expect(existsSync(path.join(sparse.treeDir, 'README.md'))).toBe(true) // cone: top-level files
    const full = await world.job({ ref: 'main', path: 'sparse' })
    expect(full.treeDir).toBe(sparse.treeDir)
    expect(readFileSync(path.join(full.treeDir, 'docs', 'guide.txt'), 'utf8')).toBe('guide\n')
    expect(
      world
        .git(full.treeDir, ['ls-files', '-t'])
        .split('\n')
        .every(l => l.startsWith('H '))
    ).toBe(true)
    expect(world.git(full.treeDir, ['status', '--porcelain'])).toBe('')
  })
})

describe('trees', () => {
  it('two jobs at once get two trees, each borrowing every object from the one store', async () => {
    const one = await world.checkout({ ref: 'main', path: 'pool', trees: '2' })
    // An older commit of main: already in the store.
    const two = await world.checkout({ ref: repo.shas.first, path: 'pool', trees: '2' })
    try {
      expect([one.tree, two.tree]).toEqual([1, 2])
      expect(two.store.usedStoreLock).toBe(false) // one fetch served both
      for (const result of [one, two]) {
        const gitDir = path.join(result.treeDir, '.git')
        expect(readFileSync(path.join(gitDir, 'objects', 'info', 'alternates'), 'utf8')).toBe(
          `${path.join(result.layout.store, 'objects')}\n`
        )
        expect(readdirSync(path.join(gitDir, 'objects', 'pack'))).toEqual([])
        expect(world.git(result.treeDir, ['status', '--porcelain'])).toBe('')
      }
      expect(world.git(one.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.main)
      expect(world.git(two.treeDir, ['rev-parse', 'HEAD'])).toBe(repo.shas.first)
      // Each tree pins its commit in the store (§3.7).
      expect(world.git(one.layout.store, ['rev-parse', 'refs/shared-checkout/trees/1'])).toBe(
        repo.shas.main
      )
      expect(world.git(one.layout.store, ['rev-parse', 'refs/shared-checkout/trees/2'])).toBe(
        repo.shas.first
      )
    } finally {
      await world.release(one)
      await world.release(two)
    }
  })
})

describe('safe.directory (§3.5)', () => {
  it('is passed per command: a store and tree owned by another user still serve a job', async () => {
    if (process.getuid?.() !== 0) return // handing files to another user needs root
    const first = await world.job({ ref: 'main', path: 'foreign' })
    execFileSync('chown', ['-R', '65534:65534', first.layout.dir])
    expect(() => world.git(first.treeDir, ['status'])).toThrow(/dubious ownership/)
    const result = await world.job({ ref: 'feature', path: 'foreign', 'fetch-tags': 'true' })
    expect(result.store.created).toBe(false)
    expect(result.setAside).toEqual([])
    expect(result.store.usedStoreLock).toBe(true)
    expect(readFileSync(path.join(result.treeDir, 'feature.txt'), 'utf8')).toBe('feature\n')
    expect(readFileSync(world.env.GIT_CONFIG_GLOBAL!, 'utf8')).toBe('') // nothing written there
  })
})
