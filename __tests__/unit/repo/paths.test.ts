import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { parseCheckoutOptions, type InputName } from '../../../src/options/options.js'
import { repoIdOf } from '../../../src/repo/identity.js'
import { layoutOf } from '../../../src/repo/layout.js'
import {
  PathInputError,
  defaultRoot,
  isInside,
  resolveRepoDir,
  resolveRoot,
  type Platform
} from '../../../src/repo/paths.js'

const gh = repoIdOf('https://github.com', 'Acme/Widgets')

describe('defaultRoot (§1 root)', () => {
  it('prefers SHARED_CHECKOUT_ROOT on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as Platform[]) {
      expect(
        defaultRoot({
          platform,
          env: { SHARED_CHECKOUT_ROOT: '/srv/sc', LOCALAPPDATA: 'C:\\x' },
          homedir: '/home/u'
        })
      ).toBe('/srv/sc')
    }
  })
  it('is ~/.cache/shared-checkout on linux and darwin, ignoring XDG_CACHE_HOME', () => {
    expect(
      defaultRoot({ platform: 'linux', env: { XDG_CACHE_HOME: '/elsewhere' }, homedir: '/home/u' })
    ).toBe('/home/u/.cache/shared-checkout')
    expect(defaultRoot({ platform: 'darwin', env: {}, homedir: '/Users/u' })).toBe(
      '/Users/u/.cache/shared-checkout'
    )
  })
  it('is %LOCALAPPDATA%\\shared-checkout on Windows, else under the profile', () => {
    expect(
      defaultRoot({
        platform: 'win32',
        env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
        homedir: 'C:\\Users\\u'
      })
    ).toBe('C:\\Users\\u\\AppData\\Local\\shared-checkout')
    expect(defaultRoot({ platform: 'win32', env: {}, homedir: 'C:\\Users\\u' })).toBe(
      'C:\\Users\\u\\AppData\\Local\\shared-checkout'
    )
  })
  it('names the root input when no home is known', () => {
    expect(() => defaultRoot({ platform: 'linux', env: {}, homedir: '' })).toThrow(
      /Input 'root'.*HOME is not set/
    )
    expect(() => defaultRoot({ platform: 'win32', env: {}, homedir: '' })).toThrow(
      /Input 'root'.*neither LOCALAPPDATA nor a home directory/
    )
  })
})

describe('resolveRoot', () => {
  it('accepts absolute roots and expands ~', () => {
    expect(
      resolveRoot({ platform: 'linux', rootInput: '/srv/sc/', env: {}, homedir: '/home/u' })
    ).toBe('/srv/sc')
    expect(resolveRoot({ platform: 'linux', rootInput: '~/sc', env: {}, homedir: '/home/u' })).toBe(
      '/home/u/sc'
    )
    expect(resolveRoot({ platform: 'linux', rootInput: '~', env: {}, homedir: '/home/u' })).toBe(
      '/home/u'
    )
    expect(
      resolveRoot({ platform: 'win32', rootInput: 'D:/sc', env: {}, homedir: 'C:\\Users\\u' })
    ).toBe('D:\\sc')
    expect(
      resolveRoot({
        platform: 'win32',
        rootInput: '\\\\srv\\share\\sc',
        env: {},
        homedir: 'C:\\Users\\u'
      })
    ).toBe('\\\\srv\\share\\sc')
  })
  it.each([
    ['linux', 'relative/dir', /relative root/],
    ['linux', '/', /root of a volume/],
    ['linux', '/a/..', /root of a volume/],
    ['linux', 'a\u0000b', /control characters/],
    ['win32', 'C:\\', /root of a volume/],
    ['win32', '\\\\srv\\share', /root of a volume/],
    ['win32', 'C:dir', /drive-relative/],
    ['win32', '\\dir', /rooted without a drive/],
    ['win32', '\\\\.\\C:\\x', /device paths/],
    ['win32', 'C:\\a*b', /cannot contain/],
    ['linux', 'C:\\dir', /backslashes/],
    ['linux', 'C:/dir', /drive letter/]
  ] as [Platform, string, RegExp][])('%s refuses root %j', (platform, rootInput, reason) => {
    const call = (): string => resolveRoot({ platform, rootInput, env: {}, homedir: '/home/u' })
    expect(call).toThrow(PathInputError)
    expect(call).toThrow(reason)
    expect(call).toThrow(`Input 'root' is ${JSON.stringify(rootInput)}`)
  })
  it('blames SHARED_CHECKOUT_ROOT when it is relative', () => {
    expect(() =>
      resolveRoot({
        platform: 'linux',
        rootInput: '',
        env: { SHARED_CHECKOUT_ROOT: 'rel' },
        homedir: '/h'
      })
    ).toThrow(/SHARED_CHECKOUT_ROOT/)
  })
})

describe('resolveRepoDir (§1 path)', () => {
  const linux = {
    platform: 'linux' as Platform,
    root: '/home/u/.cache/shared-checkout',
    repo: gh,
    homedir: '/home/u'
  }
  const win = {
    platform: 'win32' as Platform,
    root: 'C:\\Users\\u\\AppData\\Local\\shared-checkout',
    repo: gh,
    homedir: 'C:\\Users\\u'
  }
  const mac = {
    platform: 'darwin' as Platform,
    root: '/Users/u/.cache/shared-checkout',
    repo: gh,
    homedir: '/Users/u'
  }

  it('defaults to <root>/<host>/<owner>/<name>, lower-cased', () => {
    expect(resolveRepoDir({ ...linux, pathInput: '' })).toBe(
      '/home/u/.cache/shared-checkout/github.com/acme/widgets'
    )
    expect(resolveRepoDir({ ...win, pathInput: '' })).toBe(
      'C:\\Users\\u\\AppData\\Local\\shared-checkout\\github.com\\acme\\widgets'
    )
    expect(resolveRepoDir({ ...linux, pathInput: '  ' })).toBe(
      '/home/u/.cache/shared-checkout/github.com/acme/widgets'
    )
  })
  it('resolves relative paths against the root, and accepts absolute ones elsewhere', () => {
    expect(resolveRepoDir({ ...linux, pathInput: 'mine/widgets' })).toBe(
      '/home/u/.cache/shared-checkout/mine/widgets'
    )
    expect(resolveRepoDir({ ...linux, pathInput: 'a/../b/' })).toBe(
      '/home/u/.cache/shared-checkout/b'
    )
    expect(resolveRepoDir({ ...linux, pathInput: '/srv/clones/widgets' })).toBe(
      '/srv/clones/widgets'
    )
    expect(resolveRepoDir({ ...linux, pathInput: '/srv/clones/widgets/' })).toBe(
      '/srv/clones/widgets'
    )
    expect(resolveRepoDir({ ...linux, pathInput: '~/clones/w' })).toBe('/home/u/clones/w')
    expect(resolveRepoDir({ ...win, pathInput: 'D:/clones/w' })).toBe('D:\\clones\\w')
    expect(resolveRepoDir({ ...win, pathInput: '\\\\srv\\share\\w' })).toBe('\\\\srv\\share\\w')
    expect(resolveRepoDir({ ...win, pathInput: 'sub\\w' })).toBe(`${win.root}\\sub\\w`)
    expect(resolveRepoDir({ ...win, pathInput: '~\\w' })).toBe('C:\\Users\\u\\w')
  })

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    ['linux', linux, '/', /root of a volume/],
    ['linux', linux, '/home/u', /is the home directory/],
    ['linux', linux, '/home/u/', /is the home directory/],
    ['linux', linux, '/home', /contains the home directory/],
    ['linux', linux, '~', /is the home directory/],
    ['linux', linux, '/home/u/.cache/shared-checkout', /is the root itself/],
    ['linux', linux, '/home/u/.cache', /contains the root/],
    ['linux', linux, '.', /is the root itself/],
    ['linux', linux, '../x', /leaves the root/],
    ['linux', linux, 'a/../../x', /leaves the root/],
    ['linux', linux, 'C:\\x', /backslashes/],
    ['linux', linux, 'C:/x', /drive letter/],
    ['linux', linux, 'a\u0000b', /control characters/],
    ['linux', linux, 'a\nb', /control characters/],
    ['win32', win, 'C:\\', /root of a volume/],
    ['win32', win, 'c:/', /root of a volume/],
    ['win32', win, '\\\\srv\\share', /root of a volume/],
    ['win32', win, 'c:\\users\\U', /is the home directory/],
    ['win32', win, 'C:\\USERS\\U\\APPDATA\\LOCAL\\SHARED-CHECKOUT', /is the root itself/],
    ['win32', win, '..\\x', /leaves the root/],
    ['win32', win, 'sub\\..\\..\\x', /leaves the root/],
    ['win32', win, 'C:x', /drive-relative/],
    ['win32', win, '\\x', /rooted without a drive/],
    ['win32', win, '\\\\?\\C:\\x', /device paths/],
    ['win32', win, '//./C:/x', /device paths/],
    ['win32', win, 'a|b', /cannot contain/],
    ['win32', win, 'a"b', /cannot contain/],
    ['darwin', mac, '/users/U', /is the home directory/],
    ['darwin', mac, '/USERS/u/.Cache/Shared-Checkout', /is the root itself/]
  ]
  it.each(refused.map(([p, b, v, r]) => [p, v, b, r] as const))(
    '%s refuses path %j',
    (_platform, pathInput, base, reason) => {
      const call = (): string => resolveRepoDir({ ...(base as typeof linux), pathInput })
      expect(call).toThrow(PathInputError)
      expect(call).toThrow(reason)
      expect(call).toThrow(`Input 'path' is ${JSON.stringify(pathInput)}`)
      expect(call).toThrow(/expected .*inside the root/)
    }
  )

  it('compares case-sensitively on linux', () => {
    expect(resolveRepoDir({ ...linux, pathInput: '/HOME/U' })).toBe('/HOME/U')
  })
})

describe('isInside', () => {
  it('does not mistake a sibling with a common prefix for a child', () => {
    expect(isInside('linux', '/a/b', '/a/bc')).toBe(false)
    expect(isInside('linux', '/a/b', '/a/b/c')).toBe(true)
    expect(isInside('linux', '/a/b', '/a/b')).toBe(true)
    expect(isInside('linux', '/a/b/', '/a/b')).toBe(true)
    expect(isInside('linux', '/a/b', '/a/b/../c')).toBe(false)
    expect(isInside('win32', 'C:\\A', 'c:\\a\\x')).toBe(true)
    expect(isInside('linux', '/', '/x')).toBe(true)
  })
  it.each<[Platform, string, string, boolean]>([
    ['linux', '/Srv/SC', '/srv/sc/x', false],
    ['linux', '/srv/sc', '/srv/sc/X', true],
    ['darwin', '/Srv/SC', '/srv/sc/x', true],
    ['darwin', '/srv/sc', '/srv/scx', false],
    ['win32', 'C:\\SC', 'c:/sc/x', true],
    ['win32', '\\\\SRV\\Share\\sc', '\\\\srv\\share\\SC\\x', true],
    ['win32', 'C:\\sc', 'D:\\sc\\x', false]
  ])('%s: is %s a parent of %s? %p (case-insensitive where the OS is)', (platform, a, b, want) => {
    expect(isInside(platform, a, b)).toBe(want)
  })
})

/** Issue 7.3, table-driven on all three platforms. */
describe('per-OS path rules (issue 7.3)', () => {
  const machines = {
    linux: { env: { HOME: '/home/u' }, homedir: '/home/u' },
    darwin: { env: { HOME: '/Users/u' }, homedir: '/Users/u' },
    win32: {
      env: { USERPROFILE: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
      homedir: 'C:\\Users\\u'
    }
  } as const
  const platforms = Object.keys(machines) as Array<keyof typeof machines>

  it.each<[Platform, Record<string, string>, string, string]>([
    ['linux', {}, '/home/u', '/home/u/.cache/shared-checkout'],
    ['darwin', {}, '/Users/u', '/Users/u/.cache/shared-checkout'],
    [
      'win32',
      { LOCALAPPDATA: 'D:\\Profiles\\u\\AppData\\Local' },
      'C:\\Users\\u',
      'D:\\Profiles\\u\\AppData\\Local\\shared-checkout'
    ],
    [
      'win32',
      { LOCALAPPDATA: '  ' },
      'C:\\Users\\u',
      'C:\\Users\\u\\AppData\\Local\\shared-checkout'
    ],
    ['linux', { SHARED_CHECKOUT_ROOT: ' /srv/sc ' }, '/home/u', '/srv/sc'],
    ['darwin', { SHARED_CHECKOUT_ROOT: '/opt/sc' }, '/Users/u', '/opt/sc'],
    ['win32', { SHARED_CHECKOUT_ROOT: 'E:\\sc', LOCALAPPDATA: 'C:\\x' }, 'C:\\Users\\u', 'E:\\sc']
  ])('%s default root with env %j and home %s → %s', (platform, env, homedir, root) => {
    expect(defaultRoot({ platform, env, homedir })).toBe(root)
  })

  it.each<[Platform, string, string]>([
    // Drive letters: either case, either slash, normalised to backslashes.
    ['win32', 'd:\\sc', 'd:\\sc'],
    ['win32', 'D:/sc/', 'D:\\sc'],
    ['win32', 'D:\\a/b\\\\c', 'D:\\a\\b\\c'],
    // UNC: backslashes or forward slashes.
    ['win32', '\\\\srv\\share\\sc', '\\\\srv\\share\\sc'],
    ['win32', '//srv/share/sc', '\\\\srv\\share\\sc'],
    ['win32', '~\\sc', 'C:\\Users\\u\\sc'],
    ['darwin', '/Volumes/Build/sc', '/Volumes/Build/sc'],
    ['linux', '/srv//sc/', '/srv/sc']
  ])('%s root %j → %s', (platform, rootInput, root) => {
    const { env, homedir } = machines[platform as keyof typeof machines]
    expect(resolveRoot({ platform, rootInput, env, homedir })).toBe(root)
  })

  it('the 260-character limit: longer directories are accepted whole (git gets core.longpaths)', () => {
    const root = `C:\\${'r'.repeat(240)}`
    const dir = resolveRepoDir({
      platform: 'win32',
      root,
      pathInput: '',
      repo: repoIdOf('https://github.com', 'acme/widgets'),
      homedir: 'C:\\Users\\u'
    })
    expect(dir.length).toBeGreaterThan(260)
    expect(dir).toBe(`${root}\\github.com\\acme\\widgets`)
  })

  it.each(platforms)(
    '%s: Acme/Widgets and acme/widgets → one directory, one store and one set of locks, through the inputs',
    platform => {
      const { env, homedir } = machines[platform]
      const resolve = (repository: string): string[] => {
        const inputs: Partial<Record<InputName, string>> = {
          repository,
          'github-server-url': 'https://GitHub.com',
          token: 'x'
        }
        const result = parseCheckoutOptions(name => inputs[name] ?? '', {
          env,
          platform,
          homedir,
          inspectDisk: false
        })
        if (!result.ok) throw new Error(JSON.stringify(result.problems))
        const layout = layoutOf(result.options.dir)
        return [
          result.options.dir,
          layout.store,
          layout.storeLock,
          layout.treeLock(1),
          layout.tree(1)
        ]
      }
      const upper = resolve('Acme/Widgets')
      expect(resolve('acme/widgets')).toEqual(upper)
      expect(resolve('ACME/WIDGETS.git')).toEqual(upper)
      const p = platform === 'win32' ? path.win32 : path.posix
      const [dir, store, storeLock] = upper
      expect(p.basename(dir)).toBe('widgets')
      expect(p.basename(p.dirname(dir))).toBe('acme')
      // v2: every lock lives inside the repository's directory (§2 "Paths").
      expect(isInside(platform, dir, storeLock)).toBe(true)
      expect(isInside(platform, dir, store)).toBe(true)
    }
  )
})
