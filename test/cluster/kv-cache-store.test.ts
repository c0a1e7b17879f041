import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kvm } from '@nats-io/kv'
import { KvCacheStore, openKvCacheStore } from '../../src/cluster/kv-cache-store.ts'
import { type CacheEntry, createRuntime, systemClock } from '../../src/index.ts'
import { tempProject } from '../helpers/project.ts'
import { assertStoreSharedBySameCode, countedService } from '../helpers/transport.ts'
import { startNats } from './nats-server.ts'

function entryAt(now: number, value: unknown): CacheEntry {
  return {
    value,
    storedAt: now,
    freshUntil: now + 60_000,
    staleUntil: now + 660_000,
    errorUntil: now + 60_000,
    size: JSON.stringify(value).length,
  }
}

test('a KV cache store keeps entries under any key, until their keep time, and forgets them on delete', async (t) => {
  const nats = await startNats(t, { jetstream: true })
  let now = 1_000_000
  const store = await openKvCacheStore({ connection: await nats.connect(), clock: { ...systemClock, now: () => now } })
  const key = 'weather/current@1.2.3\u0000{"city":"Leeds ☂","q":"a b/c*>"}'
  const entry = entryAt(now, { tempC: 11, sky: 'grey' })
  await store.set(key, entry, 660_000)
  assert.deepEqual(await store.get(key), entry)
  assert.equal(await store.get(`${key} `), undefined, 'another key misses')
  now += 659_999
  assert.deepEqual(await store.get(key), entry)
  now += 1
  assert.equal(await store.get(key), undefined, 'past its keep time, the entry is absent')
  await store.set(key, entry, 1000)
  await store.delete(key)
  assert.equal(await store.get(key), undefined)
})

test('the bucket is created with history 1 and the store maximum keep as its max age', async (t) => {
  const nats = await startNats(t, { jetstream: true })
  const nc = await nats.connect()
  await openKvCacheStore({ connection: nc, bucket: 'app-cache', maxKeepMs: 120_000 })
  const status = await (await new Kvm(nc).open('app-cache')).status()
  assert.equal(status.history, 1)
  assert.equal(status.ttl, 120_000)
})

test('runtimes on separate connections share a KV bucket: results of the same code only', async (t) => {
  const nats = await startNats(t, { jetstream: true })
  const storeOne = await openKvCacheStore({ connection: await nats.connect() })
  const storeTwo = await openKvCacheStore({ connection: await nats.connect() })
  const runs = (): number => (globalThis as { kvRuns?: number }).kvRuns ?? 0
  const before = runs()
  const runtimes = await assertStoreSharedBySameCode(t, [storeOne, storeTwo], 'kvRuns')
  for (const rt of runtimes) await rt.close()
  const kv = await new Kvm(await nats.connect()).open('nano-cache')
  const count = async (): Promise<number> => {
    let n = 0
    for await (const _ of await kv.keys()) n += 1
    return n
  }
  assert.equal(await count(), 2, 'closing a runtime leaves the shared bucket alone')
  await storeOne.clear()
  assert.equal(await count(), 0, 'clear() empties the bucket')
  const again = createRuntime({
    root: await tempProject(t, { 'services/c.ts': countedService('same', 'kvRuns') }),
    cacheStore: storeTwo,
  })
  assert.equal(await again.call('c', {}), 'same')
  assert.equal(runs() - before, 3, 'after clear() the result is computed afresh')
  await again.close()
})

test('a KvCacheStore also wraps a KV the caller opened', async (t) => {
  const nats = await startNats(t, { jetstream: true })
  const kv = await new Kvm(await nats.connect()).create('own', { history: 1 })
  const store = new KvCacheStore({ kv })
  const entry = entryAt(Date.now(), ['a', 1])
  await store.set('k', entry, 10_000)
  assert.deepEqual(await store.get('k'), entry)
  await store.clear()
  assert.equal(await store.get('k'), undefined)
})
