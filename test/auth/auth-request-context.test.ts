import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CALL_HEADERS, callHeaders, descriptorOf } from '../../src/cluster/call-headers.ts'
import type { Exchange } from '../../src/http/exchange.ts'
import { requestContextFrom } from '../../src/http/request-context.ts'
import type { Clock, User } from '../../src/index.ts'

const clock: Clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} }
const ann: User = { id: 'ann', roles: ['editor'], claims: { sub: 'ann' } }

function exchange(headers: Record<string, string>): Exchange {
  return { method: 'GET', path: '/', search: '', header: (name) => headers[name], body: () => new Uint8Array() }
}

test('with auth, the signed-in user is user and userId; the user cookie is then not read', () => {
  const ex = exchange({ cookie: 'uid=mallory', 'accept-language': 'fr' })
  const signedIn = requestContextFrom(ex, { cookie: 'uid' }, ann)
  assert.equal(signedIn.userId, 'ann')
  assert.equal(signedIn.user, ann)
  assert.deepEqual(JSON.parse(JSON.stringify(signedIn)), { locale: 'fr', userId: 'ann', user: ann })
  const anonymous = requestContextFrom(ex, { cookie: 'uid' }, null)
  assert.equal(anonymous.userId, undefined, 'a cookie cannot claim an id when auth is on')
  assert.equal(anonymous.user, undefined)
  const withoutAuth = requestContextFrom(ex, { cookie: 'uid' })
  assert.equal(withoutAuth.userId, 'mallory', 'without auth, the user option keeps working')
})

test('a call to another node carries the request facts of a gateway request, the user included', () => {
  const request = requestContextFrom(exchange({ 'user-agent': 'curl' }), undefined, ann)
  const descriptor = {
    service: 'a/b',
    version: undefined,
    depth: 1,
    deadline: null,
    traceId: 'ab'.repeat(16),
    caller: 'http',
    request,
  }
  const h = callHeaders(descriptor, clock)
  assert.ok(h.has(CALL_HEADERS.request))
  assert.deepEqual(descriptorOf('a/b', h, clock).request, { device: 'desktop', userId: 'ann', user: ann })
  const none = callHeaders({ ...descriptor, request: {} }, clock)
  assert.equal(none.has(CALL_HEADERS.request), false)
})
