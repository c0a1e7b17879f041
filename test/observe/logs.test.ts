import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, type Span, trace } from '@opentelemetry/api'
import { createRuntime as createAppRuntime } from '../../src/assembly/create-runtime.ts'
import { configProblems } from '../../src/cli/config-schema.ts'
import { serveSettings } from '../../src/cli/serve-settings.ts'
import { createServer, foldRepeats, isNanoError, systemClock } from '../../src/index.ts'
import type { Observer } from '../../src/runtime/observer.ts'
import { prettyLine } from '../../src/runtime/pretty-log.ts'
import { createRuntime } from '../../src/runtime/runtime.ts'
import { nanoweb } from '../helpers/cli.ts'
import { inMemoryTracing } from '../helpers/otel.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'

const SERVICES = {
  'services/outer.ts': svc(`uses: ['inner'], input: z.object({}), output: z.string(),
    run: async (_, ctx) => {
      ctx.log.info('outer first')
      await ctx.call('inner', {})
      ctx.log.info('outer second')
      return 'ok'
    },`),
  'services/inner.ts': svc(`input: z.object({}), output: z.string(),
    run: async (_, ctx) => { ctx.log.info('inner line'); return 'in' },`),
  'services/quiet.ts': svc(`input: z.object({}), output: z.string(), run: () => 'shh',`),
  'services/a/loud.ts': svc(`input: z.object({}), output: z.string(),
    run: (_, ctx) => { ctx.log.debug('a/loud debug'); return 'ok' },`),
  'services/a/hushed.ts': svc(`input: z.object({}), output: z.string(),
    run: (_, ctx) => { ctx.log.warn('a/hushed warn'); ctx.log.error('a/hushed error'); return 'ok' },`),
}

type Entry = Record<string, unknown>
const byMessage = (records: Entry[], message: string): Entry | undefined => records.find((r) => r.message === message)

/**
 * A small real tracer as an Observer: an OpenTelemetry span per call (continuing the call's trace
 * id at the root), made active while the call runs; `current()` names the active span.
 */
function spanObserver(): Observer {
  const tracer = trace.getTracer('logs-test')
  return {
    start(call) {
      const parent =
        trace.getActiveSpan() === undefined && call.traceId !== undefined
          ? trace.setSpanContext(context.active(), {
              traceId: call.traceId,
              spanId: '00f067aa0ba902b7',
              traceFlags: 1,
              isRemote: true,
            })
          : context.active()
      call.state = tracer.startSpan(call.service, {}, parent)
    },
    end(call) {
      ;(call.state as Span).end()
    },
    run(subject, fn) {
      return context.with(trace.setSpan(context.active(), subject.state as Span), fn)
    },
    current() {
      const span = trace.getActiveSpan()
      if (span === undefined) return undefined
      const { traceId, spanId } = span.spanContext()
      return { traceId, spanId }
    },
  }
}

test("with an OpenTelemetry SDK registered, ctx.log records carry the trace and span ids of nanoweb's own call spans", async (t) => {
  const { exporter, dispose } = inMemoryTracing()
  t.after(dispose)
  const root = await tempProject(t, SERVICES)
  const logs = collectLogs()
  const rt = createAppRuntime({ root, logger: logs.sink, metrics: false })
  t.after(() => rt.close())
  assert.equal(await rt.call('outer', {}), 'ok')
  const spans = exporter.getFinishedSpans()
  const outerSpan = spans.find((span) => span.attributes['nanoweb.service'] === 'outer')?.spanContext()
  const innerSpan = spans.find((span) => span.attributes['nanoweb.service'] === 'inner')?.spanContext()
  assert.ok(outerSpan !== undefined && innerSpan !== undefined, 'both calls made spans')
  assert.equal(innerSpan.traceId, outerSpan.traceId, 'one trace')
  for (const message of ['outer first', 'outer second']) {
    const record = byMessage(logs.records, message)
    assert.deepEqual([record?.service, record?.traceId, record?.spanId], ['outer', outerSpan.traceId, outerSpan.spanId])
  }
  const inner = byMessage(logs.records, 'inner line')
  assert.deepEqual([inner?.service, inner?.traceId, inner?.spanId], ['inner', innerSpan.traceId, innerSpan.spanId])
})

test('with an OpenTelemetry SDK registered, ctx.log records carry the trace and span ids of the call span', async (t) => {
  const { exporter, dispose } = inMemoryTracing()
  t.after(dispose)
  const root = await tempProject(t, SERVICES)
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink, observer: spanObserver() })
  t.after(() => rt.close())
  assert.equal(await rt.call('outer', {}, { traceId: TRACE_ID }), 'ok')
  const spans = exporter.getFinishedSpans()
  const outerSpan = spans.find((span) => span.name === 'outer')?.spanContext()
  const innerSpan = spans.find((span) => span.name === 'inner')?.spanContext()
  assert.ok(outerSpan !== undefined && innerSpan !== undefined, 'both calls made spans')
  assert.equal(outerSpan.traceId, TRACE_ID)
  for (const message of ['outer first', 'outer second']) {
    const record = byMessage(logs.records, message)
    assert.deepEqual([record?.service, record?.traceId, record?.spanId], ['outer', TRACE_ID, outerSpan.spanId])
  }
  const inner = byMessage(logs.records, 'inner line')
  assert.deepEqual([inner?.service, inner?.traceId, inner?.spanId], ['inner', TRACE_ID, innerSpan.spanId])
})

test('without a current span, a call gets its own span id when it first logs: calls that do not log use none', async (t) => {
  const root = await tempProject(t, SERVICES)
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink })
  t.after(() => rt.close())
  await rt.call('inner', {})
  await rt.call('quiet', {})
  await rt.call('quiet', {})
  await rt.call('inner', {})
  const [first, second] = logs.records.filter((r) => r.message === 'inner line').map((r) => String(r.spanId))
  assert.match(String(first), /^[\da-f]{16}$/)
  assert.equal(second?.slice(0, 8), first?.slice(0, 8), 'one prefix per runtime')
  assert.equal(
    Number.parseInt(String(second).slice(8), 16),
    Number.parseInt(String(first).slice(8), 16) + 1,
    'the quiet calls between took no id',
  )
  assert.notEqual(first, second)
})

test('logLevels: per-service levels by glob, the last matching pattern wins; logLevel for the rest', async (t) => {
  const root = await tempProject(t, SERVICES)
  const logs = collectLogs()
  const rt = createRuntime({
    root,
    logger: logs.sink,
    logLevel: 'warn',
    logLevels: { 'a/*': 'debug', 'a/hushed': 'error' },
  })
  t.after(() => rt.close())
  for (const name of ['a/loud', 'a/hushed', 'outer']) await rt.call(name, {})
  const messages = logs.records.map((r) => r.message)
  assert.ok(messages.includes('a/loud debug'), 'a/loud matches a/* only: debug')
  assert.ok(!messages.includes('a/hushed warn'), 'a/hushed matches both; the last (error) wins')
  assert.ok(messages.includes('a/hushed error'))
  assert.ok(!messages.includes('outer first'), 'unmatched services log at logLevel (warn)')
})

test('logLevel filters the sink given too; without it, a sink of your own gets every record', async (t) => {
  const root = await tempProject(t, SERVICES)
  const all = collectLogs()
  const quiet = collectLogs()
  for (const [logs, logLevel] of [
    [all, undefined],
    [quiet, 'warn'],
  ] as const) {
    const server = await createServer({ root, port: 0, logger: logs.sink, logLevel, accessLog: true, metrics: false })
    t.after(() => server.close())
    assert.equal(
      (
        await fetch(`${server.url}/api/inner`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      200,
    )
  }
  await until(() => byMessage(all.records, 'request'), 'the access line')
  assert.ok(byMessage(all.records, 'inner line') !== undefined)
  assert.equal(byMessage(quiet.records, 'request'), undefined, 'info records are dropped at warn')
  assert.equal(byMessage(quiet.records, 'inner line'), undefined)
})

test('a bad level or pattern is refused with NANO_E_BAD_REQUEST naming the option', async (t) => {
  const root = await tempProject(t, SERVICES)
  const cases = [
    [
      { logLevels: { 'news/*': 'verbose' } },
      /logLevels\['news\/\*'\] must be one of 'debug', 'info', 'warn', 'error' \(got "verbose"\)/,
    ],
    [{ logLevels: { ' ': 'info' } }, /logLevels keys must be glob patterns/],
    [{ logLevel: 'loud' }, /logLevel must be one of/],
  ] as const
  for (const [options, message] of cases) {
    assert.throws(
      () => createRuntime({ root, ...(options as object) }),
      (error: unknown) => isNanoError(error) && error.code === 'NANO_E_BAD_REQUEST' && message.test(error.message),
    )
  }
})

test('config: logLevels and logFormat are checked; dev defaults to pretty, start to json, a flag wins', async () => {
  assert.deepEqual(configProblems({ logLevels: { 'news/*': 'debug', 'ads/**': 'warn' }, logFormat: 'pretty' }), [])
  assert.deepEqual(configProblems({ logLevels: { 'news/*': 'verbose' } }), [
    `logLevels.news/* must be one of 'debug', 'info', 'warn', 'error' (got "verbose")`,
  ])
  assert.deepEqual(configProblems({ logFormat: 'xml' }), [`logFormat must be 'json' or 'pretty' (got "xml")`])
  assert.equal(configProblems({ logLevels: { '': 'info' } }).length, 1)
  assert.equal(serveSettings({ options: {}, config: {}, dev: true }).logFormat, 'pretty')
  assert.equal(serveSettings({ options: {}, config: {}, dev: false }).logFormat, 'json')
  assert.equal(serveSettings({ options: {}, config: { logFormat: 'pretty' }, dev: false }).logFormat, 'pretty')
  assert.equal(
    serveSettings({ options: { logFormat: 'json' }, config: { logFormat: 'pretty' }, dev: true }).logFormat,
    'json',
  )
  const bad = await nanoweb(['start', '.', '--log-format', 'xml'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--log-format.*xml.*json, pretty/s)
})

test('the pretty line: time, level, service, message, fields as key=value, ids last, colours on request', () => {
  const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime()
  const error = new Error('kaput')
  const record = {
    level: 'warn',
    message: 'slow upstream',
    time,
    service: 'news/top',
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    ms: 120,
    url: 'https://x.test/a b',
    tags: ['a', 'b'],
    error,
  } as const
  const [head, ...stack] = prettyLine(record, { color: false }).trimEnd().split('\n')
  assert.equal(
    head,
    `03:04:05.067 WARN  news/top slow upstream ms=120 url="https://x.test/a b" tags=["a","b"] error="Error: kaput" traceId=${TRACE_ID} spanId=00f067aa0ba902b7`,
  )
  assert.equal(stack[0], '    Error: kaput')
  assert.match(String(stack[1]), /^ {4}at /)
  const coloured = prettyLine({ level: 'error', message: 'boom', time }, { color: true })
  assert.ok(coloured.includes('\u001b[31mERROR\u001b[0m'), coloured)
  assert.ok(!prettyLine({ level: 'info', message: 'plain', time }, { color: false }).includes('\u001b'))
})

test('repeats are folded per service: the same message from two services is two kinds of record', () => {
  const logs = collectLogs()
  const sink = foldRepeats(logs.sink, { clock: systemClock, windowMs: 60_000 })
  for (const service of ['a/one', 'a/two', 'a/one']) sink({ level: 'info', message: 'cache miss', time: 0, service })
  assert.deepEqual(
    logs.records.map((r) => r.service),
    ['a/one', 'a/two'],
  )
})
