/**
 * The endpoint kinds of the gateway fuzz, each an arbitrary of requests aimed at one of the two
 * servers (`news`: examples/news; `fixture`: the fuzz's own app): API POST bodies, API GET
 * query strings, pages, and file and `/_nano/*` paths (the headers kind is in header-requests.ts).
 */
import fc from 'fast-check'
import {
  anyInput,
  contentType,
  encoded,
  type FuzzRequest,
  fromSchema,
  hugeString,
  invalidJsonBytes,
  type Schema,
  type Target,
  text,
  toJsonBytes,
} from './arbitraries.ts'

/**
 * A request and the server it goes to.
 *
 * @example
 * const aimed: Aimed = { base: 'news', request: { method: 'GET', path: '/story/x', headers: {} } }
 */
export interface Aimed {
  readonly base: 'news' | 'fixture'
  readonly request: FuzzRequest
}

/** The news demo's `fail`/`slow` inputs and query flags fail or wait on purpose: never sent. */
const DEMO_FLAG = /^(fail|slow)/

/**
 * A schema without the news demo's `fail`/`slow` inputs.
 *
 * @example
 * withoutDemoFlags({ properties: { id: {}, fail: {} } }) // { properties: { id: {} } }
 */
export function withoutDemoFlags(schema: Schema): Schema {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !DEMO_FLAG.test(k)))
  return { ...schema, properties }
}

/**
 * `POST /api/<name>`: inputs from the schema, mutated, nested, huge; invalid JSON bytes; JSON,
 * other and garbage content types; the odd wrong method; unknown and internal names.
 *
 * @example
 * fc.sample(apiPost(targets), 1)[0].request.path // e.g. '/api/fuzz/profile'
 */
export function apiPost(targets: readonly Target[]): fc.Arbitrary<Aimed> {
  const body = (t: Target): fc.Arbitrary<Buffer> =>
    fc.oneof(
      { weight: 8, arbitrary: anyInput(t.schema).map(toJsonBytes) },
      { weight: 2, arbitrary: invalidJsonBytes() },
      { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
      { weight: 1, arbitrary: hugeString().map((s) => Buffer.from(JSON.stringify({ blob: s }))) },
    )
  return fc
    .tuple(
      fc.oneof(...targets.map((t) => fc.tuple(fc.constant(t), body(t)))),
      contentType(),
      serviceName(targets),
      fc.constantFrom(...BODY_METHODS),
      fc.constantFrom<Record<string, string>>({}, {}, {}, {}, {}, {}, CHUNKED, { 'content-encoding': 'gzip' }),
    )
    .map(
      ([[target, bytes], type, name, method, framing]): Aimed => ({
        base: target.base,
        request: {
          method,
          path: `/api/${name ?? target.name}`,
          headers: type === undefined ? framing : { 'content-type': type, ...framing },
          body: bytes,
        },
      }),
    )
}

const BODY_METHODS = ['POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']
/** A body sent in chunks (node:http sends it so when the request has no content-length). */
const CHUNKED = { 'transfer-encoding': 'chunked' }

/** Mostly undefined (the target's own name); else a name that is unknown, odd or encoded. */
function serviceName(targets: readonly Target[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        encoded(text(30)),
        fc.constantFrom(...targets.map((t) => `${t.name}/`), 'fuzz%2Fprofile', '..%2Ffuzz', 'fuzz/../fuzz/empty', ''),
      ),
    },
  )
}

/**
 * `GET /api/<name>?…`: query strings with repeated keys, brackets, broken and unicode escapes.
 *
 * @example
 * fc.sample(apiGet(targets), 1)[0].request.path // e.g. '/api/fuzz/lookup?q=%zz&q[]='
 */
export function apiGet(targets: readonly Target[]): fc.Arbitrary<Aimed> {
  return fc
    .tuple(
      fc.oneof(...targets.map((t) => fc.tuple(fc.constant(t), queryString(t.schema)))),
      fc.constantFrom('GET', 'GET', 'GET', 'GET', 'GET', 'HEAD'),
      serviceName(targets),
    )
    .map(([[target, query], method, name]) => ({
      base: target.base,
      request: { method, path: `/api/${name ?? target.name}${query}`, headers: {} },
    }))
}

/**
 * A query string (with its `?`, or '') for an object schema: its keys and odd ones, values from
 * the schema rendered as text, encoded well or badly.
 *
 * @example
 * fc.sample(queryString({ properties: { q: { type: 'string' } } }), 1) // e.g. ['?q=a%20b&q']
 */
export function queryString(schema: Schema, keys: readonly string[] = []): fc.Arbitrary<string> {
  const names = [...Object.keys(schema.properties ?? {}), ...keys]
  const known = names.length === 0 ? fc.constant('q') : fc.constantFrom(...names)
  const key = fc.oneof(
    { weight: 6, arbitrary: known },
    {
      weight: 1,
      arbitrary: fc.tuple(known, fc.constantFrom('[]', '[0]', '[a][b]', '%5B%5D')).map(([k, brackets]) => k + brackets),
    },
    { weight: 2, arbitrary: encoded(text(12)) },
    { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'hasOwnProperty', '%zz', '=', '&') },
  )
  const value = fc.oneof(
    { weight: 4, arbitrary: encoded(scalarText(schema)) },
    { weight: 3, arbitrary: encoded(text(30)) },
    { weight: 1, arbitrary: fc.constantFrom('', '%zz', '%', '%E0%A4%A', '+', '%2B', '[1,2]', '{"a":1}', '1e999') },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 12_000 }).map((n) => 'x'.repeat(n)) },
  )
  const pair = fc.tuple(key, fc.option(value, { freq: 8 })).map(([k, v]) => (v === null ? k : `${k}=${v}`))
  return fc
    .tuple(fc.array(pair, { maxLength: 8 }), fc.constantFrom('&', '&', '&', ';', '&&'), fc.boolean())
    .map(([pairs, sep, mark]) => (pairs.length === 0 && !mark ? '' : `?${pairs.join(sep)}`))
}

/** Text of a value the schema's properties accept, as a query parameter would carry it. */
function scalarText(schema: Schema): fc.Arbitrary<string> {
  const properties = Object.values(schema.properties ?? {})
  if (properties.length === 0) return text(10)
  return fc
    .oneof(...properties.map((p) => fromSchema(p.type === 'array' ? (p.items ?? {}) : p)))
    .map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')))
}

const SEGMENTS = ['..', '.', '%2e%2e', '', 'a%2Fb', '%00', 'index', 'live', 'r7', '%zz', '%C3', 'index.html']

/** A path segment: generated text encoded (well or badly), traversal pieces, or a long run. */
const segment = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: encoded(text(20)) },
    { weight: 2, arbitrary: fc.constantFrom(...SEGMENTS) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 6000 }).map((n) => 'p'.repeat(n)) },
  )

const PAGE_PREFIXES = {
  fixture: ['/', '/item/', '/notes/', '/item', '/notes', '/nothing/', '/item/x/'],
  news: ['/', '/story/', '/sport', '/sport/', '/search', '/story', '/sport/x/'],
} as const
const PAGE_QUERY_KEYS = { fixture: ['count', 'tone', 'note'], news: ['q', 'city', 'id'] } as const

/**
 * Pages: generated paths under each app's routes, with params and query strings.
 *
 * @example
 * fc.sample(pages(), 1)[0].request.path // e.g. '/item/%2e%2e?count=x'
 */
export function pages(): fc.Arbitrary<Aimed> {
  return fc.oneof({ weight: 2, arbitrary: pagesOf('fixture') }, { weight: 1, arbitrary: pagesOf('news') })
}

function pagesOf(base: Aimed['base']): fc.Arbitrary<Aimed> {
  return fc
    .tuple(
      fc.constantFrom(...PAGE_PREFIXES[base]),
      fc.array(segment(), { maxLength: 3 }),
      queryString({ properties: {} }, PAGE_QUERY_KEYS[base]),
      fc.constantFrom('GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'),
    )
    .map(([prefix, segments, query, method]) => ({
      base,
      request: { method, path: `${prefix}${segments.join('/')}${withoutFlags(query)}`, headers: {} },
    }))
}

/** The query string with any parameter whose decoded name is a news demo flag renamed. */
function withoutFlags(query: string): string {
  if (query === '') return query
  const pairs = query.slice(1).split(/([&;])/)
  return `?${pairs
    .map((pair) => {
      const name = [...new URLSearchParams(pair.split('=')[0] ?? '').keys()][0] ?? ''
      return DEMO_FLAG.test(name) ? `x${pair}` : pair
    })
    .join('')}`
}

const FILE_PREFIXES = [
  '/_assets/',
  '/_nano/assets/',
  '/_nano/assets/fuzz/',
  '/_nano/',
  '/',
  '/data/',
  '/.well-known/',
  '/_nano/live',
  '/_nano/live.js',
  '/_nano/health',
  '/_nano/catalog',
  '/_nano/openapi.json',
]
const FILE_SEGMENTS = [
  'app.css',
  'site.css',
  'card.css',
  'robots.txt',
  'big.txt',
  'secret.txt',
  '.env',
  'package.json',
  '..',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '%00',
  'app.css%00',
  '%5c',
  '%5C..%5C',
  '\\..\\',
  '..\\..\\secret.txt',
  '%2f',
  '%252e%252e',
  '....//',
  '..;',
  'data',
  '.well-known',
  'services',
  'fuzz',
  'pages',
  '%zz',
]

/**
 * `/_assets/`, `/_nano/*` and `public/` paths: traversal attempts, NULs, backslashes, long.
 *
 * @example
 * fc.sample(files(), 1)[0].request.path // e.g. '/_assets/..%5C..%5Csecret.txt'
 */
export function files(): fc.Arbitrary<Aimed> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...FILE_SEGMENTS) },
    { weight: 2, arbitrary: encoded(text(10)) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 9000 }).map((n) => 'a'.repeat(n)) },
  )
  return fc
    .tuple(
      fc.constantFrom<'fixture' | 'news'>('fixture', 'fixture', 'news'),
      fc.constantFrom(...FILE_PREFIXES),
      fc.array(piece, { maxLength: 6 }),
      fc.constantFrom('/', '/', '/', '//', '\\', '%2F'),
      fc.option(queryString({ properties: { f: { type: 'string' }, since: { type: 'string' } } }), { freq: 4 }),
      fc.constantFrom(
        'GET',
        'GET',
        'GET',
        'GET',
        'HEAD',
        'POST',
        'PUT',
        'DELETE',
        'OPTIONS',
        'PATCH',
        'TRACE',
        'SEARCH',
      ),
    )
    .map(([base, prefix, pieces, sep, query, method]) => ({
      base,
      request: { method, path: `${prefix}${pieces.join(sep)}${query ?? ''}`, headers: {} },
    }))
}
