import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'

const order = (): string[] => ((globalThis as { slotOrder?: string[] }).slotOrder ??= [])

/** A data service that takes many turns of the microtask queue, as a chain of in-memory calls does. */
const chain = `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ hops: z.number() }),
  output: z.object({ hops: z.number() }),
  async run({ hops }) {
    for (let i = 0; i < hops; i++) await Promise.resolve()
    return { hops }
  },
})
`
/** The primary: waits on the chain, or on a timer (I/O) when asked to. */
const lead = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ wait: z.string() }),
  uses: ['d/chain'],
  async render({ wait }, ctx) {
    const order = (globalThis.slotOrder ??= [])
    order.push('lead:start')
    if (wait === 'timer') await new Promise((resolve) => setTimeout(resolve, 20))
    else await ctx.call('d/chain', { hops: 50 })
    order.push('lead:end')
    return html\`<h1>lead</h1>\`
  },
})
`
const side = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ n: z.string() }),
  async render({ n }) {
    const order = (globalThis.slotOrder ??= [])
    order.push('side' + n + ':start')
    await Promise.resolve()
    return html\`<p>side \${n}</p>\`
  },
})
`

const FILES: Record<string, string> = {
  'services/d/chain.ts': chain,
  'services/f/lead.ts': lead,
  'services/f/side.ts': side,
  'pages/cpu.html': `<html><body><nano-fragment src="f/side" n="1"></nano-fragment><nano-fragment src="f/lead" wait="chain" primary>no lead</nano-fragment><nano-fragment src="f/side" n="2"></nano-fragment></body></html>`,
  'pages/timer.html': `<html><body><nano-fragment src="f/side" n="1"></nano-fragment><nano-fragment src="f/lead" wait="timer" primary>no lead</nano-fragment><nano-fragment src="f/side" n="2"></nano-fragment></body></html>`,
  'pages/none.html': `<html><body><nano-fragment src="f/side" n="1"></nano-fragment><nano-fragment src="f/lead" wait="chain">no lead</nano-fragment></body></html>`,
}

/** Serves the project, asks for `path` once and answers with the reply and the order the slots started and ended in. */
async function orderOf(t: TestContext, path: string): Promise<{ status: number; text: string; order: string[] }> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  order().length = 0
  const r = await request(`${server.url}${path}`)
  return { status: r.status, text: r.text, order: [...order()] }
}

test('a primary slot runs first: the other slots start once its in-memory work is done', async (t) => {
  const r = await orderOf(t, '/cpu')
  assert.equal(r.status, 200)
  assert.match(r.text, /<p>side 1<\/p><h1>lead<\/h1><p>side 2<\/p>/)
  assert.deepEqual(r.order, ['lead:start', 'lead:end', 'side1:start', 'side2:start'])
})

test('a primary waiting on I/O does not hold the other slots back', async (t) => {
  const r = await orderOf(t, '/timer')
  assert.equal(r.status, 200)
  assert.match(r.text, /<p>side 1<\/p><h1>lead<\/h1><p>side 2<\/p>/)
  assert.deepEqual(r.order, ['lead:start', 'side1:start', 'side2:start', 'lead:end'])
})

test('a page without a primary starts its slots in document order', async (t) => {
  const r = await orderOf(t, '/none')
  assert.equal(r.status, 200)
  assert.deepEqual(r.order.slice(0, 2), ['side1:start', 'lead:start'])
})
