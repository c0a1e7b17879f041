import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'
import { raw } from './raw.ts'

const FILES = {
  'services/echo.ts':
    svc(`idempotent: true, input: z.object({ q: z.string().optional() }), output: z.object({ q: z.string().optional() }),
    run: (input) => input,`),
  'services/frag/slow.ts': `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({ input: z.object({}),
    render: async () => { await new Promise((r) => setTimeout(r, 50)); return html\`<p>slow</p>\` } })\n`,
  'pages/index.html': '<html><body><nano-fragment src="frag/slow"></nano-fragment></body></html>',
  'public/robots.txt': 'User-agent: *\n',
}

type Entry = Record<string, unknown>
const requests = (records: Entry[]): Entry[] => records.filter((r) => r.message === 'request')

test('accessLog: true logs one info record per request, with method, path, status, duration, request id, trace and span id, bytes', async (t) => {
  const logs = collectLogs()
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: logs.sink as never, accessLog: true })
  t.after(() => server.close())
  const api = await raw(`${server.url}/api/echo?q=secret-token`, { headers: { 'x-request-id': 'req-42' } })
  const page = await raw(`${server.url}/`)
  const head = await raw(`${server.url}/robots.txt`, { method: 'HEAD' })
  const missing = await raw(`${server.url}/nothing`)
  const notModified = await raw(`${server.url}/robots.txt`, { headers: { 'if-none-match': '*' } })
  await until(() => (requests(logs.records).length >= 5 ? true : undefined), 'five records')
  const [a, p, h, m, n] = requests(logs.records) as [Entry, Entry, Entry, Entry, Entry]
  assert.deepEqual(
    { ...a, time: 0, durationMs: 0 },
    {
      level: 'info',
      message: 'request',
      time: 0,
      method: 'GET',
      path: '/api/echo',
      status: 200,
      durationMs: 0,
      requestId: 'req-42',
      traceId: String(api.headers.traceparent).slice(3, 35),
      spanId: String(api.headers.traceparent).slice(36, 52),
      bytes: api.body.length,
    },
    'the query is left out of the path',
  )
  assert.equal(typeof a.time, 'number')
  assert.ok(typeof a.durationMs === 'number' && a.durationMs >= 0)
  assert.equal(p.path, '/')
  assert.equal(p.bytes, page.body.length, 'a streamed page counts what it wrote')
  assert.ok((p.durationMs as number) >= 40, 'a page is logged once it ends')
  assert.equal(p.requestId, page.headers['x-request-id'])
  assert.deepEqual([h.method, h.status, h.bytes], ['HEAD', 200, 0])
  assert.equal(head.body.length, 0)
  assert.deepEqual([m.status, m.bytes], [404, missing.body.length])
  assert.deepEqual([n.status, n.bytes], [304, notModified.body.length])
  await server.fetch(new Request('http://x/api/echo?q=1'))
  await until(() => (requests(logs.records).length === 6 ? true : undefined), 'the fetch adapter logs too')
  assert.equal(requests(logs.records)[5]?.path, '/api/echo')
})

test('no access log by default', async (t) => {
  const logs = collectLogs()
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: logs.sink as never })
  t.after(() => server.close())
  await raw(`${server.url}/api/echo`)
  await raw(`${server.url}/robots.txt`)
  assert.deepEqual(requests(logs.records), [])
})

test('accessLog: a sink of its own takes the records; the runtime log does not', async (t) => {
  const logs = collectLogs()
  const access = collectLogs()
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: logs.sink as never, accessLog: access.sink as never })
  t.after(() => server.close())
  await raw(`${server.url}/api/echo`)
  await raw(`${server.url}/api/echo`)
  await until(() => (requests(access.records).length === 2 ? true : undefined), 'two records')
  assert.deepEqual(requests(logs.records), [])
})
