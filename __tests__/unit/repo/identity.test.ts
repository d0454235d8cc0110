import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { parseRepository, parseServerUrl } from '../../../src/options/parse.js'
import {
  hostDirectory,
  normalizeRemoteUrl,
  repoIdOf,
  sameRepository
} from '../../../src/repo/identity.js'
import { resolveRepoDir } from '../../../src/repo/paths.js'

const dirOf = (serverUrl: string, repository: string, root = '/srv/sc'): string =>
  resolveRepoDir({
    platform: 'linux',
    root,
    pathInput: '',
    repo: repoIdOf(serverUrl, repository),
    homedir: '/home/u'
  })

describe('repoIdOf: one repository, named once', () => {
  it('folds case: Acme/App and acme/app share key, segments and directory', () => {
    const upper = repoIdOf('https://GitHub.com', 'Acme/App')
    const lower = repoIdOf('https://github.com/', 'acme/app')
    expect(upper.key).toBe('github.com/acme/app')
    expect(lower.key).toBe(upper.key)
    expect(lower.segments).toEqual(upper.segments)
    expect(upper.segments).toEqual(['github.com', 'acme', 'app'])
    expect(dirOf('https://GitHub.com', 'Acme/App')).toBe(dirOf('https://github.com', 'acme/app'))
    expect(upper).toMatchObject({ owner: 'acme', name: 'app', host: 'github.com', prefix: [] })
    // Messages and origin keep the spelling the user chose.
    expect(upper.display).toBe('Acme/App')
    expect(upper.remoteUrl).toBe('https://GitHub.com/Acme/App')
  })

  it('drops a trailing .git, in any case', () => {
    for (const repository of ['acme/app.git', 'acme/app.GIT', 'Acme/App.Git']) {
      const id = repoIdOf('https://github.com', repository)
      expect(id.name).toBe('app')
      expect(id.key).toBe('github.com/acme/app')
      expect(id.remoteUrl).toMatch(/\/app$/i)
    }
  })

  it('keeps ports apart: 127.0.0.1:8080 → 127.0.0.1_8080; a default port is no port', () => {
    const local = repoIdOf('http://127.0.0.1:8080', 'a/b')
    expect(local).toMatchObject({
      host: '127.0.0.1:8080',
      key: '127.0.0.1:8080/a/b',
      segments: ['127.0.0.1_8080', 'a', 'b'],
      remoteUrl: 'http://127.0.0.1:8080/a/b'
    })
    expect(repoIdOf('http://127.0.0.1:8081', 'a/b').segments[0]).toBe('127.0.0.1_8081')
    expect(repoIdOf('https://github.com:443', 'a/b').segments[0]).toBe('github.com')
    expect(repoIdOf('http://h:80', 'a/b').segments[0]).toBe('h')
    expect(repoIdOf('http://h:443', 'a/b').segments[0]).toBe('h_443')
  })

  it('IPv6 hosts: no ":" in the directory name (not a file-name character on Windows)', () => {
    expect(repoIdOf('http://[::1]:8080', 'a/b').segments).toEqual(['[--1]_8080', 'a', 'b'])
    expect(repoIdOf('http://[::1]', 'a/b').segments[0]).toBe('[--1]')
    expect(repoIdOf('http://[FE80::1]', 'a/b').segments[0]).toBe('[fe80--1]')
    expect(repoIdOf('http://[::1]:8080', 'a/b').host).toBe('[::1]:8080')
    expect(hostDirectory(new URL('http://[::1]:9'))).toBe('[--1]_9')
  })

  it('server path prefixes: lower-cased segments that start with "~", in the key without it', () => {
    const id = repoIdOf('https://ghes.example.com/Git/Sub', 'Acme/App')
    expect(id.prefix).toEqual(['git', 'sub'])
    expect(id.segments).toEqual(['ghes.example.com', '~git', '~sub', 'acme', 'app'])
    expect(id.key).toBe('ghes.example.com/git/sub/acme/app')
    expect(id.remoteUrl).toBe('https://ghes.example.com/Git/Sub/Acme/App')
    expect(id.serverUrl).toBe('https://ghes.example.com/Git/Sub')
    expect(repoIdOf('https://ghes.example.com/git/', 'a/b').serverUrl).toBe(
      'https://ghes.example.com/git'
    )
  })

  it('refuses what cannot be owner/name or a directory name (a programming error)', () => {
    expect(() => repoIdOf('https://github.com', 'a/..')).toThrow(/is not owner\/name/)
    expect(() => repoIdOf('https://github.com', 'a/.')).toThrow(/is not owner\/name/)
    expect(() => repoIdOf('https://github.com', 'a/.git')).toThrow(/is not owner\/name/)
    expect(() => repoIdOf('https://github.com', 'a/b/c')).toThrow(/is not owner\/name/)
    expect(() => repoIdOf('https://github.com', '/b')).toThrow(/is not owner\/name/)
    // Defence in depth behind parseServerUrl: a host that is not a directory name.
    expect(() => repoIdOf('https://..', 'a/b')).toThrow(/do not name a directory/)
    expect(() => repoIdOf('https://%2e', 'a/b')).toThrow(/do not name a directory/)
    expect(() => repoIdOf('https://github.com', './b')).toThrow(/do not name a directory/)
  })
})

describe('no nesting (issue 12.1): no repository directory is equal to, inside or a parent of another', () => {
  const servers = [
    'https://github.com',
    'https://GitHub.com:443',
    'http://github.com:8080',
    'https://ghes',
    'https://ghes/x',
    'https://ghes/x/y',
    'https://ghes/acme',
    'https://ghes/x.lock',
    'https://ghes/~x',
    'https://ghes/trees',
    'http://[::1]:8080',
    'http://127.0.0.1'
  ]
  const owners = ['acme', 'x', 'git', 'x-lock', 'trees', 'store', 'Acme']
  const names = [
    'x',
    'X',
    'x.lock',
    'x.partial-abc',
    'x.queue',
    'x.lock.queue',
    'x.lock.guard',
    '.github',
    'x.git',
    '...',
    'x-lock',
    'store',
    'trees',
    'locks',
    'tmp',
    'aside',
    'shared-checkout.json',
    'acme'
  ]

  interface Entry {
    key: string
    dir: string
    label: string
  }
  const entries: Entry[] = []
  for (const server of servers) {
    const serverUrl = parseServerUrl(server)
    if (!serverUrl.ok) throw new Error(`test servers must be valid: ${server}`)
    for (const owner of owners) {
      for (const name of names) {
        const repository = parseRepository(`${owner}/${name}`)
        if (!repository.ok) throw new Error(`test names must be legal: ${owner}/${name}`)
        const id = repoIdOf(serverUrl.value, repository.value)
        entries.push({
          key: id.key,
          dir: dirOf(serverUrl.value, repository.value),
          label: `${server} ${owner}/${name}`
        })
      }
    }
  }

  it('covers many repositories', () => expect(entries.length).toBeGreaterThan(1000))

  it('the same repository (same key) has the same directory; different ones are apart', () => {
    const sep = path.posix.sep
    const byDir = new Map<string, Entry>()
    for (const entry of entries) {
      const other = byDir.get(entry.dir)
      if (other && other.key !== entry.key)
        throw new Error(`${entry.label} and ${other.label} share ${entry.dir}`)
      byDir.set(entry.dir, entry)
    }
    const distinct = [...byDir.values()]
    // Sorted, a directory's descendants follow it directly: checking neighbours finds any nesting.
    const sorted = distinct.map(e => e.dir + sep).sort()
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].startsWith(sorted[i - 1]))
        throw new Error(`${sorted[i]} is inside ${sorted[i - 1]}`)
    }
    // And pairwise, case-insensitively (Windows and macOS file systems), without the shortcut.
    const folded = distinct.map(e => ({ ...e, dir: e.dir.toLowerCase() + sep }))
    for (let i = 0; i < folded.length; i++) {
      for (let j = 0; j < folded.length; j++) {
        if (i !== j && folded[j].dir.startsWith(folded[i].dir))
          throw new Error(
            `${folded[j].label} (${folded[j].dir}) is inside or equal to ${folded[i].label} (${folded[i].dir})`
          )
      }
    }
    expect(distinct.length).toBe(new Set(entries.map(e => e.key)).size)
  })
})

describe('normalizeRemoteUrl / sameRepository', () => {
  it.each([
    ['https://github.com/Owner/Name.git', 'https://github.com/owner/name/'],
    ['https://x-access-token:abc@github.com/o/n', 'https://github.com/o/n'],
    ['https://GITHUB.COM/o/n', 'https://github.com/O/N.GIT'],
    ['https://github.com/o/n', 'git@github.com:o/n.git'],
    ['https://github.com/o/n', 'github.com:O/N'],
    ['https://github.com/o/n', 'ssh://git@github.com/o/n.git'],
    ['http://127.0.0.1:8080/a/b', 'http://127.0.0.1:8080/A/B.git'],
    ['file:///tmp/a/b.git', '/tmp/a/b'],
    ['file:///tmp/a%20b/c', '/tmp/a b/c/'],
    ['  https://github.com/o/n  ', 'https://github.com/o/n']
  ])('%j is the same repository as %j', (a, b) => {
    expect(sameRepository(a, b)).toBe(true)
    expect(normalizeRemoteUrl(a)).toBe(normalizeRemoteUrl(b))
  })

  it.each([
    ['https://github.com/o/n', 'https://github.com/o/other'],
    ['https://github.com/o/n', 'https://ghe.example.com/o/n'],
    ['https://github.com/o/n', 'https://github.com:8443/o/n'],
    ['https://github.com/o/n', 'https://github.com/prefix/o/n'],
    ['ssh://git@github.com:2222/o/n', 'git@github.com:o/n'],
    ['/tmp/A/b', '/tmp/a/b'], // local paths keep their case
    ['file:///tmp/a/b', 'https://tmp/a/b']
  ])('%j is not %j', (a, b) => expect(sameRepository(a, b)).toBe(false))

  it('reduces to host and path, lower-cased, without credentials or .git', () => {
    expect(normalizeRemoteUrl('git@github.com:O/N.git')).toBe('github.com/o/n')
    expect(normalizeRemoteUrl('https://u:p@GitHub.com/O/N.git/')).toBe('github.com/o/n')
    expect(normalizeRemoteUrl('/srv/Repos/x.git/')).toBe('file:/srv/Repos/x')
  })
})
