import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator'
import { createServer, type NanoServer } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

const FILES = {
  'services/echo.ts':
    svc(`description: 'Echo a city', input: z.object({ city: z.string().min(1), n: z.number().optional() }),
    output: z.object({ city: z.string(), n: z.number().optional(), traceId: z.string() }),
    run: (input, ctx) => ({ ...input, traceId: ctx.traceId }),`),
  'services/news/list.ts': svc(`idempotent: true,
    input: z.object({ limit: z.number().int().max(10), live: z.boolean().optional(), tag: z.array(z.string()).optional(), q: z.string().optional() }),
    output: z.object({ limit: z.number(), live: z.boolean().optional(), tag: z.array(z.string()).optional(), q: z.string().optional() }),
    run: (input) => input,`),
  'services/geo/secret.ts': svc(
    `visibility: 'internal', idempotent: true, input: z.object({}), output: z.string(), run: () => 'hidden',`,
  ),
  'services/boom.ts': svc(`input: z.object({}), output: z.string(), run: () => { throw new Error('disk on fire') },`),
}

async function start(t: import('node:test').TestContext, options: { bodyLimit?: number } = {}): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, host: '127.0.0.1', logger: false, ...options })
  t.after(() => server.close())
  return server
}

test('POST /api/<name> answers 200 with the JSON output, a request id and trace context', async (t) => {
  const server = await start(t)
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const a = await post(
    `${server.url}/api/echo`,
    { city: 'Leeds', n: 2 },
    { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  )
  assert.equal(a.status, 200)
  assert.match(a.headers.get('content-type') ?? '', /application\/json/)
  assert.deepEqual(a.body, { city: 'Leeds', n: 2, traceId })
  assert.ok((a.headers.get('x-request-id') ?? '').length > 0)
  assert.match(a.headers.get('traceparent') ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
  const again = await post(`${server.url}/api/echo`, { city: 'York' }, { 'x-request-id': 'req-123' })
  assert.equal(again.headers.get('x-request-id'), 'req-123')
  assert.match((again.body as { traceId: string }).traceId, /^[0-9a-f]{32}$/)
})

test('GET with query parameters for idempotent services, coerced by the schema', async (t) => {
  const server = await start(t)
  const a = await request(`${server.url}/api/news/list?limit=5&live=true&tag=a&tag=b&q=42`)
  assert.equal(a.status, 200)
  assert.deepEqual(a.body, { limit: 5, live: true, tag: ['a', 'b'], q: '42' })
  const bad = await request(`${server.url}/api/news/list?limit=lots`)
  assert.equal(bad.status, 400)
  assert.equal((bad.body as { error: { code: string } }).error.code, 'NANO_E_INVALID_INPUT')
  const head = await request(`${server.url}/api/news/list?limit=1`, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.text, '')
  const got = await request(`${server.url}/api/news/list?limit=1`)
  assert.equal(head.headers.get('content-length'), String(got.text.length), 'HEAD tells the length GET would send')
})

test('errors are JSON with the NanoError status and code; client mistakes are never 5xx', async (t) => {
  const server = await start(t)
  const cases: [string, Promise<import('../helpers/http.ts').Answer>, number, string][] = [
    ['unknown service', post(`${server.url}/api/nope`, {}), 404, 'NANO_E_NOT_FOUND'],
    ['internal service', post(`${server.url}/api/geo/secret`, {}), 404, 'NANO_E_NOT_FOUND'],
    ['internal via GET', request(`${server.url}/api/geo/secret`), 404, 'NANO_E_NOT_FOUND'],
    ['invalid input', post(`${server.url}/api/echo`, { city: '' }), 400, 'NANO_E_INVALID_INPUT'],
    ['malformed JSON', post(`${server.url}/api/echo`, '{"city": '), 400, 'NANO_E_BAD_JSON'],
    [
      'wrong content type',
      post(`${server.url}/api/echo`, 'city=x', { 'content-type': 'text/plain' }),
      415,
      'NANO_E_UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'unknown method',
      request(`${server.url}/api/echo`, { method: 'PUT', body: '{}' }),
      405,
      'NANO_E_METHOD_NOT_ALLOWED',
    ],
    ['GET on a non-idempotent service', request(`${server.url}/api/echo?city=x`), 405, 'NANO_E_METHOD_NOT_ALLOWED'],
    ['service failure', post(`${server.url}/api/boom`, {}), 500, 'NANO_E_SERVICE_FAILED'],
    ['unknown path', request(`${server.url}/nothing-here`), 404, 'NANO_E_NOT_FOUND'],
    ['bad percent-encoding', request(`${server.url}/api/%E0%A4%A`), 400, 'NANO_E_BAD_REQUEST'],
    [
      'POST to the catalog',
      request(`${server.url}/_nano/catalog`, { method: 'POST' }),
      405,
      'NANO_E_METHOD_NOT_ALLOWED',
    ],
  ]
  for (const [what, pending, status, code] of cases) {
    const a = await pending
    assert.equal(a.status, status, what)
    const error = (a.body as { error: { code: string; message: string } }).error
    assert.equal(error.code, code, what)
    assert.ok(error.message.length > 10, what)
    assert.doesNotMatch(a.text, /disk on fire|\n\s+at /, `${what}: no cause or stack leaks`)
  }
  const invalid = await post(`${server.url}/api/echo`, { city: '' })
  assert.deepEqual((invalid.body as { error: { issues: { path: string[] }[] } }).error.issues[0]?.path, ['city'])
  const put = await request(`${server.url}/api/echo`, { method: 'PUT', body: '{}' })
  assert.equal(put.headers.get('allow'), 'POST')
  const putList = await request(`${server.url}/api/news/list`, { method: 'DELETE' })
  assert.equal(putList.headers.get('allow'), 'GET, HEAD, POST')
  assert.equal((await request(`${server.url}/_nano/catalog`, { method: 'POST' })).headers.get('allow'), 'GET, HEAD')
})

test('a body over the limit is refused with 413 without reading it all', async (t) => {
  const server = await start(t, { bodyLimit: 1024 })
  const big = await post(`${server.url}/api/echo`, { city: 'x'.repeat(5000) })
  assert.equal(big.status, 413)
  assert.equal((big.body as { error: { code: string } }).error.code, 'NANO_E_PAYLOAD_TOO_LARGE')
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let data = ''
    socket.on('data', (d) => {
      data += d.toString()
    })
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
    socket.write(
      'POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    )
    socket.write(`800\r\n${'a'.repeat(0x800)}\r\n`)
  })
  assert.match(reply, /^HTTP\/1\.1 413/)
  const ok = await post(`${server.url}/api/echo`, { city: 'still serving' })
  assert.equal(ok.status, 200)
})

test('catalog, health and a valid OpenAPI 3.1 document', async (t) => {
  const server = await start(t)
  const catalog = await request(`${server.url}/_nano/catalog`)
  const services = (
    catalog.body as { services: { name: string; visibility: string; endpoint: string | null; input: unknown }[] }
  ).services
  assert.deepEqual(
    services.map((s) => s.name),
    ['boom', 'echo', 'geo/secret', 'news/list'],
  )
  assert.equal(services.find((s) => s.name === 'geo/secret')?.endpoint, null)
  assert.equal(services.find((s) => s.name === 'echo')?.endpoint, '/api/echo')
  const health = await request(`${server.url}/_nano/health`)
  assert.equal(health.status, 200)
  assert.equal((health.body as { status: string }).status, 'ok')

  const openapi = await request(`${server.url}/_nano/openapi.json`)
  const doc = openapi.body as { openapi: string; paths: Record<string, Record<string, unknown>> }
  const result = await new OpenApiValidator().validate(doc as never)
  assert.equal(result.valid, true, JSON.stringify(result.errors))
  assert.equal(doc.openapi, '3.1.0')
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/api/boom', '/api/echo', '/api/news/list'])
  assert.ok(doc.paths['/api/news/list']?.get, 'idempotent services have GET')
  assert.equal(doc.paths['/api/echo']?.get, undefined)
})

test('server.fetch(Request) shares the handlers without the network', async (t) => {
  const root = await tempProject(t, FILES)
  const server = createServer({ root, logger: false })
  t.after(() => server.close())
  const res = await server.fetch(
    new Request('http://in-process/api/echo', {
      method: 'POST',
      body: '{"city":"Bath"}',
      headers: { 'content-type': 'application/json' },
    }),
  )
  assert.equal(res.status, 200)
  assert.equal(((await res.json()) as { city: string }).city, 'Bath')
  const list = await server.fetch(new Request('http://in-process/api/news/list?limit=2'))
  assert.deepEqual(await list.json(), { limit: 2 })
  const big = await server.fetch(
    new Request('http://x/api/echo', {
      method: 'POST',
      body: 'x'.repeat(2 << 20),
      headers: { 'content-type': 'application/json' },
    }),
  )
  assert.equal(big.status, 413)
})
