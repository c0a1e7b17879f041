import assert from 'node:assert/strict'
import { test } from 'node:test'
import { remoteDefinition } from '../../src/runtime/remote-definition.ts'
import { JsonCheckerCompiler } from '../../src/runtime/validate/json-checker.ts'

const description = {
  name: 'scores/box',
  kind: 'service',
  description: 'A score box',
  input: { type: 'object', properties: { match: { type: 'string' } }, required: ['match'] },
  output: { type: 'string' },
  uses: [],
  visibility: 'public',
  idempotent: true,
  version: 'v1',
} as never

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

test("a remote service's input check compiles on a later turn, letting values through until then (its node checks them)", async () => {
  const def = remoteDefinition(description, new JsonCheckerCompiler())
  const validate = (value: unknown) => def.input['~standard'].validate(value) as { issues?: unknown[]; value?: unknown }
  assert.deepEqual(validate({ match: 7 }), { value: { match: 7 } }, 'not compiled yet: let through')
  await turn()
  await turn()
  assert.equal(validate({ match: 7 })?.issues?.length, 1, 'compiled: refused')
  assert.deepEqual(validate({ match: 'r7' }), { value: { match: 'r7' } })
})
