import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { contractFindings } from '../../src/cli/check/contract.ts'
import { diffSchemas } from '../../src/cli/check/schema-diff.ts'
import { toJsonSchema } from '../../src/define/schema.ts'

/** The changes between two zod schemas, as their JSON Schemas (input side), one line each. */
function changes(before: z.ZodType, after: z.ZodType): string[] {
  return diffSchemas(toJsonSchema(before, 'input'), toJsonSchema(after, 'input')).map(
    (c) => `${c.kind} ${c.path === '' ? '(root)' : c.path}: ${c.detail}`,
  )
}

test('the same schema, or one differing only in descriptions, has no changes', () => {
  const s = z.object({ a: z.string().min(1), b: z.array(z.number()).optional() })
  assert.deepEqual(changes(s, s), [])
  assert.deepEqual(
    changes(s, z.object({ a: z.string().min(1).describe('the a'), b: z.array(z.number()).optional() })),
    [],
  )
})

test('types: a union member lost or gained, integer against number, a type replaced', () => {
  assert.deepEqual(changes(z.string().nullable(), z.string()), ['narrowed (root): no longer accepts a null'])
  assert.deepEqual(changes(z.string(), z.string().nullable()), ['widened (root): now accepts a null'])
  assert.deepEqual(changes(z.number(), z.number().int()), ['narrowed (root): now accepts only whole numbers'])
  assert.deepEqual(changes(z.number().int(), z.number()), ['widened (root): now accepts any number, not only integers'])
  assert.deepEqual(changes(z.number(), z.string()), ['changed (root): type number → string'])
  assert.deepEqual(changes(z.unknown(), z.string()), ['narrowed (root): was any value, now string'])
  assert.deepEqual(changes(z.string(), z.unknown()), ['widened (root): now accepts any value'])
})

test('enum and literal values: lost values narrow, new values widen, string ↔ enum', () => {
  assert.deepEqual(changes(z.enum(['a', 'b']), z.enum(['a'])), ['narrowed (root): no longer accepts "b"'])
  assert.deepEqual(changes(z.enum(['a']), z.enum(['a', 'c'])), ['widened (root): now also accepts "c"'])
  assert.deepEqual(changes(z.literal('x'), z.literal('y')), [
    'narrowed (root): no longer accepts "x"',
    'widened (root): now also accepts "y"',
  ])
  assert.deepEqual(changes(z.string(), z.enum(['a'])), ['narrowed (root): no longer accepts any string, only "a"'])
  assert.deepEqual(changes(z.enum(['a']), z.string()), ['widened (root): now accepts a string (was one of "a")'])
})

test('bounds, pattern and multipleOf: added or tightened narrows, removed or loosened widens', () => {
  assert.deepEqual(changes(z.string(), z.string().min(2).max(5)), [
    'narrowed (root): minLength 2 added',
    'narrowed (root): maxLength 5 added',
  ])
  assert.deepEqual(changes(z.string().max(5), z.string().max(9)), ['widened (root): maxLength raised from 5 to 9'])
  assert.deepEqual(changes(z.number().min(1), z.number().min(3)), ['narrowed (root): minimum raised from 1 to 3'])
  assert.deepEqual(changes(z.number(), z.number().positive()), ['narrowed (root): exclusiveMinimum 0 added'])
  assert.deepEqual(changes(z.array(z.string()), z.array(z.string()).min(1)), ['narrowed (root): minItems 1 added'])
  assert.deepEqual(changes(z.string(), z.string().regex(/^a/)), ['narrowed (root): pattern "^a" added'])
  assert.deepEqual(changes(z.string().regex(/^a/), z.string().regex(/^b/)), ['changed (root): pattern "^a" → "^b"'])
  assert.deepEqual(changes(z.number().multipleOf(2), z.number().multipleOf(4)), ['narrowed (root): multipleOf 2 → 4'])
})

test('objects: fields added, removed, made required or optional, nested paths, closed objects', () => {
  assert.deepEqual(
    changes(z.object({ a: z.string() }), z.object({ a: z.string(), b: z.string(), c: z.string().optional() })),
    ['field-added-required b: added as required', 'field-added-optional c: added as optional'],
  )
  assert.deepEqual(changes(z.object({ a: z.string(), b: z.string() }), z.object({ a: z.string() })), [
    'field-removed b: removed',
  ])
  assert.deepEqual(changes(z.object({ a: z.string(), b: z.string() }), z.strictObject({ a: z.string() })), [
    'field-refused b: removed',
    'narrowed (root): fields not listed are now refused',
  ])
  assert.deepEqual(changes(z.object({ a: z.string().optional() }), z.object({ a: z.string() })), [
    'became-required a: is now required',
  ])
  assert.deepEqual(changes(z.object({ a: z.string() }), z.object({ a: z.string().optional() })), [
    'became-optional a: is now optional',
  ])
  assert.deepEqual(
    changes(
      z.object({ a: z.object({ b: z.object({ c: z.string() }) }) }),
      z.object({ a: z.object({ b: z.object({ c: z.string().max(3) }) }) }),
    ),
    ['narrowed a.b.c: maxLength 3 added'],
  )
})

test('arrays, tuples and records: items, positions and values are compared in place', () => {
  assert.deepEqual(
    changes(
      z.object({ list: z.array(z.object({ id: z.string() })) }),
      z.object({ list: z.array(z.object({ id: z.number() })) }),
    ),
    ['changed list[].id: type string → number'],
  )
  assert.deepEqual(changes(z.tuple([z.string(), z.number()]), z.tuple([z.string(), z.string()])), [
    'changed [1]: type number → string',
  ])
  assert.deepEqual(changes(z.record(z.string(), z.number()), z.record(z.string(), z.number().int())), [
    'narrowed *: now accepts only whole numbers',
  ])
})

test('recursive schemas ($ref) are compared once, without looping', () => {
  const before = z.object({
    name: z.string(),
    get children() {
      return z.array(before)
    },
  })
  const after = z.object({
    name: z.string().min(1),
    get children() {
      return z.array(after)
    },
  })
  assert.deepEqual(changes(before, after), [
    'narrowed name: minLength 1 added',
    'narrowed children[].name: minLength 1 added',
  ])
  const defs = (min: number) => ({
    type: 'object',
    properties: { home: { $ref: '#/$defs/City' }, visits: { type: 'array', items: { $ref: '#/$defs/City' } } },
    $defs: { City: { type: 'string', minLength: min } },
  })
  assert.deepEqual(
    diffSchemas(defs(1), defs(2)).map((c) => `${c.path}: ${c.detail}`),
    ['home: minLength raised from 1 to 2', 'visits[]: minLength raised from 1 to 2'],
    'a shared definition that changed is followed from every place that refers to it',
  )
})

test('what the comparer cannot take apart is reported as unknown, never passed', () => {
  const union = (n: z.ZodType) =>
    z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b'), n })])
  assert.deepEqual(changes(union(z.number()), union(z.string())), [
    'unknown (root): a union of several object schemas changed',
  ])
  assert.deepEqual(
    diffSchemas(
      { type: 'object', propertyNames: { maxLength: 3 } },
      { type: 'object', propertyNames: { maxLength: 2 } },
    ).map((c) => c.kind),
    ['unknown'],
  )
  assert.deepEqual(
    diffSchemas({ type: 'string', allOf: [{ minLength: 1 }] }, { type: 'string', allOf: [{ minLength: 2 }] }).map(
      (c) => c.detail,
    ),
    ['keyword \'allOf\' changed: [{"minLength":1}] → [{"minLength":2}]'],
  )
})

test('contract findings: a public service made internal or no longer idempotent loses its endpoint; a stricter access rule is breaking; a broken one is not "removed"', () => {
  const entry = (name: string, visibility: 'public' | 'internal', idempotent: boolean) => ({
    name,
    visibility,
    idempotent,
    input: { type: 'object' },
    output: { type: 'number' },
  })
  const findings = contractFindings(
    [
      entry('a', 'public', false),
      entry('b', 'public', true),
      entry('c', 'public', false),
      { ...entry('d', 'public', false), access: 'user' as const },
      { ...entry('e', 'public', false), access: 'user' as const },
    ],
    [
      entry('a', 'internal', false),
      entry('b', 'public', false),
      { ...entry('d', 'public', false), access: { roles: ['admin'] } },
      entry('e', 'public', false),
    ],
    ['a', 'b', 'c', 'd', 'e'],
  )
  assert.deepEqual(
    findings.map((f) => [f.rule, f.severity, f.message]),
    [
      ['endpoint-removed', 'error', 'a became internal: /api/a is gone'],
      ['endpoint-removed', 'error', 'b is no longer idempotent: GET /api/b is refused (405)'],
      ['access-changed', 'error', 'd access changed from user to roles admin: callers allowed before may be refused'],
    ],
    'opening a service to anyone (e) breaks no one',
  )
})
