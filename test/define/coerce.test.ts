import assert from 'node:assert/strict'
import { test } from 'node:test'
import { coerceText, propertySchema, typesOf } from '../../src/define/coerce.ts'

test('typesOf reads type, a type list, and anyOf/oneOf branches', () => {
  assert.deepEqual(typesOf({ type: 'integer' }), ['integer'])
  assert.deepEqual(typesOf({ type: ['string', 'null'] }), ['string', 'null'])
  assert.deepEqual(typesOf({ anyOf: [{ type: 'number' }, { type: 'null' }] }), ['number', 'null'])
  assert.deepEqual(typesOf({ oneOf: [{ type: 'boolean' }, { anyOf: [{ type: 'integer' }] }] }), ['boolean', 'integer'])
  assert.deepEqual(typesOf({}), [])
})

test('coerceText reads numbers for number and integer schemas', () => {
  assert.equal(coerceText('5', { type: 'integer' }), 5)
  assert.equal(coerceText('-2.5', { type: 'number' }), -2.5)
  assert.equal(coerceText('.5', { type: 'number' }), 0.5)
  assert.equal(coerceText('1e3', { type: 'number' }), 1000)
  assert.equal(coerceText('1.5', { type: 'integer' }), 1.5, 'the schema, not coercion, rejects a fraction')
  for (const text of ['five', '', ' 5', '0x10', 'Infinity', 'NaN', '1,000', '-'])
    assert.equal(coerceText(text, { type: 'number' }), text, `${JSON.stringify(text)} stays text`)
})

test('coerceText reads booleans: true/false, 1/0, and a bare attribute as true', () => {
  const bool = { type: 'boolean' }
  assert.equal(coerceText('true', bool), true)
  assert.equal(coerceText('1', bool), true)
  assert.equal(coerceText('', bool), true)
  assert.equal(coerceText('false', bool), false)
  assert.equal(coerceText('0', bool), false)
  assert.equal(coerceText('yes', bool), 'yes')
  assert.equal(coerceText('TRUE', bool), 'TRUE')
})

test('coerceText reads null only where the schema allows it, and leaves strings alone', () => {
  assert.equal(coerceText('null', { type: ['integer', 'null'] }), null)
  assert.equal(coerceText('7', { anyOf: [{ type: 'integer' }, { type: 'null' }] }), 7)
  assert.equal(coerceText('null', { type: 'integer' }), 'null')
  assert.equal(coerceText('42', { type: 'string' }), '42')
  assert.equal(coerceText('42', { type: ['string', 'number'] }), '42', 'a string is accepted as it is')
  assert.equal(coerceText('true', {}), 'true', 'an unconstrained schema keeps the text')
})

test('propertySchema finds a declared property and gives {} otherwise', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, limit: { type: 'integer' } } }
  assert.deepEqual(propertySchema(schema, 'city'), { type: 'string' })
  assert.deepEqual(propertySchema(schema, 'limit'), { type: 'integer' })
  assert.deepEqual(propertySchema(schema, 'other'), {})
  assert.deepEqual(propertySchema({ type: 'string' }, 'city'), {})
})

test('propertySchema ignores names inherited from Object.prototype', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } } }
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
    assert.deepEqual(propertySchema(schema, name), {}, name)
  assert.equal(coerceText('5', propertySchema(schema, 'constructor')), '5')
})
