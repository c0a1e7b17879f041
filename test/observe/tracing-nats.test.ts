// Spans across two nodes on a nats-server of the test's own: the span of a service run by node B
// is a child of node A's client span of the call, in the same trace (both runtimes in this
// process, one SDK and one in-memory exporter).
import assert from 'node:assert/strict'
import { after, type TestContext, test } from 'node:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { createRuntime, createServer } from '../../src/index.ts'
import { startNats } from '../cluster/nats-server.ts'
import { inMemoryTracing } from '../helpers/otel.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const { exporter, dispose } = inMemoryTracing()
after(dispose)

const TEST = { timeout: 90_000 }

const FILES = {
  'services/geo.ts': svc(
    `input: z.object({ city: z.string() }), output: z.object({ lat: z.number(), trace: z.string() }),
    run: ({ city }, ctx) => { if (city === 'Atlantis') throw new NanoError('NANO_E_NOT_FOUND', 'sunk'); return { lat: city.length, trace: ctx.traceId } },`,
    `import { NanoError } from '@nanoweb/core'`,
  ),
  'services/weather.ts':
    svc(`uses: ['geo'], input: z.object({ city: z.string() }), output: z.object({ lat: z.number(), trace: z.string() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
}

/** Node B runs `geo`; gateway A runs `weather` and calls `geo` over NATS. */
async function twoNodes(t: TestContext) {
  const nats = await startNats(t)
  const root = await tempProject(t, FILES)
  const b = createRuntime({ root, nats: { servers: nats.url }, services: ['geo'], logger: false, metrics: false })
  nats.after(() => b.close())
  await b.warm()
  const a = createServer({
    root,
    port: 0,
    logger: false,
    metrics: false,
    nats: { servers: nats.url },
    services: ['weather'],
  })
  nats.after(() => a.close())
  await a
  await until(
    async () => ((await fetch(`${a.url}/_nano/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
    'gateway A is ready (the cluster known), as a load balancer waits for it',
    30_000,
  )
  return a
}

async function post(url: string, city: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ city }),
  })
  return { status: res.status, body: (await res.json()) as { trace?: string; error?: { code: string } } }
}

const names = (spans: readonly ReadableSpan[]): string => spans.map((s) => `${s.name}/${s.kind}`).join(', ')

/** The spans of `traceId`, once there are `count`. */
function spansOf(traceId: string, count: number): Promise<ReadableSpan[]> {
  return until(
    () => {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)
      return spans.length >= count ? spans : undefined
    },
    `${count} spans of ${traceId} (have ${names(exporter.getFinishedSpans())})`,
  )
}

function one(spans: readonly ReadableSpan[], name: string, kind: SpanKind): ReadableSpan {
  const found = spans.filter((s) => s.name === name && s.kind === kind)
  assert.equal(found.length, 1, `one ${name} of kind ${kind} in ${names(spans)}`)
  return found[0] as ReadableSpan
}

test('the service span on node B is a child of node A’s client span, in the trace of the request', TEST, async (t) => {
  const a = await twoNodes(t)
  exporter.reset()
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const answer = await post(a.url, 'Leeds', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` })
  assert.deepEqual(answer, { status: 200, body: { lat: 5, trace: traceId } })
  const spans = await spansOf(traceId, 4)
  assert.equal(spans.length, 4, names(spans))
  const request = one(spans, 'POST /api/weather', SpanKind.SERVER)
  const weather = one(spans, 'weather', SpanKind.INTERNAL)
  const client = one(spans, 'geo', SpanKind.CLIENT)
  const served = one(spans, 'geo', SpanKind.SERVER)
  assert.equal(weather.parentSpanContext?.spanId, request.spanContext().spanId)
  assert.equal(client.parentSpanContext?.spanId, weather.spanContext().spanId, 'A: the client span is weather’s child')
  assert.equal(served.parentSpanContext?.spanId, client.spanContext().spanId, 'B: the served span is its child')
  assert.equal(served.parentSpanContext?.isRemote, true, 'the parent came over the wire')
  assert.deepEqual(served.attributes, { 'nanoweb.service': 'geo', 'nanoweb.caller': 'weather' })
  assert.equal(served.status.code, SpanStatusCode.OK)
})

test(
  'without an incoming traceparent the trace the SDK starts goes on over NATS; failures keep their code',
  TEST,
  async (t) => {
    const a = await twoNodes(t)
    exporter.reset()
    const answer = await post(a.url, 'Hull')
    assert.equal(answer.status, 200)
    const client = await until(
      () => exporter.getFinishedSpans().find((s) => s.name === 'geo' && s.kind === SpanKind.CLIENT),
      'the client span of geo',
    )
    const traceId = client.spanContext().traceId
    assert.equal(answer.body.trace, traceId, 'node B’s ctx.traceId is the trace of the spans')
    const spans = await spansOf(traceId, 4)
    assert.equal(one(spans, 'geo', SpanKind.SERVER).parentSpanContext?.spanId, client.spanContext().spanId)

    exporter.reset()
    const failed = await post(a.url, 'Atlantis')
    assert.equal(failed.body.error?.code, 'NANO_E_SERVICE_FAILED', 'weather failed with what it called')
    const served = await until(
      () => exporter.getFinishedSpans().find((s) => s.name === 'geo' && s.kind === SpanKind.SERVER),
      'the served span of the failed geo',
    )
    const trail = await spansOf(served.spanContext().traceId, 4)
    for (const span of [served, one(trail, 'geo', SpanKind.CLIENT)]) {
      assert.equal(span.status.code, SpanStatusCode.ERROR, `${span.name}/${span.kind}`)
      assert.equal(span.attributes['nanoweb.code'], 'NANO_E_NOT_FOUND', 'the code crossed the wire')
    }
    assert.equal(one(trail, 'weather', SpanKind.INTERNAL).attributes['nanoweb.code'], 'NANO_E_SERVICE_FAILED')
  },
)
