import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

const echo = svc(`input: z.object({}), output: z.string(), run: () => 'ok'`)
const limitedFragment = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({}),
  rateLimit: { perClient: '1/h', burst: 2 },
  render: () => html\`<p>limited fragment</p>\`,
})
`

const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra })

function assertLimited(answer: { status: number; headers: Headers; body: unknown }, what: RegExp): void {
  assert.equal(answer.status, 429)
  const retry = Number(answer.headers.get('retry-after'))
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 3600, `Retry-After is whole seconds: ${retry}`)
  const error = (answer.body as { error: { code: string; message: string } }).error
  assert.equal(error.code, 'NANO_E_RATE_LIMITED')
  assert.match(error.message, what)
}

test('server rateLimit: burst requests pass, the next is 429 with Retry-After; other clients and signed-in users are not limited', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    rateLimit: { perClient: '1/h', burst: 5 },
    trustProxy: true,
    user: { header: 'x-user' },
  })
  t.after(() => server.close())
  const url = `${server.url}/api/echo`
  for (let i = 0; i < 5; i++) assert.equal((await post(url, {}, from('203.0.113.1'))).status, 200)
  assertLimited(await post(url, {}, from('203.0.113.1')), /this server/)
  assertLimited(await request(`${server.url}/_nano/catalog`, { headers: from('203.0.113.1') }), /retry after/)
  assert.equal((await post(url, {}, from('203.0.113.2'))).status, 200, 'another address has its own bucket')
  assert.equal((await post(url, {}, from('203.0.113.1', { 'x-user': 'u1' }))).status, 200, 'a user is keyed by id')
  for (let i = 0; i < 4; i++) await post(url, {}, from('198.51.100.7', { 'x-user': 'u1' }))
  assertLimited(await post(url, {}, from('198.51.100.8', { 'x-user': 'u1' })), /this server/)
  for (let i = 0; i < 10; i++) {
    const ready = await request(`${server.url}/_nano/ready`, { headers: from('203.0.113.1') })
    assert.notEqual(ready.status, 429, '/_nano/ready is never rate limited')
    assert.equal((await request(`${server.url}/_nano/health`, { headers: from('203.0.113.1') })).status, 200)
  }
})

test('without trustProxy, X-Forwarded-For is ignored: a client cannot escape its limit by forging it', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({ root, port: 0, logger: false, rateLimit: { perClient: '1/h', burst: 3 } })
  t.after(() => server.close())
  const url = `${server.url}/api/echo`
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push((await post(url, {}, from(`203.0.113.${i + 10}`))).status)
  assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429])
})

test("a service's rateLimit counts its /api calls per client; other services and its use on a page are not limited", async (t) => {
  const root = await tempProject(t, {
    'services/echo.ts': echo,
    'services/frag/limited.ts': limitedFragment,
    'pages/index.html': '<html><body><nano-fragment src="frag/limited">fell back</nano-fragment></body></html>',
  })
  const server = await createServer({ root, port: 0, logger: false, trustProxy: 1 })
  t.after(() => server.close())
  const api = `${server.url}/api/frag/limited`
  assert.equal((await post(api, {}, from('203.0.113.1'))).status, 200)
  assert.equal((await post(api, {}, from('203.0.113.1'))).status, 200)
  assertLimited(await post(api, {}, from('203.0.113.1')), /the service 'frag\/limited'/)
  assert.equal((await post(api, {}, from('203.0.113.3'))).status, 200, 'another client has its own bucket')
  assert.equal((await post(`${server.url}/api/echo`, {}, from('203.0.113.1'))).status, 200)
  for (let i = 0; i < 5; i++) {
    const page = await request(server.url, { headers: from('203.0.113.1') })
    assert.equal(page.status, 200)
    assert.match(page.text, /limited fragment/, 'a page rendering the fragment does not count against its limit')
  }
})
