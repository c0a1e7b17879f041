// OpenTelemetry spans of a real server, through the real SDK (NodeTracerProvider, its
// AsyncLocalStorage context manager, an in-memory exporter): an API request continuing the
// incoming traceparent, nested calls, failures with their code, a page render and its fragments.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { createRuntime, createServer, type Observer } from '../../src/index.ts'
import { inMemoryTracing } from '../helpers/otel.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const { exporter, provider, dispose } = inMemoryTracing()
after(dispose)

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => { if (city === 'Atlantis') throw new Error('sunk'); return { lat: city.length } },`),
  'services/weather.ts':
    svc(`uses: ['geo'], input: z.object({ city: z.string().min(1) }), output: z.object({ lat: z.number() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
  'services/frag/box.ts': frag(`uses: ['geo'], input: z.object({ city: z.string() }),
    render: async ({ city }, ctx) => html\`<p>\${city} \${(await ctx.call('geo', { city })).lat}</p>\`,`),
  'services/whoami.ts': svc(`input: z.object({}), output: z.object({ traceId: z.string() }),
    run: (_, ctx) => ({ traceId: ctx.traceId }),`),
  'services/frag/broken.ts': frag(`input: z.object({}), render: () => { throw new Error('no') },`),
  'services/own.ts': svc(
    `uses: ['geo'], input: z.object({}), output: z.object({ lat: z.number() }),
    run: (_, ctx) => trace.getTracer('app').startActiveSpan('own work', async (span) => {
      try { return await ctx.call('geo', { city: 'Ely' }) } finally { span.end() }
    }),`,
    `import { trace } from '@opentelemetry/api'`,
  ),
  'pages/story/[id].html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/box" city="{params.id}"></nano-fragment>
<nano-fragment src="frag/broken">gone</nano-fragment>
</body></html>`,
}

const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT_SPAN = '00f067aa0ba902b7'

/** The finished spans of one trace, waiting until `count` of them are there. */
async function spansOf(traceId: string, count: number): Promise<ReadableSpan[]> {
  return until(
    () => {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)
      return spans.length >= count ? spans : undefined
    },
    `${count} spans of trace ${traceId} (have: ${names(exporter.getFinishedSpans())})`,
  )
}

const names = (spans: readonly ReadableSpan[]): string => spans.map((s) => s.name).join(', ')

function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name)
  assert.equal(found.length, 1, `one span named ${name} in: ${names(spans)}`)
  return found[0] as ReadableSpan
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId
const idOf = (span: ReadableSpan): string => span.spanContext().spanId

test('an API request continues the incoming traceparent; its call and the nested ctx.call are its children', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  exporter.reset()
  const res = await fetch(`${server.url}/api/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` },
    body: '{"city":"Leeds"}',
  })
  assert.deepEqual(await res.json(), { lat: 5 })
  const spans = await spansOf(PARENT_TRACE, 3)
  assert.equal(spans.length, 3, names(spans))

  const request = only(spans, 'POST /api/weather')
  assert.equal(request.kind, SpanKind.SERVER)
  assert.equal(parentOf(request), PARENT_SPAN, 'the request span is a child of the remote caller')
  assert.equal(request.parentSpanContext?.isRemote, true)
  assert.equal(request.attributes['http.request.method'], 'POST')
  assert.equal(request.attributes['url.path'], '/api/weather')
  assert.equal(request.attributes['http.response.status_code'], 200)
  assert.equal(request.instrumentationScope.name, '@nanoweb/core')

  const weather = only(spans, 'weather')
  assert.equal(parentOf(weather), idOf(request), 'the call is a child of the request')
  assert.equal(weather.kind, SpanKind.INTERNAL)
  assert.deepEqual(weather.attributes, { 'nanoweb.service': 'weather', 'nanoweb.caller': 'http' })
  assert.equal(weather.status.code, SpanStatusCode.OK)

  const geo = only(spans, 'geo')
  assert.equal(parentOf(geo), idOf(weather), 'the nested ctx.call is a child of its caller')
  assert.deepEqual(geo.attributes, { 'nanoweb.service': 'geo', 'nanoweb.caller': 'weather' })
  assert.equal(geo.status.code, SpanStatusCode.OK)
})

test('failed calls end with status ERROR and their NANO_E_* code; a 500 marks the request span', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  exporter.reset()
  const call = async (body: string, trace: string) => {
    const res = await fetch(`${server.url}/api/weather`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${trace}-${PARENT_SPAN}-01` },
      body,
    })
    return { status: res.status, code: ((await res.json()) as { error?: { code?: string } }).error?.code }
  }

  const invalidTrace = 'a'.repeat(32)
  const invalid = await call('{"city":""}', invalidTrace)
  assert.deepEqual(invalid, { status: 400, code: 'NANO_E_INVALID_INPUT' })
  const bad = await spansOf(invalidTrace, 2)
  const refused = only(bad, 'weather')
  assert.equal(refused.status.code, SpanStatusCode.ERROR)
  assert.equal(refused.status.message, 'NANO_E_INVALID_INPUT')
  assert.equal(refused.attributes['nanoweb.code'], 'NANO_E_INVALID_INPUT')
  const badRequest = only(bad, 'POST /api/weather')
  assert.equal(badRequest.attributes['http.response.status_code'], 400)
  assert.equal(badRequest.status.code, SpanStatusCode.UNSET, 'a 4xx is the client’s error, not the server span’s')

  const sunkTrace = 'b'.repeat(32)
  const sunk = await call('{"city":"Atlantis"}', sunkTrace)
  assert.deepEqual(sunk, { status: 500, code: 'NANO_E_SERVICE_FAILED' })
  const failed = await spansOf(sunkTrace, 3)
  const geo = only(failed, 'geo')
  assert.equal(geo.status.code, SpanStatusCode.ERROR)
  assert.equal(geo.attributes['nanoweb.code'], sunk.code)
  assert.ok(
    geo.events.some((e) => e.name === 'exception'),
    'the failure is recorded as an exception event',
  )
  assert.equal(only(failed, 'weather').attributes['nanoweb.code'], sunk.code)
  const request = only(failed, 'POST /api/weather')
  assert.equal(request.attributes['http.response.status_code'], 500)
  assert.equal(request.status.code, SpanStatusCode.ERROR)
})

test('a page render: request → page → one span per fragment, its calls below; a failing fragment is ERROR', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  exporter.reset()
  const traceId = 'c'.repeat(32)
  const res = await fetch(`${server.url}/story/Leeds`, { headers: { traceparent: `00-${traceId}-${PARENT_SPAN}-01` } })
  const html = await res.text()
  assert.match(html, /<p>Leeds 5<\/p>/)
  assert.match(html, /gone/)
  const spans = await spansOf(traceId, 5)
  assert.deepEqual(spans.map((s) => s.name).sort(), [
    'GET /story/:id',
    'frag/box',
    'frag/broken',
    'geo',
    'page /story/:id',
  ])

  const request = only(spans, 'GET /story/:id')
  assert.equal(parentOf(request), PARENT_SPAN)
  assert.equal(request.attributes['http.route'], '/story/:id', 'the request span is named after the page route')
  assert.equal(request.attributes['url.path'], '/story/Leeds')
  assert.equal(request.attributes['http.response.status_code'], 200)

  const page = only(spans, 'page /story/:id')
  assert.equal(parentOf(page), idOf(request))
  assert.equal(page.attributes['nanoweb.page'], '/story/:id')

  const box = only(spans, 'frag/box')
  assert.equal(parentOf(box), idOf(page), 'a fragment is a child of its page')
  assert.deepEqual(box.attributes, {
    'nanoweb.service': 'frag/box',
    'nanoweb.caller': 'page',
    'nanoweb.fragment': 'frag/box',
    'nanoweb.page': '/story/:id',
  })
  assert.equal(box.status.code, SpanStatusCode.OK)
  assert.equal(parentOf(only(spans, 'geo')), idOf(box), "the fragment's own call is its child")

  const broken = only(spans, 'frag/broken')
  assert.equal(parentOf(broken), idOf(page))
  assert.equal(broken.status.code, SpanStatusCode.ERROR)
  assert.equal(broken.attributes['nanoweb.code'], 'NANO_E_SERVICE_FAILED')
  assert.ok(page.endTime >= broken.endTime && page.endTime >= box.endTime, 'the page ends after its fragments')
})

test('rt.call inside a span of the application is its child; current() names the active span', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, metrics: false })
  t.after(() => rt.close())
  exporter.reset()
  const tracer = trace.getTracer('app')
  const outer = tracer.startSpan('job')
  const seen = await context.with(trace.setSpan(context.active(), outer), async () => {
    assert.deepEqual(rt.observer?.current?.(), {
      traceId: outer.spanContext().traceId,
      spanId: outer.spanContext().spanId,
    })
    return rt.call('weather', { city: 'York' })
  })
  outer.end()
  assert.deepEqual(seen, { lat: 4 })
  const spans = await spansOf(outer.spanContext().traceId, 3)
  assert.equal(parentOf(only(spans, 'weather')), outer.spanContext().spanId)
  assert.equal(only(spans, 'weather').attributes['nanoweb.caller'], undefined, 'a call from outside names no caller')
  assert.equal(rt.observer?.current?.(), undefined, 'no span is active out here')
})

test("a service's own spans (made with @opentelemetry/api) sit between its call span and the calls it makes", async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, metrics: false })
  t.after(() => rt.close())
  exporter.reset()
  assert.deepEqual(await rt.call('own', {}), { lat: 3 })
  const own = await until(() => exporter.getFinishedSpans().find((s) => s.name === 'own'), 'the span of own')
  const spans = await spansOf(own.spanContext().traceId, 3)
  const work = only(spans, 'own work')
  assert.equal(parentOf(work), idOf(own))
  assert.equal(parentOf(only(spans, 'geo')), idOf(work))
})

test('beside another observer (combined, each with its own state), spans still nest', async (t) => {
  const root = await tempProject(t, FILES)
  const seen: string[] = []
  const counting: Observer = {
    start: (c) => {
      c.state = c.service
    },
    end: (c) => seen.push(String(c.state)),
  }
  const rt = createRuntime({ root, logger: false, metrics: false, observer: counting })
  t.after(() => rt.close())
  exporter.reset()
  assert.deepEqual(await rt.call('weather', { city: 'York' }), { lat: 4 })
  assert.deepEqual(seen, ['geo', 'weather'], 'the other observer kept its own state')
  const weather = await until(() => exporter.getFinishedSpans().find((s) => s.name === 'weather'), 'weather')
  const geo = only(await spansOf(weather.spanContext().traceId, 2), 'geo')
  assert.equal(parentOf(geo), idOf(weather))
})

test('tracing: false makes no span even with an SDK registered', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, metrics: false, tracing: false })
  t.after(() => rt.close())
  exporter.reset()
  assert.deepEqual(await rt.call('weather', { city: 'York' }), { lat: 4 })
  assert.equal(rt.observer, undefined, 'nothing watches the calls')
  assert.deepEqual(names(exporter.getFinishedSpans()), '')
})

test('tracing: true sees an SDK registered after the runtime was made, and stops when it is disabled', async (t) => {
  const root = await tempProject(t, FILES)
  trace.disable()
  t.after(() => trace.setGlobalTracerProvider(provider))
  const rt = createRuntime({ root, logger: false, metrics: false, tracing: true })
  const auto = createRuntime({ root, logger: false, metrics: false })
  t.after(() => Promise.all([rt.close(), auto.close()]))
  assert.equal(auto.observer, undefined, 'by default, no SDK when made means no tracing')
  exporter.reset()
  assert.deepEqual(await rt.call('geo', { city: 'York' }), { lat: 4 })
  assert.equal(names(exporter.getFinishedSpans()), '', 'no SDK yet, no span')
  trace.setGlobalTracerProvider(provider)
  assert.deepEqual(await rt.call('geo', { city: 'Hull' }), { lat: 4 })
  const span = await until(() => exporter.getFinishedSpans()[0], 'a span once the SDK is registered')
  assert.equal(span.name, 'geo')
  trace.disable()
  exporter.reset()
  await rt.call('geo', { city: 'Leeds' })
  assert.equal(names(exporter.getFinishedSpans()), '', 'disabled again, no span')
})

test('a request without traceparent adopts the trace the SDK started: ctx.traceId and the response traceparent name it', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  exporter.reset()
  const res = await fetch(`${server.url}/api/whoami`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(res.status, 200)
  const { traceId } = (await res.json()) as { traceId: string }
  const [spans] = await Promise.all([spansOf(traceId, 2)])
  const request = only(spans, 'POST /api/whoami')
  assert.equal(request.spanContext().traceId, traceId, 'the service ran in the trace the request span belongs to')
  assert.equal(
    res.headers.get('traceparent'),
    `00-${traceId}-${idOf(request)}-01`,
    'the answer names that trace and span',
  )
})
