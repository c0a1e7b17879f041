import assert from 'node:assert/strict'
import { beforeEach, test } from 'node:test'
import { createRuntime, MemoryCacheStore } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

type Counter = { runs: number; fail: boolean }
const counter = (): Counter => ((globalThis as { counter?: Counter }).counter ??= { runs: 0, fail: false })

beforeEach(() => {
  ;(globalThis as { counter?: Counter }).counter = { runs: 0, fail: false }
})

function countingService(cache: string, delay = 0): string {
  return svc(`input: z.object({ city: z.string(), units: z.string().optional() }), output: z.object({ city: z.string(), run: z.number() }),
    cache: ${cache},
    async run({ city }) {
      const c = (globalThis.counter ??= { runs: 0, fail: false })
      c.runs += 1
      const run = c.runs
      if (${delay} > 0) await new Promise((r) => setTimeout(r, ${delay}))
      if (c.fail) throw new Error('upstream down')
      return { city, run }
    },`)
}

test('single-flight: 50 concurrent identical calls run the service once', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService("{ ttl: '1m' }", 30) })
  const rt = createRuntime({ root, logger: false })
  const results = await Promise.all(Array.from({ length: 50 }, () => rt.call('w', { city: 'Leeds' })))
  assert.equal(counter().runs, 1)
  assert.ok(results.every((r) => (r as { run: number }).run === 1))
  await rt.call('w', { city: 'York' })
  assert.equal(counter().runs, 2, 'another input is another key')
})

test('the key is the canonical input: property order does not matter', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService("{ ttl: '1m' }") })
  const rt = createRuntime({ root, logger: false })
  await rt.call('w', { city: 'Leeds', units: 'c' })
  await rt.call('w', { units: 'c', city: 'Leeds' })
  assert.equal(counter().runs, 1)
})

test('stale-while-revalidate serves the stale value and refreshes once in the background', async (t) => {
  const root = await tempProject(t, {
    'services/w.ts': countingService("{ ttl: 40, staleWhileRevalidate: '10s' }", 20),
  })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  assert.equal(((await rt.call('w', { city: 'a' })) as { run: number }).run, 1)
  clock.advance(60)
  const stale = await Promise.all([rt.call('w', { city: 'a' }), rt.call('w', { city: 'a' })])
  assert.deepEqual(
    stale.map((s) => (s as { run: number }).run),
    [1, 1],
    'stale value served at once',
  )
  const fresh = await until(async () => {
    const out = (await rt.call('w', { city: 'a' })) as { run: number }
    return out.run === 2 ? out : undefined
  }, 'the refreshed value')
  assert.equal(fresh.run, 2, 'the refreshed value is served')
  assert.equal(counter().runs, 2, 'one background refresh for every stale read')
})

test('stale-if-error serves the last good value when a refresh fails, then gives up after the window', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService('{ ttl: 50, staleIfError: 300 }') })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  await rt.call('w', { city: 'a' })
  counter().fail = true
  clock.advance(100)
  assert.equal(((await rt.call('w', { city: 'a' })) as { run: number }).run, 1, 'stale value instead of the error')
  assert.equal(counter().runs, 2, 'the refresh was tried')
  clock.advance(300)
  await assert.rejects(rt.call('w', { city: 'a' }), { code: 'NANO_E_SERVICE_FAILED' })
})

test('without staleIfError a failed refresh is an error', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService('{ ttl: 20 }') })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  await rt.call('w', { city: 'a' })
  counter().fail = true
  clock.advance(40)
  await assert.rejects(rt.call('w', { city: 'a' }), { code: 'NANO_E_SERVICE_FAILED' })
})

test('the in-memory store is bounded by entries (LRU)', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService("{ ttl: '1m' }") })
  const store = new MemoryCacheStore({ maxEntries: 3 })
  const rt = createRuntime({ root, logger: false, cacheStore: store })
  for (const city of ['a', 'b', 'c']) await rt.call('w', { city })
  await rt.call('w', { city: 'a' })
  await rt.call('w', { city: 'd' })
  assert.equal(store.size, 3)
  assert.equal(counter().runs, 4)
  await rt.call('w', { city: 'a' })
  assert.equal(counter().runs, 4, "'a' was used recently and kept")
  await rt.call('w', { city: 'b' })
  assert.equal(counter().runs, 5, "'b' was least recently used and evicted")
})

test('the in-memory store is bounded by bytes', () => {
  const store = new MemoryCacheStore({ maxEntries: 1000, maxBytes: 1000 })
  const now = Date.now()
  for (let i = 0; i < 20; i++) {
    const value = 'x'.repeat(100)
    store.set(
      `k${i}`,
      { value, storedAt: now, freshUntil: now + 1e5, staleUntil: now + 1e5, errorUntil: now + 1e5, size: 102 },
      1e5,
    )
  }
  assert.ok(store.bytes <= 1000, `holds ${store.bytes} bytes`)
  assert.ok(store.size >= 8 && store.size <= 9)
  assert.equal(store.get('k0'), undefined, 'oldest evicted')
  assert.notEqual(store.get('k19'), undefined, 'newest kept')
})

test('a store that fails to keep a result does not fail the call; the failure is logged', async (t) => {
  const root = await tempProject(t, { 'services/w.ts': countingService("{ ttl: '1m' }") })
  const records: { message: string }[] = []
  const failing = {
    get: () => undefined,
    set: () => Promise.reject(new Error('store out of reach')),
    delete: () => {},
    clear: () => {},
  }
  const rt = createRuntime({ root, cacheStore: failing, logger: (r) => records.push(r) })
  assert.equal(((await rt.call('w', { city: 'a' })) as { run: number }).run, 1)
  assert.ok(records.some((r) => r.message === 'the cache store failed to keep a result'))
})

test('MemoryCacheStore counts its writes: set, delete, clear and each entry evicted', () => {
  const store = new MemoryCacheStore({ maxEntries: 2 })
  const entry = { value: 1, storedAt: 0, freshUntil: 1, staleUntil: 1, errorUntil: 1, size: 1 }
  assert.equal(store.writes, 0)
  store.set('a', entry, 1000)
  store.set('b', entry, 1000)
  assert.equal(store.writes, 2)
  store.get('a')
  assert.equal(store.writes, 2, 'reading writes nothing')
  store.set('c', entry, 1000)
  assert.equal(store.get('b'), undefined, 'b was evicted')
  assert.ok(store.writes >= 4, 'the set and the eviction both count')
  const before = store.writes
  store.delete('a')
  assert.ok(store.writes > before)
  const cleared = store.writes
  store.clear()
  assert.ok(store.writes > cleared)
})
