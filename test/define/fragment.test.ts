import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { fragment, HTML_OUTPUT, isFragment } from '../../src/define/fragment.ts'
import { html } from '../../src/define/html.ts'
import { service } from '../../src/define/service.ts'
import type { Context } from '../../src/define/types.ts'

const input = z.object({ match: z.string() })
const ctx = {} as Context<never>

test('a live fragment with vary is refused, saying why and what to do', () => {
  for (const live of [{ every: '5s' }, { on: 'scores' }] as const) {
    assert.throws(
      () => fragment({ input, vary: ['user'], live, render: () => 'x' }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError)
        assert.match(error.message, /live.*cannot.*vary/)
        assert.match(error.message, /user/, 'names what it varies by')
        assert.match(error.message, /without a request/, 'says why')
        assert.match(error.message, /Drop `vary` or drop `live`/, 'says what to do')
        return true
      },
    )
  }
  assert.equal(fragment({ input, vary: ['locale'], render: () => 'x' }).vary[0], 'locale', 'vary alone is fine')
  assert.equal(fragment({ input, live: { every: '5s' }, render: () => 'x' }).live?.every, '5s', 'live alone is fine')
  assert.equal(
    fragment({ input, vary: [], live: { on: 't' }, render: () => 'x' }).vary.length,
    0,
    'an empty vary is no vary',
  )
})

test('a live policy needs every or on, and a valid duration', () => {
  assert.throws(() => fragment({ input, live: {} as never, render: () => 'x' }), /needs `every`/)
  assert.throws(() => fragment({ input, live: { every: 'soon' as never }, render: () => 'x' }), /live\.every/)
  assert.throws(() => fragment({ input, render: 'x' as never }), /`render` must be a function/)
})

test('fragment() makes a frozen, idempotent service of kind fragment with its assets', () => {
  const def = fragment({ input, css: 'box.css', js: ['a.js', 'b.js'], uses: ['sport/score'], render: () => 'x' })
  assert.equal(def.kind, 'fragment')
  assert.equal(isFragment(def), true)
  assert.equal(isFragment(service({ input, output: z.string(), run: () => 'x' })), false)
  assert.equal(def.idempotent, true)
  assert.equal(def.visibility, 'public')
  assert.deepEqual(def.css, ['box.css'])
  assert.deepEqual(def.js, ['a.js', 'b.js'])
  assert.deepEqual(def.uses, ['sport/score'])
  assert.deepEqual(def.vary, [])
  assert.equal(def.live, undefined)
  assert.equal(def.output, HTML_OUTPUT)
  assert.ok(Object.isFrozen(def) && Object.isFrozen(def.css))
})

test('run() passes html through and escapes a plain string, sync or async', async () => {
  const marked = fragment({ input, render: ({ match }) => html`<b>${match}</b>` })
  assert.equal(marked.run({ match: '<x>' }, ctx), '<b>&lt;x&gt;</b>')
  const plain = fragment({ input, render: ({ match }) => match })
  assert.equal(plain.run({ match: '<x>' }, ctx), '&lt;x&gt;')
  const later = fragment({ input, render: async ({ match }) => html`<i>${match}</i>` })
  assert.equal(await later.run({ match: 'a&b' }, ctx), '<i>a&amp;b</i>')
  const wrong = fragment({ input, render: () => 42 as never })
  assert.throws(() => wrong.run({ match: '' }, ctx), /render\(\) must return html/)
})

test('HTML_OUTPUT accepts strings only', async () => {
  assert.deepEqual(await HTML_OUTPUT['~standard'].validate('<b>'), { value: '<b>' })
  const bad = await HTML_OUTPUT['~standard'].validate(42)
  assert.ok('issues' in bad && bad.issues !== undefined && bad.issues.length === 1)
})
