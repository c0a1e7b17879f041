import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Exchange, Reply } from '../../src/http/exchange.ts'
import { renderStaticPages } from '../../src/http/warm-render.ts'
import { createServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

type Seen = { calls: string[] }
const seen = (): Seen => ((globalThis as { warmSeen?: Seen }).warmSeen ??= { calls: [] })

/** Records each render with what it saw of the request; cached for a minute. */
const counted = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ label: z.string() }),
  cache: { ttl: '60s' },
  render: ({ label }, ctx) => {
    globalThis.warmSeen ??= { calls: [] }
    globalThis.warmSeen.calls.push(label + (ctx.request?.userId === undefined ? '' : ':' + ctx.request.userId))
    return html\`<p>\${label}</p>\`
  },
})
`
const deferred = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({}),
  render: async () => {
    await new Promise((r) => setTimeout(r, 50))
    globalThis.warmSeen ??= { calls: [] }
    globalThis.warmSeen.calls.push('deferred')
    return html\`<p>late</p>\`
  },
})
`

const FILES: Record<string, string> = {
  'services/f/counted.ts': counted,
  'services/f/deferred.ts': deferred,
  'pages/index.html': `<html><body><nano-fragment src="f/counted" label="home"></nano-fragment><nano-fragment src="f/deferred" defer>…</nano-fragment></body></html>`,
  'pages/story/[id].html': `<html><body><nano-fragment src="f/counted" label="story {params.id}"></nano-fragment></body></html>`,
}

test("warm: 'render' renders each page without route params once, whole, before /_nano/ready; the first visitor gets its cache hits", async (t) => {
  const root = await tempProject(t, FILES)
  seen().calls.length = 0
  const server = await createServer({ root, port: 0, logger: false, warm: 'render' })
  t.after(() => server.close())
  await until(async () => ((await request(`${server.url}/_nano/ready`)).status === 200 ? true : undefined), 'ready')
  assert.deepEqual(
    seen().calls.sort(),
    ['deferred', 'home'],
    'the static page was rendered once, deferred slot included',
  )
  const page = await request(`${server.url}/`)
  assert.equal(page.status, 200)
  assert.match(page.text, /<p>home<\/p>/)
  assert.equal(seen().calls.filter((c) => c === 'home').length, 1, 'the visitor got the cached fragment')
  const story = await request(`${server.url}/story/7`)
  assert.match(story.text, /<p>story 7<\/p>/)
})

test("a page asked for while warm: 'render' runs waits for it and is answered", async (t) => {
  const root = await tempProject(t, FILES)
  seen().calls.length = 0
  const server = await createServer({ root, port: 0, logger: false, warm: 'render' })
  t.after(() => server.close())
  const page = await request(`${server.url}/`)
  assert.equal(page.status, 200)
  assert.match(page.text, /<p>home<\/p>[\s\S]*<p>late<\/p>/)
  assert.equal(
    seen().calls.filter((c) => c === 'home').length,
    1,
    'warm-up rendered it first; the visitor got the cached fragment',
  )
})

test("the default warm-up ('pages') loads pages without rendering them", async (t) => {
  const root = await tempProject(t, FILES)
  seen().calls.length = 0
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  await until(async () => ((await request(`${server.url}/_nano/ready`)).status === 200 ? true : undefined), 'ready')
  assert.notEqual(server.runtime.loaded('f/counted'), undefined)
  assert.deepEqual(seen().calls, [])
})

test('a warm-up render that does not end in time is abandoned (its render aborted) and the next page goes on', async () => {
  const entries = [
    { route: '/hangs', file: 'pages/hangs.html', compiled: undefined, ready: {} },
    { route: '/story/:id', file: 'pages/story/[id].html', compiled: undefined, ready: {} },
    { route: '/ends', file: 'pages/ends.html', compiled: undefined, ready: {} },
  ]
  const asked: string[] = []
  let aborted = 0
  const handle = (ex: Exchange): Reply => {
    asked.push(ex.path)
    const reply: Reply = { status: 200, headers: {}, body: '' }
    reply.stream = (sink) => {
      sink.write('<html>')
      if (ex.path === '/ends') sink.end()
      else sink.onClose(() => (aborted += 1))
    }
    return reply
  }
  const rendered = await renderStaticPages({ entries: () => entries as never }, handle, 50)
  assert.deepEqual(asked, ['/hangs', '/ends'], 'pages with route params are not rendered')
  assert.equal(rendered, 1, 'only the page that ended counts')
  assert.equal(aborted, 1, 'the render that did not end was told to stop')
})
