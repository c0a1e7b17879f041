import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

test('the catalog lists every service with JSON Schemas, uses, visibility and endpoint', async (t) => {
  const root = await tempProject(t, {
    'services/geo/lookup.ts': svc(`description: 'Where a city is', visibility: 'internal',
      input: z.object({ city: z.string().min(1) }), output: z.object({ lat: z.number(), lon: z.number() }),
      run: () => ({ lat: 1, lon: 2 }),`),
    'services/weather/current.ts': svc(`description: 'Current weather', uses: ['geo/lookup'], idempotent: true,
      cache: { ttl: '60s', staleWhileRevalidate: '10m' }, timeout: '150ms',
      input: z.object({ city: z.string() }), output: z.object({ tempC: z.number() }),
      run: () => ({ tempC: 1 }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const catalog = await rt.catalog()
  assert.deepEqual(
    catalog.map((e) => e.name),
    ['geo/lookup', 'weather/current'],
  )
  const [geo, weather] = catalog
  assert.equal(geo?.visibility, 'internal')
  assert.equal(geo?.endpoint, null)
  assert.equal(geo?.file, 'services/geo/lookup.ts')
  assert.deepEqual(geo?.input, {
    type: 'object',
    properties: { city: { type: 'string', minLength: 1 } },
    required: ['city'],
  })
  assert.equal(weather?.endpoint, '/api/weather/current')
  assert.deepEqual(weather?.uses, ['geo/lookup'])
  assert.equal(weather?.idempotent, true)
  assert.equal(weather?.timeoutMs, 150)
  assert.deepEqual(weather?.cache, { ttlMs: 60_000, staleWhileRevalidateMs: 600_000, staleIfErrorMs: 0 })
  assert.equal(weather?.description, 'Current weather')
  assert.deepEqual((weather?.output as { required?: string[] } | undefined)?.required, ['tempC'])
})
