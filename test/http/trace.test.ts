import assert from 'node:assert/strict'
import { test } from 'node:test'
import { IdSource, requestIdFrom, traceContext, traceIdFrom } from '../../src/http/trace.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT = '00f067aa0ba902b7'

test('traceIdFrom reads the trace id of a valid traceparent', () => {
  assert.equal(traceIdFrom(`00-${TRACE}-${PARENT}-01`), TRACE)
  assert.equal(traceIdFrom(`00-${TRACE}-${PARENT}-00`), TRACE, 'not sampled is still valid')
  assert.equal(traceIdFrom(`  00-${TRACE}-${PARENT}-01 `), TRACE, 'surrounding spaces are ignored')
  assert.equal(traceIdFrom(`00-${TRACE.toUpperCase()}-${PARENT}-01`), TRACE, 'read in lower case')
  assert.equal(traceIdFrom(`01-${TRACE}-${PARENT}-01-future-field`), TRACE, 'a later version may add fields')
})

test('traceIdFrom refuses absent, malformed and invalid headers', () => {
  const invalid = [
    undefined,
    '',
    'garbage',
    `00-${TRACE}-${PARENT}`,
    `00-${TRACE.slice(1)}-${PARENT}-01`,
    `00-${TRACE}-${PARENT}0-01`,
    `00-${TRACE.replace('4', 'g')}-${PARENT}-01`,
    `00-${'0'.repeat(32)}-${PARENT}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `ff-${TRACE}-${PARENT}-01`,
    `00-${TRACE}-${PARENT}-01-extra`,
    `00_${TRACE}_${PARENT}_01`,
  ]
  for (const header of invalid) assert.equal(traceIdFrom(header), undefined, JSON.stringify(header))
})

test('IdSource makes distinct 32-hex ids from one random prefix and a counter', () => {
  const ids = new IdSource()
  const made = Array.from({ length: 1000 }, () => ids.next())
  assert.equal(new Set(made).size, made.length)
  for (const id of made) assert.match(id, /^[0-9a-f]{32}$/)
  assert.equal(new Set(made.map((id) => id.slice(0, 16))).size, 1)
  assert.equal(made[0]?.slice(16), '0000000000000001')
  assert.equal(made[999]?.slice(16), (1000).toString(16).padStart(16, '0'))
  assert.notEqual(new IdSource().next().slice(0, 16), made[0]?.slice(0, 16), 'each source draws its own prefix')
  assert.equal(traceIdFrom(`00-${made[0]}-${PARENT}-01`), made[0], 'a valid W3C trace id')
})

test('requestIdFrom keeps a sane x-request-id and replaces anything else', () => {
  assert.equal(requestIdFrom('req-123', 'fresh'), 'req-123')
  assert.equal(requestIdFrom('a.b:c_d-9', 'fresh'), 'a.b:c_d-9')
  assert.equal(requestIdFrom('x'.repeat(128), 'fresh'), 'x'.repeat(128))
  for (const bad of [undefined, '', 'x'.repeat(129), 'has space', 'new\nline', '<script>', 'ünï'])
    assert.equal(requestIdFrom(bad, 'fresh'), 'fresh', JSON.stringify(bad))
})

test('traceContext continues a valid incoming trace and names this request as the span', () => {
  const fresh = new IdSource().next()
  const continued = traceContext(`00-${TRACE}-${PARENT}-01`, fresh)
  assert.equal(continued.traceId, TRACE)
  assert.equal(continued.traceparent, `00-${TRACE}-${fresh.slice(16)}-01`)
  assert.equal(traceIdFrom(continued.traceparent), TRACE, 'the answer is itself a valid traceparent')
  for (const incoming of [undefined, 'garbage', `00-${'0'.repeat(32)}-${PARENT}-01`]) {
    const started = traceContext(incoming, fresh)
    assert.equal(started.traceId, fresh, `a new trace for ${JSON.stringify(incoming)}`)
    assert.equal(started.traceparent, `00-${fresh}-${fresh.slice(16)}-01`)
  }
})
