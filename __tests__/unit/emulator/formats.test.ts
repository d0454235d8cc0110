import { describe, expect, it } from '@jest/globals'
import {
  Masker,
  evaluateTemplate,
  inputEnvName,
  parseKeyValueFile,
  parseSimpleYaml,
  parseWorkflowCommand,
  readActionInputs,
  readActionRuns
} from '../../../testkit/emulator-core.js'

describe('parseKeyValueFile (GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE)', () => {
  it('reads name=value lines, keeping later "=" in the value', () => {
    expect(parseKeyValueFile('a=1\nb=x=y\n\nc=\n')).toEqual({ a: '1', b: 'x=y', c: '' })
  })
  it('reads heredocs, CRLF included, and lets the first of = and << decide', () => {
    expect(parseKeyValueFile('m<<EOF\nl1\nl=2\nEOF\r\nn<<Z\r\nz\r\nZ\r\nq=a<<b\n')).toEqual({
      m: 'l1\nl=2',
      n: 'z',
      q: 'a<<b'
    })
  })
  it('refuses an unclosed heredoc and a line that is neither form', () => {
    expect(() => parseKeyValueFile('m<<EOF\nl1\n')).toThrow(/not closed/)
    expect(() => parseKeyValueFile('justtext\n')).toThrow(/invalid line/)
  })
})

describe('parseWorkflowCommand', () => {
  it('parses properties and unescapes like @actions/core escapes', () => {
    expect(parseWorkflowCommand('::error file=a%3Ab.ts,line=3::bad%0Athing 100%25')).toEqual({
      command: 'error',
      properties: { file: 'a:b.ts', line: '3' },
      message: 'bad\nthing 100%'
    })
    expect(parseWorkflowCommand('::add-mask::x')).toEqual({
      command: 'add-mask',
      properties: {},
      message: 'x'
    })
    expect(parseWorkflowCommand('not :: a command')).toBeUndefined()
  })
})

describe('Masker', () => {
  it('replaces every occurrence, longest secret first, each line of a multi-line secret', () => {
    const masker = new Masker()
    masker.add('abc')
    masker.add('abcdef')
    masker.add('line1\nline2')
    expect(masker.apply('abcdef abc line2 x')).toBe('*** *** *** x')
  })
})

describe('action.yml reading', () => {
  const yml = [
    "name: 'x' # comment",
    'inputs:',
    '  fetch-depth:',
    "    description: 'a # not a comment'",
    "    default: '0'",
    '  long:',
    '    description: >',
    '      folded',
    '      text',
    '    default: ${{ github.repository }}',
    '  bare:',
    '    required: true',
    'runs:',
    '  using: node24',
    '  main: dist/main/index.js',
    "  post: 'dist/post/index.js'",
    ''
  ].join('\n')

  it('parses the subset action.yml uses', () => {
    expect(parseSimpleYaml(yml)).toMatchObject({
      name: 'x',
      inputs: { long: { description: 'folded text\n' } }
    })
    expect(readActionInputs(yml)).toEqual({
      'fetch-depth': { default: '0', required: false, description: 'a # not a comment' },
      long: { default: '${{ github.repository }}', required: false, description: 'folded text\n' },
      bare: { default: undefined, required: true, description: undefined }
    })
    expect(readActionRuns(yml)).toEqual({
      using: 'node24',
      main: 'dist/main/index.js',
      post: 'dist/post/index.js',
      postIf: 'always()'
    })
  })
  it('refuses YAML it does not understand rather than misreading it', () => {
    expect(() => parseSimpleYaml('inputs:\n  - a\n')).toThrow(/unsupported/)
  })
  it('names inputs like the runner: upper-case, spaces to _, dashes kept', () => {
    expect(inputEnvName('fetch-depth')).toBe('INPUT_FETCH-DEPTH')
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT')
  })
})

describe('evaluateTemplate', () => {
  const context = {
    github: { repository: 'acme/widgets', token: 't' },
    env: { A: '1' },
    steps: { checkout: { outputs: { path: '/p' } } },
    runner: { temp: '/tmp/r' }
  }
  it('evaluates the property lookups the emulator supports', () => {
    expect(
      evaluateTemplate(
        '${{ github.repository }} ${{env.A}} ${{ steps.checkout.outputs.path }} ${{ steps.none.outputs.x }}|${{ runner.temp }}',
        context
      )
    ).toBe('acme/widgets 1 /p |/tmp/r')
  })
  it('fails loudly on anything else', () => {
    expect(() => evaluateTemplate('${{ github.nope }}', context)).toThrow(/unknown context/)
    expect(() => evaluateTemplate("${{ format('{0}', 1) }}", context)).toThrow(
      /unsupported expression/
    )
  })
})
