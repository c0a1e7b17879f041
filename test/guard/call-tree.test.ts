import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, isNanoError } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { launch, logged, send, urlOf, waitFor } from './processes.ts'

const leaf = svc(`input: z.object({}), output: z.number(), run: () => 1`)
/** Calls `leaf` `times` times, one after the other. */
const many = svc(`input: z.object({ times: z.number() }), output: z.number(), uses: ['leaf'],
  async run({ times }, ctx) { let n = 0; for (let i = 0; i < times; i++) n += await ctx.call('leaf', {}); return n }`)
/** Calls `many` twice: its calls count in the same tree. */
const twice = svc(`input: z.object({ times: z.number() }), output: z.number(), uses: ['many'],
  async run({ times }, ctx) { return (await ctx.call('many', { times })) + (await ctx.call('many', { times })) }`)
/** Calls itself twice per level, without bound; reports the tree limit when it is what stopped it. */
const fork = svc(`input: z.object({ n: z.number() }), output: z.number(), uses: ['fork'],
  async run({ n }, ctx) {
    const settled = await Promise.allSettled([ctx.call('fork', { n: n + 1 }), ctx.call('fork', { n: n + 1 })])
    const reasons = settled.filter((s) => s.status === 'rejected').map((s) => s.reason)
    if (reasons.length > 0) throw reasons.find((e) => e.code === 'NANO_E_CALL_TREE') ?? reasons[0]
    return n
  }`)

test('maxCallsPerRequest bounds the calls of one outside call’s whole tree, not each caller', async (t) => {
  const root = await tempProject(t, { 'services/leaf.ts': leaf, 'services/many.ts': many, 'services/twice.ts': twice })
  const rt = createRuntime({ root, logger: false, maxCallsPerRequest: 9 })
  t.after(() => rt.close())
  assert.equal(await rt.call('many', { times: 9 }), 9)
  const over = await rt.call('many', { times: 10 }).catch((error: unknown) => error)
  assert.ok(isNanoError(over) && over.code === 'NANO_E_CALL_TREE', String(over))
  assert.equal(over.status, 508)
  assert.match(over.message, /maxCallsPerRequest/)
  // 2 calls of `many` + 2 × 3 of `leaf` = 8; 2 × 4 more would be 10
  assert.equal(await rt.call('twice', { times: 3 }), 6)
  const nested = await rt.call('twice', { times: 4 }).catch((error: unknown) => error)
  assert.ok(isNanoError(nested) && nested.code === 'NANO_E_CALL_TREE', String(nested))
  assert.equal(await rt.call('many', { times: 9 }), 9, 'each outside call has its own budget')
})

test('the default bound is 10,000 calls', async (t) => {
  const root = await tempProject(t, { 'services/leaf.ts': leaf, 'services/many.ts': many })
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  assert.equal(await rt.call('many', { times: 10_000 }), 10_000)
  const over = await rt.call('many', { times: 10_001 }).catch((error: unknown) => error)
  assert.ok(isNanoError(over) && over.code === 'NANO_E_CALL_TREE', String(over))
})

test('unbounded recursion two calls per level fails fast with 508; the server keeps answering; SIGTERM ends it though a call never ends', async (t) => {
  const root = await tempProject(t, {
    'nanoweb.config.ts': `export default { maxCallDepth: 200, shutdownTimeoutMs: 1000 }\n`,
    'services/fork.ts': fork,
    'services/hello.ts': svc(`input: z.object({}), output: z.string(), run: () => 'hi'`),
    'services/hang.ts': svc(
      `input: z.object({}), output: z.string(), async run(_input, ctx) { ctx.log.info('hang started'); await new Promise(() => {}); return 'never' }`,
    ),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)
  const answers = await Promise.all([send(`${url}/api/fork`, '{"n":0}'), send(`${url}/api/fork`, '{"n":0}')])
  for (const answer of answers) {
    assert.equal(answer.status, 508, answer.text)
    assert.equal(JSON.parse(answer.text).error.code, 'NANO_E_CALL_TREE')
  }
  assert.equal((await send(`${url}/api/hello`, '{}')).text, '"hi"')

  void send(`${url}/api/hang`, '{}').catch(() => {})
  await waitFor(() => logged(app, 'hang started'), 'a call that never ends to be running', app)
  void send(`${url}/api/fork`, '{"n":0}').catch(() => {})
  app.child.kill('SIGTERM')
  const ended = await Promise.race([
    app.exited,
    new Promise((resolve) => setTimeout(resolve, 30_000, 'running').unref()),
  ])
  assert.notEqual(ended, 'running', `still running 30 s after SIGTERM\n${app.output()}`)
})

test('a page of 1,000 fragments renders whole: each fragment has its own budget of calls', async (t) => {
  const slots = Array.from({ length: 1000 }, (_, i) => `<nano-fragment src="tile" n="${i}"></nano-fragment>`)
  const root = await tempProject(t, {
    'services/leaf.ts': leaf,
    'services/tile.ts': `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'
export default fragment({ input: z.object({ n: z.number() }), uses: ['leaf'],
  async render({ n }, ctx) { let sum = 0; for (let i = 0; i < 20; i++) sum += await ctx.call('leaf', {}); return html\`<i>\${n}:\${sum}</i>\` } })\n`,
    'pages/index.html': `<html><head></head><body budget="60s">${slots.join('')}</body></html>`,
  })
  const server = await createServer({ root, port: 0, logger: false, stallLimit: false, maxCallsPerRequest: 100 })
  t.after(() => server.close())
  const page = await fetch(`${server.url}/`)
  const body = await page.text()
  assert.equal(page.status, 200)
  assert.equal(body.match(/<i>\d+:20<\/i>/g)?.length, 1000, 'every fragment made its 20 calls (20,000 in the page)')
})
