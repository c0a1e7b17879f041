import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Fakes } from '../../src/testing/index.ts'

// `npm run typecheck` checks this file with examples/news/nanoweb-env.d.ts in the program: its
// ServiceRegistry types the fakes of the services it lists.
test('fakes of services nanoweb-env.d.ts lists are typed by their real schemas; other names take any fake', () => {
  const fakes: Fakes = {
    'geo/lookup': ({ city }) => ({ name: city.toUpperCase(), country: 'GB', lat: 1, lon: 2, timezone: 'UTC' }),
    // @ts-expect-error: weather/current's output schema does not accept this shape
    'weather/current': () => ({ lat: 'north' }),
    'not/listed': (input) => input,
  }
  const lookup = fakes['geo/lookup']
  assert.equal(typeof lookup, 'function')
  assert.deepEqual(lookup?.({ city: 'york' }, undefined as never), {
    name: 'YORK',
    country: 'GB',
    lat: 1,
    lon: 2,
    timezone: 'UTC',
  })
})
