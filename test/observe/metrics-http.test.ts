import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'
import { parseSamples, sample } from './prom-text.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => ({ lat: city.length }),`),
  'services/frag/box.ts': frag(`input: z.object({ city: z.string() }), render: ({ city }) => html\`<p>\${city}</p>\`,`),
  'services/frag/broken.ts': frag(`input: z.object({}), render: () => { throw new Error('no') },`),
  'services/frag/counter.ts': frag(`input: z.object({ n: z.number() }), live: { on: 'counters' },
    render: ({ n }) => html\`<b>\${n}</b>\`,`),
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/box" city="Leeds"></nano-fragment>
<nano-fragment src="frag/broken">gone</nano-fragment>
</body></html>`,
  'api-keys.json': JSON.stringify({ 'key-admin-0123456789abcd': { id: 'root', roles: ['admin'] } }),
}

async function start(t: import('node:test').TestContext, options: Record<string, unknown> = {}): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, ...options })
  t.after(() => server.close())
  return server
}

async function scrape(server: NanoServer): Promise<string> {
  const res = await fetch(`${server.url}/_nano/metrics`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  return res.text()
}

/** `promtool check metrics` on `text`: its exit code and everything it printed. */
function promtool(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => {
      output += d.toString()
    })
    child.stderr.on('data', (d) => {
      output += d.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, output }))
    child.stdin.end(text)
  })
}

test('GET /_nano/metrics answers the text of rt.metrics(), and promtool finds nothing wrong in it', async (t) => {
  const server = await start(t)
  const api = await fetch(`${server.url}/api/geo`, {
    method: 'POST',
    body: '{"city":"Leeds"}',
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(api.status, 200)
  const bad = await fetch(`${server.url}/api/geo`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(bad.status, 400)
  assert.equal((await fetch(`${server.url}/`)).status, 200)
  const text = await scrape(server)
  const s = parseSamples(text)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'geo', code: 'ok' }), 1)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'geo', code: 'NANO_E_INVALID_INPUT' }), 1)
  assert.ok((sample(s, 'process_resident_memory_bytes') as number) > 0, 'process metrics are there')
  assert.equal(sample(s, 'nanoweb_live_connections'), 0)
  const direct = parseSamples(server.runtime.metrics?.() ?? '')
  assert.equal(
    sample(direct, 'nanoweb_calls_total', { service: 'geo', code: 'ok' }),
    1,
    'rt.metrics() gives the same counts',
  )
  const checked = await promtool(text)
  assert.equal(checked.output, '', 'promtool prints nothing')
  assert.equal(checked.code, 0)
})

test('a page render is timed by route, and a fragment that fails counts a fallback by fragment and reason', async (t) => {
  const server = await start(t)
  for (let i = 0; i < 2; i++) {
    const page = await fetch(`${server.url}/`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /gone/)
  }
  let s = new Map<string, number>()
  await until(async () => {
    s = parseSamples(await scrape(server))
    return sample(s, 'nanoweb_page_duration_seconds_count', { route: '/' }) === 2 ? true : undefined
  }, 'both page renders to finish')
  assert.equal(sample(s, 'nanoweb_page_duration_seconds_bucket', { route: '/', le: '+Inf' }), 2)
  assert.ok((sample(s, 'nanoweb_page_duration_seconds_sum', { route: '/' }) as number) > 0)
  assert.equal(
    sample(s, 'nanoweb_fragment_fallbacks_total', { fragment: 'frag/broken', reason: 'NANO_E_SERVICE_FAILED' }),
    2,
  )
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'frag/box', code: 'ok' }), 2)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'frag/broken', code: 'NANO_E_SERVICE_FAILED' }), 2)
  const checked = await promtool(await scrape(server))
  assert.deepEqual(checked, { code: 0, output: '' })
})

test('nanoweb_live_connections counts an open live stream and drops back when it closes', async (t) => {
  const server = await start(t)
  const id = encodeURIComponent(`frag/counter~${Buffer.from(JSON.stringify({ n: 1 })).toString('base64url')}`)
  const controller = new AbortController()
  const sse = await fetch(`${server.url}/_nano/live?f=${id}`, { signal: controller.signal })
  assert.equal(sse.status, 200)
  const reader = sse.body?.getReader()
  await reader?.read()
  const open = async (): Promise<number | undefined> =>
    sample(parseSamples(await scrape(server)), 'nanoweb_live_connections')
  await until(async () => ((await open()) === 1 ? true : undefined), 'the stream to count')
  controller.abort()
  await until(async () => ((await open()) === 0 ? true : undefined), 'the closed stream to be uncounted')
})

test('metrics: false answers 404 with a JSON error on the route', async (t) => {
  const server = await start(t, { metrics: false })
  await fetch(`${server.url}/api/geo`, {
    method: 'POST',
    body: '{"city":"x"}',
    headers: { 'content-type': 'application/json' },
  })
  const res = await fetch(`${server.url}/_nano/metrics`)
  assert.equal(res.status, 404)
  const body = (await res.json()) as { error: { code: string; message: string } }
  assert.equal(body.error.code, 'NANO_E_NOT_FOUND')
  assert.match(body.error.message, /Metrics are off/)
  assert.equal(server.runtime.metrics?.(), '')
})

test('in production the metrics route is an admin route: refused without a user, served to an admin', async (t) => {
  const server = await start(t, { production: true, auth: { apiKeys: 'api-keys.json' } })
  const anonymous = await fetch(`${server.url}/_nano/metrics`)
  assert.equal(anonymous.status, 401)
  assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'NANO_E_UNAUTHENTICATED')
  const admin = await fetch(`${server.url}/_nano/metrics`, { headers: { 'x-api-key': 'key-admin-0123456789abcd' } })
  assert.equal(admin.status, 200)
  assert.match(await admin.text(), /^# HELP nanoweb_calls_total /)
})
