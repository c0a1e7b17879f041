/**
 * `services/hello.ts`: a service taking `{ name }` and returning `{ greeting }`.
 *
 * @example
 * files['services/hello.ts'] = HELLO_SERVICE
 */
export const HELLO_SERVICE = `import { service } from '@nanoweb/core'
import { z } from 'zod'

export default service({
  description: 'Greets someone by name',
  input: z.object({ name: z.string().min(1).max(100) }),
  output: z.object({ greeting: z.string() }),
  idempotent: true,
  run({ name }) {
    return { greeting: \`Hello, \${name}!\` }
  },
})
`

/**
 * `services/hello.test.ts`: calls the service through a test runtime (`@nanoweb/core/testing`), as
 * every caller would, input and output validated.
 *
 * @example
 * files['services/hello.test.ts'] = HELLO_TEST
 */
export const HELLO_TEST = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testRuntime } from '@nanoweb/core/testing'

const root = fileURLToPath(new URL('..', import.meta.url))

test('hello greets by name', async () => {
  await using rt = await testRuntime({ root })
  assert.deepEqual(await rt.call('hello', { name: 'Ada' }), { greeting: 'Hello, Ada!' })
})

test('hello refuses an empty name', async () => {
  await using rt = await testRuntime({ root })
  await assert.rejects(rt.call('hello', { name: '' }), { code: 'NANO_E_INVALID_INPUT' })
})
`

/**
 * `services/hello-card.ts`: a fragment that renders the hello service's greeting as HTML.
 *
 * @example
 * files['services/hello-card.ts'] = HELLO_CARD
 */
export const HELLO_CARD = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'

export default fragment({
  description: 'A card with a greeting from the hello service',
  input: z.object({ name: z.string().min(1).max(100) }),
  uses: ['hello'],
  async render({ name }, ctx) {
    const { greeting } = await ctx.call('hello', { name })
    return html\`<section class="hello-card">
  <h2>\${greeting}</h2>
  <p>Rendered by <code>services/hello-card.ts</code>, which calls <code>services/hello.ts</code>.</p>
</section>\`
  },
})
`

/**
 * `services/hello-card.test.ts`: renders the fragment with its dependency `hello` replaced by a
 * fake (checked against hello's real schemas), reads the recorded calls, and renders the home page.
 *
 * @example
 * files['services/hello-card.test.ts'] = HELLO_CARD_TEST
 */
export const HELLO_CARD_TEST = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testRuntime } from '@nanoweb/core/testing'

const root = fileURLToPath(new URL('..', import.meta.url))

test('hello-card shows the greeting of hello, escaped', async () => {
  await using rt = await testRuntime({
    root,
    fakes: { hello: ({ name }) => ({ greeting: \`Hi, \${name}!\` }) },
  })
  const card = await rt.render('hello-card', { name: '<Ada>' })
  assert.match(card, /<h2>Hi, &lt;Ada&gt;!<\\/h2>/)
  assert.deepEqual(rt.calls('hello'), [
    { service: 'hello', caller: 'hello-card', input: { name: '<Ada>' }, output: { greeting: 'Hi, <Ada>!' } },
  ])
})

test('the home page shows the card, greeting the world', async () => {
  await using rt = await testRuntime({ root })
  const page = await rt.page('/')
  assert.match(page, /<section class="hello-card">\\s*<h2>Hello, world!<\\/h2>/)
  assert.doesNotMatch(page, /The greeting is unavailable/)
})
`

/**
 * `pages/index.html`: the home page, placing the fragment with `<nano-fragment>`.
 *
 * @example
 * files['pages/index.html'] = indexPage('my-app')
 */
export function indexPage(name: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${name}</title>
</head>
<body>
  <h1>${name}</h1>
  <nano-fragment src="hello-card" name="world"><p>The greeting is unavailable.</p></nano-fragment>
  <p>
    The service behind it: <a href="/api/hello?name=world">/api/hello?name=world</a>.
    Every service: <a href="/_nano/catalog">/_nano/catalog</a>.
  </p>
</body>
</html>
`
}
