import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ERROR_STATUS, NanoError, type NanoErrorCode, type SchemaIssue } from '../../src/define/errors.ts'

const CODES = Object.keys(ERROR_STATUS) as NanoErrorCode[]
const ISSUES: SchemaIssue[] = [
  { path: ['city'], message: 'Too small: expected string to have >=1 characters' },
  { path: ['days', 0], message: 'Expected number, received string' },
  { path: [], message: 'Unrecognized key: "x"' },
]

function assertSame(rebuilt: NanoError, original: NanoError): void {
  assert.ok(rebuilt instanceof NanoError)
  assert.equal(rebuilt.code, original.code)
  assert.equal(rebuilt.status, original.status)
  assert.equal(rebuilt.message, original.message)
  assert.deepEqual(rebuilt.issues, original.issues)
  assert.deepEqual(rebuilt.toJSON(), original.toJSON())
}

test('every code of ERROR_STATUS survives toJSON → JSON text → fromJSON, with its status', () => {
  for (const code of CODES) {
    const original = new NanoError(code, `something ${code} happened`)
    const rebuilt = NanoError.fromJSON(JSON.parse(JSON.stringify(original)))
    assertSame(rebuilt, original)
    assert.equal(rebuilt.status, ERROR_STATUS[code])
    assert.equal(rebuilt.issues, undefined)
  }
})

test('the HTTP gateway body { error: { … } } is accepted as well', () => {
  for (const code of CODES) {
    const original = new NanoError(code, `gateway said ${code}`)
    const body = JSON.parse(JSON.stringify({ error: original.toJSON() }))
    assertSame(NanoError.fromJSON(body), original)
  }
})

test('schema issues are kept, path and message, in both shapes', () => {
  const original = new NanoError('NANO_E_INVALID_INPUT', "Invalid input for 'geo/echo'", { issues: ISSUES })
  const flat = NanoError.fromJSON(JSON.parse(JSON.stringify(original)))
  const wrapped = NanoError.fromJSON(JSON.parse(JSON.stringify({ error: original })))
  for (const rebuilt of [flat, wrapped]) {
    assertSame(rebuilt, original)
    assert.deepEqual(rebuilt.issues, ISSUES)
  }
  const empty = NanoError.fromJSON({ code: 'NANO_E_INVALID_OUTPUT', message: 'x', issues: [] })
  assert.deepEqual(empty.issues, [])
})

test('the rebuilt issues are a copy: changing the received value later does not change the error', () => {
  const received = { code: 'NANO_E_INVALID_INPUT', message: 'bad', issues: [{ path: ['a'], message: 'm' }] }
  const rebuilt = NanoError.fromJSON(received)
  received.issues[0]?.path.push('b')
  assert.deepEqual(rebuilt.issues, [{ path: ['a'], message: 'm' }])
})

test('an unknown code becomes NANO_E_INTERNAL naming the code and keeping the message', () => {
  const rebuilt = NanoError.fromJSON({ code: 'NANO_E_FROM_THE_FUTURE', message: 'a newer server said so' })
  assert.equal(rebuilt.code, 'NANO_E_INTERNAL')
  assert.equal(rebuilt.status, 500)
  assert.match(rebuilt.message, /NANO_E_FROM_THE_FUTURE/)
  assert.match(rebuilt.message, /a newer server said so/)
  const inherited = NanoError.fromJSON({ error: { code: 'toString', message: 'prototype key' } })
  assert.equal(inherited.code, 'NANO_E_INTERNAL', 'keys of Object.prototype are not codes')
})

test('garbage in → NANO_E_INTERNAL saying what was received; fromJSON never throws', () => {
  const circular: Record<string, unknown> = { code: 42 }
  circular.self = circular
  const hostile = new Proxy(
    {},
    {
      has() {
        throw new Error('trap')
      },
      get() {
        throw new Error('trap')
      },
    },
  )
  const garbage: [unknown, RegExp | undefined][] = [
    [undefined, /undefined/],
    [null, /null/],
    [42, /42/],
    ['<html>502 Bad Gateway</html>', /502 Bad Gateway/],
    [[], /\[\]/],
    [{}, /\{\}/],
    [{ error: 'boom' }, /boom/],
    [{ error: null }, /null/],
    [{ code: 'NANO_E_NOT_FOUND' }, /NANO_E_NOT_FOUND/],
    [{ code: 'NANO_E_NOT_FOUND', message: 404 }, /404/],
    [{ code: 404, message: 'not found' }, /not found/],
    [{ code: 'NANO_E_INVALID_INPUT', message: 'bad', issues: 'city' }, /"city"/],
    [{ code: 'NANO_E_INVALID_INPUT', message: 'bad', issues: [{ path: 'city', message: 'm' }] }, /issues/],
    [{ code: 'NANO_E_INVALID_INPUT', message: 'bad', issues: [{ path: [{ key: 'a' }], message: 'm' }] }, /issues/],
    [{ code: 'NANO_E_INVALID_INPUT', message: 'bad', issues: [{ path: ['a'] }] }, /issues/],
    [{ error: { error: { code: 'NANO_E_NOT_FOUND', message: 'too deep' } } }, /too deep/],
    [{ code: 'x'.repeat(10_000), message: 'long' }, /chars/],
    [10n, undefined],
    [circular, undefined],
    [hostile, undefined],
    [Symbol('s'), /Symbol\(s\)/],
    [() => 'fn', undefined],
  ]
  for (const [value, says] of garbage) {
    let rebuilt: NanoError | undefined
    assert.doesNotThrow(
      () => {
        rebuilt = NanoError.fromJSON(value)
      },
      `fromJSON threw for ${String(typeof value)}`,
    )
    assert.ok(rebuilt instanceof NanoError)
    assert.equal(rebuilt.code, 'NANO_E_INTERNAL', `for ${typeof value}: ${rebuilt.message}`)
    assert.equal(rebuilt.status, 500)
    assert.match(rebuilt.message, /^Received /)
    assert.ok(rebuilt.message.length < 400, `the message stays short: ${rebuilt.message.length} chars`)
    if (says !== undefined) assert.match(rebuilt.message, says)
    assert.equal(rebuilt.issues, undefined)
  }
})

test('toJSON never carries a cause or a stack, whatever the error holds', () => {
  const secret = new Error('db password is hunter2')
  for (const code of CODES) {
    for (const options of [{}, { cause: secret }, { cause: secret, issues: ISSUES, service: 'geo/echo' }]) {
      const error = new NanoError(code, 'visible', options)
      const json = error.toJSON()
      assert.deepEqual(
        Object.keys(json).sort(),
        'issues' in options ? ['code', 'issues', 'message'] : ['code', 'message'],
      )
      const text = JSON.stringify(error)
      assert.doesNotMatch(text, /hunter2|cause|stack|geo\/echo/)
      assert.doesNotMatch(JSON.stringify({ error }), /hunter2|cause|stack/)
      const rebuilt = NanoError.fromJSON(JSON.parse(text))
      assert.equal(rebuilt.cause, undefined, 'a cause never crosses the wire')
      assert.equal(rebuilt.service, undefined)
    }
  }
})
