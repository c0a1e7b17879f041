import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

const FILES = {
  'services/echo.ts': svc(
    `idempotent: true, input: z.object({ q: z.string() }), output: z.string(), run: ({ q }) => q,`,
  ),
  'pages/index.html': '<html><body>home</body></html>',
}

async function start(t: import('node:test').TestContext, cors: unknown): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, cors } as never)
  t.after(() => server.close())
  return server
}

const ALLOWED = 'https://app.example'

test('a preflight from an allowed origin is answered 204 with the policy', async (t) => {
  const server = await start(t, {
    origins: [ALLOWED],
    methods: ['GET', 'POST'],
    headers: ['content-type', 'x-trace'],
    credentials: true,
    maxAge: 120,
  })
  const preflight = await raw(`${server.url}/api/echo`, {
    method: 'OPTIONS',
    headers: {
      origin: ALLOWED,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], ALLOWED)
  assert.equal(preflight.headers['access-control-allow-methods'], 'GET, POST')
  assert.equal(preflight.headers['access-control-allow-headers'], 'content-type, x-trace')
  assert.equal(preflight.headers['access-control-allow-credentials'], 'true')
  assert.equal(preflight.headers['access-control-max-age'], '120')
  assert.match(String(preflight.headers.vary), /Origin/)

  const call = await raw(`${server.url}/api/echo`, {
    method: 'POST',
    headers: { origin: ALLOWED, 'content-type': 'application/json' },
    body: '{"q":"hi"}',
  })
  assert.equal(call.status, 200)
  assert.equal(call.text, '"hi"')
  assert.equal(call.headers['access-control-allow-origin'], ALLOWED)
  assert.equal(call.headers['access-control-allow-credentials'], 'true')
  assert.match(String(call.headers['access-control-expose-headers']), /x-request-id/)
  assert.match(String(call.headers.vary), /Origin/)
})

test('another origin gets no CORS header, in a preflight or a call', async (t) => {
  const server = await start(t, { origins: [ALLOWED] })
  const preflight = await raw(`${server.url}/api/echo`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  })
  assert.equal(preflight.status, 204)
  const corsHeaders = (h: Record<string, unknown>) =>
    Object.keys(h).filter((name) => name.startsWith('access-control-'))
  assert.deepEqual(corsHeaders(preflight.headers), [])
  const call = await raw(`${server.url}/api/echo?q=x`, { headers: { origin: 'https://evil.example' } })
  assert.equal(call.status, 200)
  assert.deepEqual(corsHeaders(call.headers), [])
  assert.match(String(call.headers.vary), /Origin/)
  const page = await raw(`${server.url}/`, { headers: { origin: ALLOWED } })
  assert.deepEqual(corsHeaders(page.headers), [], 'pages are not under the cors option')
})

test("origins '*' allows any origin without credentials; bad settings are refused", async (t) => {
  const server = await start(t, { origins: '*' })
  const call = await raw(`${server.url}/api/echo?q=x`, { headers: { origin: 'https://any.example' } })
  assert.equal(call.headers['access-control-allow-origin'], '*')
  assert.equal(call.headers['access-control-allow-credentials'], undefined)
  await assert.rejects(start(t, { origins: '*', credentials: true }), /cannot go with credentials/)
  await assert.rejects(start(t, { origins: ['app.example'] }), /is not an origin/)
})

test('without the cors option nothing changes: OPTIONS on /api is not a preflight answer', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const preflight = await raw(`${server.url}/api/echo`, {
    method: 'OPTIONS',
    headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
  })
  assert.notEqual(preflight.status, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], undefined)
})
