/** The stand-alone lock's command line (src/lock/cli.ts), and the timeout rule it shares. */
import { describe, expect, it } from '@jest/globals'
import { CliUsageError, HELP, parseCli } from '../../../src/lock/cli.js'
import { parseTimeoutSeconds, TIMEOUT_ACCEPTED } from '../../../src/lock/index.js'

const TOKEN = '0123456789abcdef0123456789abcdef'

describe('parseTimeoutSeconds (the CLI --timeout and the action lock-timeout)', () => {
  it.each([
    ['-1', -1],
    ['0', 0],
    ['600', 600],
    ['2.5', 2.5],
    ['0.125', 0.125],
    [' 30 ', 30]
  ])('%p → %p', (text, seconds) => {
    expect(parseTimeoutSeconds(text)).toBe(seconds)
  })

  it.each([
    'abc',
    '',
    '-2',
    '-0.5',
    '1.2345',
    '1e3',
    'Infinity',
    'NaN',
    '0x10',
    '+5',
    '5s',
    '1,5',
    '9'.repeat(400)
  ])('%p is refused, naming the option, the value and what is accepted', text => {
    expect(() => parseTimeoutSeconds(text, 'lock-timeout')).toThrow(
      `lock-timeout ${JSON.stringify(text)} is not valid: expected ${TIMEOUT_ACCEPTED}.`
    )
  })
})

describe('lock CLI arguments', () => {
  it('acquire: defaults, both spellings of a flag, --lock instead of --path', () => {
    expect(parseCli(['acquire', '--path', '/c/app'])).toEqual({
      kind: 'acquire',
      lockFile: '/c/app.lock',
      timeoutSeconds: -1,
      hold: 'job',
      anchorPid: undefined
    })
    expect(
      parseCli([
        'acquire',
        '--lock=/c/trees/tree-1.lock',
        '--timeout=2.5',
        '--hold',
        'job',
        '--anchor-pid',
        '4242'
      ])
    ).toEqual({
      kind: 'acquire',
      lockFile: '/c/trees/tree-1.lock',
      timeoutSeconds: 2.5,
      hold: 'job',
      anchorPid: 4242
    })
    expect(parseCli(['release', '--path', '/c/app', '--token', TOKEN])).toEqual({
      kind: 'release',
      lockFile: '/c/app.lock',
      token: TOKEN
    })
    expect(parseCli(['status', '--lock', '/c/app.lock'])).toEqual({
      kind: 'status',
      lockFile: '/c/app.lock'
    })
  })

  it.each<[string[], string]>([
    [
      ['acquire', '--path', '/c', '--timeout', 'abc'],
      `--timeout "abc" is not valid: expected ${TIMEOUT_ACCEPTED}.`
    ],
    [['acquire', '--path', '/c', '--timeout', '-5'], '--timeout "-5" is not valid'],
    [
      ['acquire', '--path', '/c', '--hold', 'forever'],
      '--hold "forever" is not valid: expected job or process.'
    ],
    [
      ['acquire', '--path', '/c', '--anchor-pid', '1'],
      '--anchor-pid "1" is not valid: expected the id of a running process (greater than 1).'
    ],
    [
      ['acquire', '--path', '/c', '--hold', 'process', '--anchor-pid', '99'],
      '--anchor-pid needs --hold job.'
    ],
    [['acquire', '--path', '/c', '--timeout'], 'lock acquire: --timeout needs a value.'],
    [
      ['acquire', '--path', '/c', '--timeout', '--hold', 'job'],
      'lock acquire: --timeout needs a value.'
    ],
    [['acquire', '--path', '/c', '--path', '/d'], 'lock acquire: --path is given twice.'],
    [
      ['acquire', '--path', '/c', '--lock', '/d.lock'],
      'give exactly one of --path <clone> and --lock <file>'
    ],
    [['acquire'], 'give exactly one of --path <clone> and --lock <file>'],
    [['acquire', '--path', ''], '--path "" is not valid: expected a directory path.'],
    [
      ['acquire', '--path', '/c', '--token', TOKEN],
      'lock acquire: unknown flag --token; it accepts --path, --lock, --timeout, --hold, --anchor-pid'
    ],
    [['acquire', '/c'], 'lock acquire: unexpected argument "/c"'],
    [['release', '--path', '/c'], 'lock release: --token is required.'],
    [
      ['release', '--path', '/c', '--token', 'abc'],
      '--token "abc" is not valid: expected 32 hex digits, as acquire printed.'
    ],
    [['status', '--path', '/c', '--timeout', '0'], 'lock status: unknown flag --timeout'],
    [['grab', '--path', '/c'], 'unknown command "grab". usage: lock acquire|release|status']
  ])('%j → %s', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(CliUsageError)
    expect(() => parseCli(argv)).toThrow(message)
  })

  it('help: for the CLI and for each command, before any other check', () => {
    expect(parseCli([])).toEqual({ kind: 'help', text: HELP.main })
    expect(parseCli(['--help'])).toEqual({ kind: 'help', text: HELP.main })
    expect(parseCli(['help', 'release'])).toEqual({ kind: 'help', text: HELP.release })
    expect(parseCli(['acquire', '--help'])).toEqual({ kind: 'help', text: HELP.acquire })
    expect(parseCli(['status', '--bogus', '-h'])).toEqual({ kind: 'help', text: HELP.status })
  })

  it('acquire --help says what --hold job ties the lock to, and every help lists the exit codes', () => {
    expect(HELP.acquire).toMatch(
      /until the anchor process exits — by default\s+the PARENT of this command, i\.e\. the shell that ran it/
    )
    expect(HELP.acquire).toMatch(/once that shell exits,\s+the keeper releases the lock/)
    for (const text of Object.values(HELP)) {
      expect(text).toMatch(
        /Exit codes: 0 done; 1 failed .*\n2 bad command line; 3 timed out waiting .*; 4 cancelled/
      )
    }
  })
})
