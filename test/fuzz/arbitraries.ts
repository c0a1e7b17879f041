/**
 * fast-check arbitraries of HTTP requests for the gateway fuzz: JSON bodies derived from a
 * service's input JSON Schema and mutated, query strings, page and file paths, and headers.
 * Every request is a {@link FuzzRequest} that a node:http client can send (header values are
 * printable ASCII; raw socket requests are in raw-requests.ts).
 */
import fc from 'fast-check'

/**
 * A request the fuzz sends over a keep-alive node:http client.
 *
 * @example
 * const request: FuzzRequest = { method: 'GET', path: '/api/fuzz/empty?x=1', headers: {} }
 */
export interface FuzzRequest {
  readonly method: string
  /** Path and query, already encoded as it goes on the request line. */
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: Buffer | undefined
}

/**
 * What a JSON Schema fragment of a service input may say (the subset the gateway emits).
 *
 * @example
 * const schema: Schema = { type: 'object', properties: { q: { type: 'string', maxLength: 100 } }, required: ['q'] }
 */
export interface Schema {
  readonly type?: string | string[]
  readonly properties?: Record<string, Schema>
  readonly required?: string[]
  readonly items?: Schema
  readonly enum?: unknown[]
  readonly minLength?: number
  readonly maxLength?: number
  readonly minimum?: number
  readonly maximum?: number
  readonly minItems?: number
  readonly maxItems?: number
  readonly additionalProperties?: Schema | boolean
  readonly anyOf?: Schema[]
}

/**
 * A service as the fuzz targets it: which server, its name, its input schema, GET or not.
 *
 * @example
 * const target: Target = { base: 'fixture', name: 'fuzz/lookup', schema, idempotent: true }
 */
export interface Target {
  readonly base: 'news' | 'fixture'
  readonly name: string
  readonly schema: Schema
  readonly idempotent: boolean
}

const EDGE_STRINGS = ['', ' ', '0', '-1', 'null', 'true', '__proto__', 'constructor', '<script>', '😀', '\u0000', '%zz']
const EDGE_NUMBERS = [0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 38, 39]

/**
 * Short text, with edge values and unicode (astral planes, controls, lone surrogates).
 *
 * @example
 * fc.sample(text(8), 3) // e.g. ['', '😀a', '%zz']
 */
export const text = (max = 24): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: max }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  )

/**
 * A long string (1,000 to 128,000 characters; one in about 60 over the 1 MiB body limit).
 *
 * @example
 * fc.sample(hugeString(), 1)[0].length // 1,000 to 1,100,000
 */
export const hugeString = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('a', 'é', '😀', '"', '\\', ' '),
      fc.oneof(
        { weight: 50, arbitrary: fc.integer({ min: 1_000, max: 16_000 }) },
        { weight: 6, arbitrary: fc.integer({ min: 16_000, max: 128_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1_050_000, max: 1_100_000 }) },
      ),
    )
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)))

/**
 * A value nested up to 100,000 levels deep in arrays or objects. It stands as a placeholder
 * string (building the value itself would overflow the fuzz's own stack): {@link toJsonBytes}
 * writes it out.
 *
 * @example
 * toJsonBytes({ a: fc.sample(deeplyNested(), 1)[0] }) // {"a":[[[…1…]]]}
 */
export const deeplyNested = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 10, max: 2_000 }) }, fc.integer({ min: 2_000, max: 100_000 })),
      fc.boolean(),
    )
    .map(([depth, arrays]) => `\u0000deep:${arrays ? '[' : '{'}:${depth}\u0000`)

const DEEP = /"\\u0000deep:([[{]):(\d+)\\u0000"/g

/**
 * A JSON value as request body bytes, with every {@link deeplyNested} placeholder written out.
 *
 * @example
 * toJsonBytes({ a: 1 }).toString() // '{"a":1}'
 */
export function toJsonBytes(value: unknown): Buffer {
  const json = JSON.stringify(value) ?? 'null'
  if (!json.includes('\\u0000deep:')) return Buffer.from(json)
  const text = json.replace(DEEP, (_all, open: string, depth: string) => {
    const n = Number(depth)
    return open === '[' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
  })
  return Buffer.from(text)
}

/**
 * Values the schema accepts, mostly (bounds are hit exactly and by one past them), with the
 * required keys present and optional ones sometimes ({@link mutated} drops required ones).
 *
 * @example
 * fc.sample(fromSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } }), 3)
 */
export function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum)
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, depth)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return boundedString(schema)
    case 'integer':
      return boundedNumber(schema, true)
    case 'number':
      return boundedNumber(schema, false)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 6, 25),
      })
    case 'object':
      return objectFromSchema(schema, depth)
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 3 })
  }
}

function boundedString(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? 40
  const sized = (n: number): fc.Arbitrary<string> => fc.string({ minLength: n, maxLength: n })
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, min + 30) }) },
    { weight: 1, arbitrary: sized(max) },
    { weight: 1, arbitrary: sized(max + 1) },
    { weight: 1, arbitrary: sized(Math.max(0, min - 1)) },
  )
}

function boundedNumber(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e6
  const max = schema.maximum ?? 1e6
  const inRange = integer
    ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) })
    : fc.double({ min, max, noNaN: true })
  return fc.oneof(
    { weight: 6, arbitrary: inRange },
    { weight: 2, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, min + 0.5) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  )
}

function objectFromSchema(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const required = new Set(schema.required ?? [])
  const keys = Object.keys(properties)
  const record: Record<string, fc.Arbitrary<unknown>> = {}
  for (const key of keys) record[key] = fromSchema(properties[key] as Schema, depth + 1)
  return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) })
}

/**
 * A mutation of a valid-ish input: a key dropped, a value swapped for one of the wrong type, an
 * unknown key added (prototype names included), a huge or deeply nested value put in.
 *
 * @example
 * fc.sample(mutated(schema), 1) // e.g. [{ q: null }]
 */
export function mutated(schema: Schema): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {})
  const key = keys.length === 0 ? fc.constant('x') : fc.oneof(fc.constantFrom(...keys), text(12))
  const wrong = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom<unknown>(null, true, [], {}, '', 0, -1, 1e308, '1e3', 'NaN'),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => JSON.parse(`{"${k}":{"polluted":1}}`)),
    hugeString(),
    deeplyNested(),
  )
  return fc
    .tuple(fromSchema(schema), key, wrong, fc.constantFrom('replace', 'drop', 'add-proto', 'wrap'))
    .map(([valid, k, value, how]) => {
      if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) return value
      const copy: Record<string, unknown> = { ...(valid as Record<string, unknown>) }
      if (how === 'drop') delete copy[k]
      else if (how === 'add-proto') return JSON.parse(`{"__proto__":${JSON.stringify(copy)},"constructor":{"a":1}}`)
      else if (how === 'wrap') return [copy]
      else copy[k] = value
      return copy
    })
}

/**
 * Any JSON value the gateway might be sent as an input.
 *
 * @example
 * fc.sample(anyInput(schema), 1)
 */
export const anyInput = (schema: Schema): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: fromSchema(schema) },
    { weight: 4, arbitrary: mutated(schema) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: deeplyNested() },
  )

const INVALID_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'undefined',
  'NaN',
  '{"a":1}{"b":2}',
  '\uFEFF{}',
  '{"a":"\\x"}',
  '{"a":"\\ud800"}',
  '{"a":01}',
  '  ',
]

/**
 * Bytes that are not JSON, or JSON with trailing junk, or not UTF-8 at all.
 *
 * @example
 * fc.sample(invalidJsonBytes(), 1)[0].toString() // e.g. '{"a":'
 */
export const invalidJsonBytes = (): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.constantFrom(...INVALID_JSON).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.jsonValue().map((v) => {
      const s = JSON.stringify(v) ?? 'null'
      return Buffer.from(s.slice(0, Math.max(0, s.length - 1)))
    }),
    fc.string({ unit: 'binary', maxLength: 50 }).map((s) => Buffer.from(`{"a":"${s}"}`, 'utf16le')),
  )

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'APPLICATION/JSON',
]
const OTHER_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/json-patch',
  'json',
  '',
  ';',
  'application/json;;;',
  'application/json; charset=latin1',
]

/**
 * A `content-type` header value: usually JSON, sometimes another, sometimes garbage; or none.
 *
 * @example
 * fc.sample(contentType(), 1) // e.g. ['application/json; charset=utf-8']
 */
export const contentType = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...JSON_TYPES) },
    { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
    { weight: 1, arbitrary: asciiHeaderValue(40) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )

/**
 * A header value node:http sends as is: printable ASCII and tabs, no leading or trailing space.
 *
 * @example
 * fc.sample(asciiHeaderValue(10), 1) // e.g. ['a;q="x']
 */
export function asciiHeaderValue(max = 60): fc.Arbitrary<string> {
  return fc
    .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max })
    .map((s) => s.trim())
}

/**
 * Percent-encodes text, sometimes leaving ASCII punctuation raw, sometimes breaking the encoding.
 *
 * @example
 * fc.sample(encoded(fc.constant('é')), 1) // e.g. ['%C3%A9'] or ['%C3%A9%zz']
 */
export function encoded(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.constantFrom('component', 'uri', 'plus', 'broken', 'double')).map(([s, how]) => {
    const safe = toWellFormed(s)
    if (how === 'uri') return encodeURI(safe).replace(/[#?]/g, (c) => encodeURIComponent(c))
    if (how === 'plus') return encodeURIComponent(safe).replace(/%20/g, '+')
    if (how === 'broken') return `${encodeURIComponent(safe)}${BROKEN_ESCAPES[s.length % BROKEN_ESCAPES.length]}`
    if (how === 'double') return encodeURIComponent(encodeURIComponent(safe))
    return encodeURIComponent(safe)
  })
}

const BROKEN_ESCAPES = ['%zz', '%', '%E0%A4', '%C3', '%ED%A0%80', '%u00e9', '%%', '%2', '%00', '%FF']

function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDFFF]/g, (c, i: number) => {
    const code = c.charCodeAt(0)
    const next = s.charCodeAt(i + 1)
    const prev = s.charCodeAt(i - 1)
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return c
    if (code >= 0xdc00 && prev >= 0xd800 && prev <= 0xdbff) return c
    return '\uFFFD'
  })
}
