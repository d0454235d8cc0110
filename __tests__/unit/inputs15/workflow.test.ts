/**
 * action.yml and the reusable workflow (.github/workflows/shared-checkout.yml, a workflow_call
 * wrapper) agree (issue 15 item 5): every input of the action is an input of the workflow (its
 * secret inputs are secrets), with the same description and literal default, and is passed
 * to the action's step; every output of the action is an output of the workflow, wired through
 * the job's outputs.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { INPUT_NAMES } from '../../../src/options/options.js'
import { parseSimpleYaml, type YamlMap } from '../../../testkit/emulator-core.js'

const root = process.cwd()
const actionYml = parseSimpleYaml(readFileSync(path.join(root, 'action.yml'), 'utf8'))
const workflowText = readFileSync(path.join(root, '.github/workflows/shared-checkout.yml'), 'utf8')

/**
 * parseSimpleYaml reads maps only; a workflow's steps are a sequence of maps. Each `- key: v`
 * item becomes a map entry `item<n>:` holding `key: v`, indented one level deeper with the lines
 * that follow it.
 */
export function sequencesAsMaps(text: string): string {
  const out: string[] = []
  let items = 0
  let shift: { indent: number } | undefined
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const indent = line.length - line.trimStart().length
    const item = /^(\s*)- (.*)$/.exec(line)
    if (shift && line.trim() !== '' && indent <= shift.indent && !item) shift = undefined
    if (item) {
      out.push(`${item[1]}item${items++}:`, `${item[1]}  ${item[2]}`)
      shift = { indent: item[1].length }
    } else out.push(line)
  }
  return out.join('\n')
}

const workflow = parseSimpleYaml(sequencesAsMaps(workflowText))
const map = (value: string | YamlMap | undefined, what: string): YamlMap => {
  if (!value || typeof value === 'string') throw new Error(`${what} is not a map`)
  return value
}
const call = map(map(workflow.on, 'on').workflow_call, 'on.workflow_call')
const workflowInputs = map(call.inputs, 'workflow_call.inputs')
const workflowSecrets = map(call.secrets, 'workflow_call.secrets')
const workflowOutputs = map(call.outputs, 'workflow_call.outputs')
const job = map(map(workflow.jobs, 'jobs').checkout, 'jobs.checkout')
const actionStep = Object.values(map(job.steps, 'steps'))
  .map(step => map(step, 'step'))
  .find(step => step.id === 'shared')
const actionInputs = map(actionYml.inputs, 'action.yml inputs')
const actionOutputs = map(actionYml.outputs, 'action.yml outputs')

/** The action's secret inputs, and the workflow secret that carries each (names allow no '-'). */
const SECRET_INPUTS: Record<string, string> = { token: 'token', 'ssh-key': 'ssh_key' }
/** Inputs of the wrapper itself, not of the action. */
const WRAPPER_INPUTS = ['runs-on', 'run', 'action-repository', 'action-ref']

const text = (value: string | YamlMap | undefined): string =>
  typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : ''

describe('the reusable workflow declares what action.yml declares', () => {
  it('the sequence reader keeps every step (sanity of the YAML subset)', () => {
    expect(actionStep).toBeDefined()
    // Fetch the action at action-ref, run it as a local action, run the caller's commands.
    expect(Object.keys(map(job.steps, 'steps'))).toHaveLength(3)
    expect(actionStep!.uses).toBe('./.shared-checkout-action')
  })

  it('action.yml declares every input the code reads (INPUT_NAMES)', () => {
    expect(Object.keys(actionInputs)).toEqual([...INPUT_NAMES])
  })

  it('every action input is a workflow input or (secret inputs) a workflow secret, and nothing else', () => {
    const plain = Object.keys(actionInputs).filter(name => !(name in SECRET_INPUTS))
    expect(Object.keys(workflowInputs).filter(n => !WRAPPER_INPUTS.includes(n))).toEqual(plain)
    expect(Object.keys(workflowSecrets).sort()).toEqual(Object.values(SECRET_INPUTS).sort())
    for (const name of Object.keys(SECRET_INPUTS)) expect(workflowInputs).not.toHaveProperty(name)
  })

  it('with the same descriptions, and the literal defaults (expression defaults: empty, filled in the step)', () => {
    for (const [name, declared] of Object.entries(actionInputs)) {
      const action = map(declared, name)
      const wrapper = map(workflowInputs[name] ?? workflowSecrets[SECRET_INPUTS[name]], name)
      expect([name, text(wrapper.description)]).toEqual([name, text(action.description)])
      if (name in SECRET_INPUTS) {
        expect([name, wrapper.required]).toEqual([name, 'false'])
        continue
      }
      expect([name, wrapper.type]).toEqual([name, 'string']) // inputs arrive as text (§1)
      const literal = typeof action.default === 'string' ? action.default : ''
      expect([name, wrapper.default]).toEqual([name, literal.includes('${{') ? '' : literal])
    }
  })

  it("passes every input to the action's step, from its own input or secret", () => {
    const passed = map(actionStep!.with, 'with')
    expect(Object.keys(passed)).toEqual(Object.keys(actionInputs))
    for (const [name, declared] of Object.entries(actionInputs)) {
      const source = name in SECRET_INPUTS ? `secrets.${SECRET_INPUTS[name]}` : `inputs.${name}`
      const fallback = text(map(declared, name).default).match(/^\$\{\{\s*(.*?)\s*\}\}$/)?.[1]
      const expected = `\${{ ${source}${fallback ? ` || ${fallback}` : ''} }}`
      expect([name, passed[name]]).toEqual([name, expected])
    }
  })

  it('every action output is a workflow output, wired through the job', () => {
    expect(Object.keys(workflowOutputs)).toEqual(Object.keys(actionOutputs))
    const jobOutputs = map(job.outputs, 'jobs.checkout.outputs')
    expect(Object.keys(jobOutputs)).toEqual(Object.keys(actionOutputs))
    expect(actionStep!.id).toBe('shared')
    for (const [name, declared] of Object.entries(actionOutputs)) {
      const output = map(workflowOutputs[name], name)
      expect([name, output.value]).toEqual([name, `\${{ jobs.checkout.outputs.${name} }}`])
      expect([name, jobOutputs[name]]).toEqual([name, `\${{ steps.shared.outputs.${name} }}`])
      expect([name, text(output.description)]).toEqual([
        name,
        text(map(declared, name).description)
      ])
    }
  })
})
