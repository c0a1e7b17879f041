import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, InProcessTransport, isNanoError } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { post, request } from '../helpers/http.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'

interface Flaky {
  failing: boolean
  calls: number
}

declare global {
  var __flaky: Record<string, Flaky> | undefined
}

const flakyOf = (key: string): Flaky => {
  globalThis.__flaky ??= {}
  globalThis.__flaky[key] ??= { failing: true, calls: 0 }
  return globalThis.__flaky[key]
}

const flakyService = (key: string) =>
  svc(
    `input: z.object({ missing: z.boolean().optional() }), output: z.string(),
  run({ missing }) {
    const flaky = ((globalThis.__flaky ??= {})['${key}'] ??= { failing: true, calls: 0 })
    flaky.calls += 1
    if (missing) throw new NanoError('NANO_E_NOT_FOUND', 'no such thing')
    if (flaky.failing) throw new Error('the database is down')
    return 'ok'
  },`,
    "import { NanoError } from '@nanoweb/core'",
  )

const flakyFragment = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({}),
  render: async () => {
    const flaky = ((globalThis.__flaky ??= {}).fragment ??= { failing: true, calls: 0 })
    flaky.calls += 1
    if (flaky.failing) throw new Error('the feed is down')
    return html\`<p>fresh news</p>\`
  },
})
`

const callerService = svc(
  `input: z.object({}), output: z.string(), uses: ['dep/flaky'],
  run: (_input, ctx) => ctx.call('dep/flaky', {}),`,
)

const codeOf = (body: unknown) => (body as { error: { code: string; message: string } }).error

test('after 3 failures in a row calls fail fast with 503 NANO_E_UNAVAILABLE without reaching the service, then close after the cool-down', async (t) => {
  const root = await tempProject(t, {
    'services/dep/flaky.ts': flakyService('api'),
    'services/app/caller.ts': callerService,
  })
  const logs = collectLogs()
  const clock = new ManualClock()
  const server = await createServer({
    root,
    port: 0,
    clock,
    logger: logs.sink as never,
    breaker: { failures: 3, coolDown: '10s' },
  })
  t.after(() => server.close())
  const flaky = flakyOf('api')
  const url = `${server.url}/api/dep/flaky`
  for (let i = 0; i < 10; i++) assert.equal((await post(url, { missing: true })).status, 404)
  assert.equal(flaky.calls, 10, '4xx answers are not failures: the circuit stays closed')
  for (let i = 0; i < 3; i++) assert.equal(codeOf((await post(url, {})).body).code, 'NANO_E_SERVICE_FAILED')
  assert.equal(flaky.calls, 13)
  const refused = await post(url, {})
  assert.equal(refused.status, 503)
  assert.equal(codeOf(refused.body).code, 'NANO_E_UNAVAILABLE')
  assert.match(codeOf(refused.body).message, /'dep\/flaky' is unavailable.*tried again in \d+ s/)
  assert.ok(Number(refused.headers.get('retry-after')) >= 1)
  const viaCaller = await post(`${server.url}/api/app/caller`, {})
  assert.equal(codeOf(viaCaller.body).code, 'NANO_E_UNAVAILABLE', 'a service calling it fails fast too')
  assert.equal(flaky.calls, 13, 'no call reached the service while open')
  assert.ok(logs.records.some((r) => /circuit of 'dep\/flaky' opened after 3 failures/.test(String(r.message))))
  flaky.failing = false
  clock.advance(9_000)
  const later = await post(url, {})
  assert.match(codeOf(later.body).message, /tried again in 1 s/)
  assert.equal(flaky.calls, 13, 'still failing fast during the cool-down')
  clock.advance(1_000)
  const answer = await post(url, {})
  assert.deepEqual([answer.status, answer.body], [200, 'ok'])
  assert.equal(flaky.calls, 14, 'the one trial call after the cool-down closed the circuit')
  assert.equal((await post(`${server.url}/api/app/caller`, {})).status, 200)
})

test('a failed trial opens the circuit again; breaker: false never opens it', async (t) => {
  const root = await tempProject(t, { 'services/dep/flaky.ts': flakyService('trial') })
  const clock = new ManualClock()
  const server = await createServer({ root, port: 0, clock, logger: false, breaker: { failures: 2, coolDown: '5s' } })
  t.after(() => server.close())
  const flaky = flakyOf('trial')
  const url = `${server.url}/api/dep/flaky`
  await post(url, {})
  await post(url, {})
  assert.equal((await post(url, {})).status, 503)
  clock.advance(5_000)
  const [answer, meanwhile] = await Promise.all([post(url, {}), post(url, {})])
  assert.equal(
    [answer, meanwhile].filter((a) => codeOf(a.body).code === 'NANO_E_UNAVAILABLE').length,
    1,
    'half-open: one trial goes through, the other call still fails fast',
  )
  assert.ok(
    [answer, meanwhile].some((a) => codeOf(a.body).code === 'NANO_E_SERVICE_FAILED'),
    'the trial reached the service and failed',
  )
  assert.equal(flaky.calls, 3)
  assert.equal(codeOf((await post(url, {})).body).code, 'NANO_E_UNAVAILABLE', 'open again at once')
  assert.equal(flaky.calls, 3)

  const off = await createServer({ root, port: 0, logger: false, breaker: false })
  t.after(() => off.close())
  for (let i = 0; i < 8; i++)
    assert.equal(codeOf((await post(`${off.url}/api/dep/flaky`, {})).body).code, 'NANO_E_SERVICE_FAILED')
})

test('a fragment whose circuit is open goes straight to its fallback on the page', async (t) => {
  const root = await tempProject(t, {
    'services/news/feed.ts': flakyFragment,
    'pages/index.html': '<html><body><nano-fragment src="news/feed">news later</nano-fragment></body></html>',
  })
  const logs = collectLogs()
  const clock = new ManualClock()
  const server = await createServer({
    root,
    port: 0,
    clock,
    logger: logs.sink as never,
    breaker: { failures: 3, coolDown: '10s' },
  })
  t.after(() => server.close())
  const flaky = flakyOf('fragment')
  for (let i = 0; i < 3; i++) assert.match((await request(server.url)).text, /news later/)
  assert.equal(flaky.calls, 3)
  for (let i = 0; i < 3; i++) assert.match((await request(server.url)).text, /news later/)
  assert.equal(flaky.calls, 3, 'the fragment was not called while its circuit is open')
  assert.ok(logs.records.some((r) => r.fragment === 'news/feed' && r.reason === 'NANO_E_UNAVAILABLE'))
  flaky.failing = false
  clock.advance(10_000)
  assert.match((await request(server.url)).text, /fresh news/)
  assert.equal(flaky.calls, 4)
})

test('the breaker guards remote services too: calls over a transport fail fast once it opens', async (t) => {
  const root = await tempProject(t, { 'services/dep/flaky.ts': flakyService('remote') })
  const empty = await tempProject(t, { 'services/.keep': '' })
  const transport = new InProcessTransport()
  const callee = createRuntime({ root, transport, logger: false, breaker: false })
  const caller = createRuntime({ root: empty, transport, logger: false, breaker: { failures: 2, coolDown: '1h' } })
  t.after(async () => {
    await caller.close()
    await callee.close()
  })
  const flaky = flakyOf('remote')
  const failures: string[] = []
  for (let i = 0; i < 5; i++) {
    await caller.call('dep/flaky' as never, {} as never).catch((error: unknown) => {
      failures.push(isNanoError(error) ? error.code : String(error))
    })
  }
  assert.deepEqual(failures, [
    'NANO_E_SERVICE_FAILED',
    'NANO_E_SERVICE_FAILED',
    'NANO_E_UNAVAILABLE',
    'NANO_E_UNAVAILABLE',
    'NANO_E_UNAVAILABLE',
  ])
  assert.equal(flaky.calls, 2)
})

test("calls cut short by their caller's deadline do not open the called service's circuit; its own deadline does", async (t) => {
  const root = await tempProject(t, {
    'services/slow/leaf.ts': svc(
      `input: z.object({ n: z.number(), ms: z.number() }), output: z.number(),
  async run({ n, ms }, ctx) {
    await new Promise((resolve) => { const timer = setTimeout(resolve, ms); ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(undefined) }) })
    ctx.signal.throwIfAborted()
    return n
  },`,
    ),
    'services/slow/parent.ts': svc(
      `input: z.object({}), output: z.array(z.number()), uses: ['slow/leaf'], timeout: '40ms',
  run: (_input, ctx) => Promise.all([1, 2, 3, 4, 5, 6].map((n) => ctx.call('slow/leaf', { n, ms: 400 }))),`,
    ),
    'services/slow/own.ts': svc(
      `input: z.object({}), output: z.string(), timeout: '20ms',
  run: () => new Promise((resolve) => setTimeout(() => resolve('late'), 200)),`,
    ),
  })
  const rt = createRuntime({ root, logger: false, breaker: { failures: 3 } })
  t.after(() => rt.close())
  for (let i = 0; i < 2; i++) {
    const late = await rt.call('slow/parent', {}).catch((error: unknown) => error)
    assert.ok(isNanoError(late) && late.code === 'NANO_E_TIMEOUT', 'the parent passed its own deadline')
  }
  assert.equal(
    await rt.call('slow/leaf', { n: 9, ms: 1 }),
    9,
    '12 leaf calls were cut short by the parent: its circuit stays closed',
  )
  for (let i = 0; i < 3; i++) await rt.call('slow/own', {}).catch(() => undefined)
  const refused = await rt.call('slow/own', {}).catch((error: unknown) => error)
  assert.ok(isNanoError(refused) && refused.code === 'NANO_E_UNAVAILABLE', 'three of its own timeouts open its circuit')
})
