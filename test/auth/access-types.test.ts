// Type-level checks run by `tsc --noEmit -p .` (tests are in the project); the test asserts the rules are kept.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { fragment, html, page, service } from '../../src/index.ts'

const owned = service({
  input: z.object({ authorId: z.string() }),
  output: z.string(),
  access: (user, input) => user?.id === input.authorId,
  run: () => 'x',
})
const counted = fragment({
  input: z.object({ n: z.number().default(2) }),
  access: async (user, input) => user !== null && input.n > 1,
  render: () => html`x`,
})
const desk = page({ template: '<p>x</p>', access: (user, params) => user?.id === params.id })

test('a function rule is typed by the validated input (services, fragments) or the route params (pages)', () => {
  assert.equal(typeof owned.policy.access, 'function')
  assert.equal(typeof counted.policy.access, 'function')
  assert.equal(typeof desk.access, 'function')
  const rule = owned.policy.access as (user: unknown, input: unknown) => boolean
  assert.equal(rule({ id: 'a', roles: [], claims: {} }, { authorId: 'a' }), true)
  assert.throws(() => page({ template: '', access: 'admins' as never }), /`access` must be/)
  service({
    input: z.object({ a: z.string() }),
    output: z.string(),
    // @ts-expect-error the rule reads a field the input does not have
    access: (_user, input) => input.nope === 1,
    run: () => 'x',
  })
})
