import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { parseSamples, sample } from './prom-text.ts'

const FILES: Record<string, string> = {
  'services/geo.ts': svc(`input: z.object({ city: z.string().min(1) }), output: z.object({ lat: z.number() }),
    run: ({ city }) => ({ lat: city.length }),`),
  'services/weather.ts':
    svc(`uses: ['geo'], input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
  'services/boom.ts': svc(
    `input: z.object({}), output: z.object({}), run: () => { throw new Error('broken on purpose') },`,
  ),
  'services/slow.ts': svc(`input: z.object({}), output: z.object({}),
    run: () => new Promise((resolve) => setTimeout(() => resolve({}), 30)),`),
}

test('calls are counted per service and code, with a duration histogram, in-flight back to 0 and per-edge figures', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  for (let i = 0; i < 3; i++) await rt.call('weather', { city: 'Leeds' }, { caller: 'http' })
  await rt.call('geo', { city: 'York' })
  await assert.rejects(rt.call('geo', { city: '' }, { caller: 'http' }), { code: 'NANO_E_INVALID_INPUT' })
  await assert.rejects(rt.call('boom', {}, { caller: 'http' }), { code: 'NANO_E_SERVICE_FAILED' })
  const slow = rt.call('slow', {}, { caller: 'page' })
  const during = parseSamples(rt.metrics())
  assert.equal(sample(during, 'nanoweb_calls_in_flight', { service: 'slow' }), 1, 'one slow call in flight')
  await slow

  const text = rt.metrics()
  const s = parseSamples(text)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'weather', code: 'ok' }), 3)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'geo', code: 'ok' }), 4, '3 from weather, 1 outside')
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'geo', code: 'NANO_E_INVALID_INPUT' }), 1)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'boom', code: 'NANO_E_SERVICE_FAILED' }), 1)
  assert.equal(
    sample(s, 'nanoweb_calls_total', { service: 'boom', code: 'ok' }),
    undefined,
    'no ok row for a service that never answered ok',
  )
  for (const service of ['geo', 'weather', 'boom', 'slow']) {
    assert.equal(sample(s, 'nanoweb_calls_in_flight', { service }), 0, `${service} back to 0 in flight`)
  }

  const buckets = [...s.entries()]
    .filter(([key]) => key.startsWith('nanoweb_call_duration_seconds_bucket{') && key.includes('service="geo"'))
    .map(([key, value]) => ({ le: /le="([^"]+)"/.exec(key)?.[1] as string, value }))
  assert.equal(buckets.at(-1)?.le, '+Inf')
  const bounds = buckets.slice(0, -1).map((b) => Number(b.le))
  assert.deepEqual(
    [...bounds].sort((a, b) => a - b),
    bounds,
    'buckets in increasing order',
  )
  for (let i = 1; i < buckets.length; i++) {
    assert.ok((buckets[i]?.value as number) >= (buckets[i - 1]?.value as number), 'cumulative counts never decrease')
  }
  assert.equal(buckets.at(-1)?.value, 5, 'the +Inf bucket counts every geo call')
  assert.equal(sample(s, 'nanoweb_call_duration_seconds_count', { service: 'geo' }), 5)
  const sum = sample(s, 'nanoweb_call_duration_seconds_sum', { service: 'geo' }) as number
  assert.ok(sum > 0 && sum < 5, `the sum of five quick calls is a few seconds at most (got ${sum})`)
  const slowSum = sample(s, 'nanoweb_call_duration_seconds_sum', { service: 'slow' }) as number
  assert.ok(slowSum >= 0.025, `the slow call took its 30 ms (got ${slowSum} s)`)
  assert.equal(sample(s, 'nanoweb_call_duration_seconds_bucket', { service: 'slow', le: '0.01' }), 0)

  const figures = rt.observer?.figures?.()
  assert.ok(figures !== undefined)
  assert.deepEqual(
    { ...figures.services.geo, p95Seconds: typeof figures.services.geo?.p95Seconds },
    { calls: 5, errors: 1, inFlight: 0, p95Seconds: 'number', cache: { hit: 0, stale: 0, miss: 0 } },
  )
  const edges = figures.edges.map((e) => `${e.caller}->${e.service} ${e.calls}/${e.errors}`).sort()
  assert.deepEqual(edges, [
    'http->boom 1/1',
    'http->geo 1/1',
    'http->weather 3/0',
    'outside->geo 1/0',
    'page->slow 1/0',
    'weather->geo 3/0',
  ])
  const slowEdge = figures.edges.find((e) => e.service === 'slow')
  assert.ok((slowEdge?.p95Seconds as number) >= 0.025, 'p95 of the slow edge reflects its 30 ms')
  assert.ok(figures.at >= figures.since)
})

test('calls to names nobody defines are folded under service="_unknown", adding no series per name', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  for (const name of ['nope/a', 'nope/b', 'nope/c']) {
    await assert.rejects(rt.call(name as 'geo', { city: 'x' }), { code: 'NANO_E_NOT_FOUND' })
  }
  const s = parseSamples(rt.metrics())
  assert.equal(sample(s, 'nanoweb_calls_total', { service: '_unknown', code: 'NANO_E_NOT_FOUND' }), 3)
  assert.ok(![...s.keys()].some((key) => key.includes('nope/')), 'no series names an unknown service')
})

test('a cached service counts miss, hit and stale (while it refreshes)', async (t) => {
  const root = await tempProject(t, {
    'services/cached.ts': svc(`input: z.object({ n: z.number() }), output: z.object({ n: z.number() }),
      cache: { ttl: '1s', staleWhileRevalidate: '1m' },
      run: async ({ n }) => ({ n }),`),
  })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  t.after(() => rt.close())
  await rt.call('cached', { n: 1 }) // miss
  await rt.call('cached', { n: 1 }) // hit
  await rt.call('cached', { n: 1 }) // hit
  await rt.call('cached', { n: 2 }) // miss
  clock.advance(5000)
  await rt.call('cached', { n: 1 }) // stale, refreshing
  const s = parseSamples(rt.metrics())
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'cached', result: 'miss' }), 2)
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'cached', result: 'hit' }), 2)
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'cached', result: 'stale' }), 1)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'cached', code: 'ok' }), 5)
  assert.deepEqual(rt.observer?.figures?.().services.cached?.cache, { hit: 2, stale: 1, miss: 2 })
})

test('a cached service whose refresh fails counts the stale value it served, and the failed miss', async (t) => {
  const root = await tempProject(t, {
    'services/flaky.ts': svc(`input: z.object({}), output: z.object({ n: z.number() }),
      cache: { ttl: '1s', staleIfError: '1m' },
      run: async () => {
        if (globalThis.flakyFails === true) throw new Error('down')
        return { n: 1 }
      },`),
  })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  t.after(() => {
    ;(globalThis as { flakyFails?: boolean }).flakyFails = false
    return rt.close()
  })
  await rt.call('flaky', {}) // miss
  ;(globalThis as { flakyFails?: boolean }).flakyFails = true
  clock.advance(5000)
  assert.deepEqual(await rt.call('flaky', {}), { n: 1 }, 'the stale value is served when the refresh fails')
  clock.advance(120_000)
  await assert.rejects(rt.call('flaky', {}), { code: 'NANO_E_SERVICE_FAILED' })
  const s = parseSamples(rt.metrics())
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'flaky', result: 'miss' }), 2)
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'flaky', result: 'stale' }), 1)
  assert.equal(sample(s, 'nanoweb_cache_total', { service: 'flaky', result: 'hit' }), 0)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'flaky', code: 'ok' }), 2)
  assert.equal(sample(s, 'nanoweb_calls_total', { service: 'flaky', code: 'NANO_E_SERVICE_FAILED' }), 1)
})

test('metrics: false keeps nothing: rt.metrics() is empty and no observer is made', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, metrics: false })
  t.after(() => rt.close())
  await rt.call('geo', { city: 'Leeds' })
  assert.equal(rt.metrics(), '')
  assert.equal(rt.observer, undefined)
})
