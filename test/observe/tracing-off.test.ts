// No OpenTelemetry SDK is registered in this file: nanoweb leaves tracing out of the call path
// (nothing to pay), and a runtime told `tracing: true` still answers everything, making no span.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { trace } from '@opentelemetry/api'
import { createRuntime, createServer } from '../../src/index.ts'
import { sdkRegistered } from '../../src/observe/tracing/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

const FILES: Record<string, string> = {
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => { if (city === 'Atlantis') throw new Error('sunk'); return { lat: city.length } },`),
  'services/weather.ts':
    svc(`uses: ['geo'], input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
  'services/frag/box.ts': `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'
export default fragment({ uses: ['geo'], input: z.object({ city: z.string() }),
  render: async ({ city }, ctx) => html\`<p>\${city} \${(await ctx.call('geo', { city })).lat}</p>\` })\n`,
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/box" city="Leeds"></nano-fragment></body></html>`,
}

test('without an SDK, tracing is left out: a runtime with metrics off has no observer at all', async (t) => {
  assert.equal(sdkRegistered(), false)
  assert.equal(trace.getActiveSpan(), undefined)
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, metrics: false })
  t.after(() => rt.close())
  assert.equal(rt.observer, undefined, 'the call path pays for no observer')
  assert.deepEqual(await rt.call('weather', { city: 'York' }), { lat: 4 })
})

test('tracing: true without an SDK: requests, pages, calls and failures answer as ever, no span is current', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, metrics: false, tracing: true })
  t.after(() => server.close())
  const observer = server.runtime.observer
  assert.ok(observer?.run !== undefined, 'the tracing observer is there, waiting for an SDK')
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const api = await fetch(`${server.url}/api/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: '{"city":"Leeds"}',
  })
  assert.deepEqual(await api.json(), { lat: 5 })
  assert.match(api.headers.get('traceparent') ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
  const failed = await fetch(`${server.url}/api/geo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"city":"Atlantis"}',
  })
  assert.equal(failed.status, 500)
  assert.equal(((await failed.json()) as { error: { code: string } }).error.code, 'NANO_E_SERVICE_FAILED')
  const page = await fetch(`${server.url}/`)
  assert.match(await page.text(), /<p>Leeds 5<\/p>/)
  const seen = await server.runtime.call('weather', { city: 'Hull' })
  assert.deepEqual(seen, { lat: 4 })
  assert.equal(observer?.current?.(), undefined, 'no span is current without an SDK')
})
