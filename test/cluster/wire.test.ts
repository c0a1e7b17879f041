import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CALL_HEADERS, callHeaders, descriptorOf } from '../../src/cluster/call-headers.ts'
import { errorReply, okReply, readReply } from '../../src/cluster/call-reply.ts'
import { Directory } from '../../src/cluster/directory.ts'
import { serviceSubject } from '../../src/cluster/subjects.ts'
import { type CallDescriptor, type Clock, NanoError } from '../../src/index.ts'

const at = (now: number): Clock => ({ now: () => now, setTimeout: () => 0, clearTimeout: () => {} })

test('service subjects map / to . and refuse names the registry would refuse', () => {
  assert.equal(serviceSubject('geo/lookup'), 'nano.svc.geo.lookup')
  assert.equal(serviceSubject('a_b-c'), 'nano.svc.a_b-c')
  for (const bad of ['a.b', 'a/*', '>', 'A/b', 'a//b', '', 'a b']) assert.equal(serviceSubject(bad), undefined, bad)
})

test('headers carry the descriptor; the deadline as time left, rebuilt on the callee clock', () => {
  const sent: CallDescriptor = {
    service: 'geo/lookup',
    version: 'v1hash',
    depth: 3,
    deadline: 10_250,
    traceId: 'ab'.repeat(16),
    caller: 'weather/current',
    request: { locale: 'fr', userId: 'u1' },
    parentSpanId: '00f067aa0ba902b7',
  }
  const h = callHeaders(sent, at(10_000))
  assert.equal(h.get(CALL_HEADERS.deadline), '250')
  assert.equal(h.get('traceparent'), `00-${'ab'.repeat(16)}-00f067aa0ba902b7-01`, 'the caller span is the parent')
  assert.deepEqual(descriptorOf('geo/lookup', h, at(50_000)), { ...sent, deadline: 50_250 })
  const untraced = callHeaders({ ...sent, parentSpanId: undefined }, at(10_000))
  const fresh = /^00-(?:ab){16}-([0-9a-f]{16})-01$/.exec(untraced.get('traceparent'))?.[1]
  assert.ok(fresh !== undefined && fresh !== '0'.repeat(16), 'without a caller span, a fresh span id is sent')
  assert.equal(descriptorOf('geo/lookup', untraced, at(0)).parentSpanId, fresh)
  const plain = callHeaders(
    { ...sent, deadline: null, traceId: 'my-trace', caller: undefined, version: undefined },
    at(0),
  )
  const back = descriptorOf('geo/lookup', plain, at(0))
  assert.equal(back.deadline, null)
  assert.equal(back.traceId, 'my-trace', 'a trace id that is not W3C travels verbatim')
  assert.equal(back.caller, undefined)
  assert.equal(back.version, undefined)
  assert.equal(back.parentSpanId, undefined, 'no traceparent, no parent span')
  assert.deepEqual(descriptorOf('x', undefined, at(0)), {
    service: 'x',
    version: undefined,
    depth: 1,
    deadline: null,
    traceId: '',
    caller: undefined,
    request: {},
    parentSpanId: undefined,
  })
})

test('replies carry a value or an error with its code, issues and raising service', () => {
  assert.deepEqual(readReply(okReply({ a: 1 }, 's'), 's'), { a: 1 })
  assert.equal(readReply(okReply(undefined, 's'), 's'), undefined)
  const issues = [{ path: ['city'], message: 'Too small' }]
  const error = new NanoError('NANO_E_INVALID_INPUT', 'bad', { issues, service: 'inner' })
  assert.throws(() => readReply(errorReply(error, 'outer'), 'outer'), {
    code: 'NANO_E_INVALID_INPUT',
    message: 'bad',
    issues,
    service: 'inner',
  })
  assert.throws(() => readReply(errorReply(new Error('secret'), 's'), 's'), { code: 'NANO_E_INTERNAL', service: 's' })
  assert.throws(() => readReply(okReply({ big: 1n }, 's'), 's'), { code: 'NANO_E_INTERNAL' })
  assert.throws(() => readReply('not json', 's'), { code: 'NANO_E_INTERNAL' })
})

test('the directory counts nodes per name and forgets a name no one answers for', () => {
  const d = new Directory()
  d.apply({ node: 'a', names: ['x', 'y'] })
  d.apply({ node: 'b', names: ['x'] })
  d.apply({ node: 'a', names: ['y'] })
  assert.ok(d.has('x') && d.has('y'))
  d.apply({ node: 'b', names: [] })
  assert.ok(!d.has('x') && d.has('y'))
  d.forget('y')
  assert.ok(!d.has('y'))
  d.apply({ node: 'a', names: ['y'] })
  assert.ok(d.has('y'), 'a later announcement restores it')
})
