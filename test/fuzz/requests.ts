/**
 * The endpoint kinds of the gateway fuzz, each an arbitrary of requests aimed at one of the two
 * servers (`news`: examples/news; `fixture`: the fuzz's own app): API POST bodies, API GET
 * query strings, pages, file and `/_nano/*` paths, and odd headers on every kind of endpoint.
 */
import fc from 'fast-check'
import {
  anyInput,
  asciiHeaderValue,
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

/** A request and the server it goes to. */
export interface Aimed {
  readonly base: 'news' | 'fixture'
  readonly request: FuzzRequest
}

/** The news demo's `fail`/`slow` inputs and query flags fail or wait on purpose: never sent. */
const DEMO_FLAG = /^(fail|slow)/

/** A schema without the news demo's `fail`/`slow` inputs. */
export function withoutDemoFlags(schema: Schema): Schema {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !DEMO_FLAG.test(k)))
  return { ...schema, properties }
}

/**
 * `POST /api/<name>`: inputs from the schema, mutated, nested, huge; invalid JSON bytes; JSON,
 * other and garbage content types; the odd wrong method; unknown and internal names.
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

/** `GET /api/<name>?…`: query strings with repeated keys, brackets, broken and unicode escapes. */
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

/** Pages: generated paths under each app's routes, with params and query strings. */
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

/** `/_assets/`, `/_nano/*` and `public/` paths: traversal attempts, NULs, backslashes, long. */
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

/** An endpoint of the headers kind: a path, and a body when it is a POST. */
export interface HeaderEndpoint {
  readonly base: 'news' | 'fixture'
  readonly method: string
  readonly path: string
  readonly body?: string
  /** Its ETag and Last-Modified when it has them, so validators can match. */
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
}

/** Odd and valid negotiation, range, validator, trace and user headers on every endpoint kind. */
export function headers(endpoints: readonly HeaderEndpoint[]): fc.Arbitrary<Aimed> {
  return fc.oneof(
    ...endpoints.map((endpoint) =>
      headerSet(endpoint).map(
        (set): Aimed => ({
          base: endpoint.base,
          request: {
            method: endpoint.method,
            path: endpoint.path,
            headers: endpoint.body === undefined ? set : { 'content-type': 'application/json', ...set },
            body: endpoint.body === undefined ? undefined : Buffer.from(endpoint.body),
          },
        }),
      ),
    ),
  )
}

const CODINGS = ['gzip', 'br', 'deflate', 'identity', '*', 'zstd', 'x-gzip', 'GZIP', 'compress']
const Q_VALUES = ['', ';q=0', ';q=1', ';q=0.5', ';q=1.5', ';q=abc', ';q=', ';q=-1', ';level=1', ';q=0.001']

function headerSet(endpoint: HeaderEndpoint): fc.Arbitrary<Record<string, string>> {
  const etag = endpoint.etag ?? '"1-1"'
  const lastModified = endpoint.lastModified ?? 'Thu, 01 Jan 1970 00:00:00 GMT'
  const ascii = asciiHeaderValue()
  const coding = fc
    .array(fc.tuple(fc.constantFrom(...CODINGS), fc.constantFrom(...Q_VALUES)), { maxLength: 4 })
    .map((list) => list.map(([c, q]) => `${c}${q}`).join(', '))
  const range = fc.oneof(
    fc
      .tuple(fc.option(fc.nat({ max: 200_000 })), fc.option(fc.nat({ max: 200_000 })))
      .map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
    fc.constantFrom(
      'bytes=0-0',
      'bytes=-5',
      'bytes=5-',
      'bytes=1-0',
      'bytes=0-1,2-3',
      'bytes=99999999999999999999-',
      'bytes=-0',
      'items=0-1',
      'bytes=',
      'bytes=a-b',
      'bytes=-99999999999999999999',
    ),
    ascii,
  )
  const validator = fc.oneof(fc.constantFrom(etag, `W/${etag}`, '*', `${etag}, "x"`, '"x"', 'W/', '""', ''), ascii)
  const date = fc.oneof(
    fc.constantFrom(lastModified, 'Thu, 01 Jan 1970 00:00:00 GMT', 'garbage', '', 'Fri, 31 Dec 9999 23:59:59 GMT'),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
    ascii,
  )
  const traceparent = fc.oneof(
    fc.constantFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-0-0-0', 'ff-'.repeat(30), ''),
    ascii,
  )
  const optional = {
    accept: fc.oneof(fc.constantFrom('*/*', 'text/html', 'application/json', 'text/event-stream', '*/*;q=abc'), ascii),
    'accept-encoding': fc.oneof(coding, ascii),
    'accept-language': ascii,
    range,
    'if-range': fc.oneof(validator, date),
    'if-none-match': validator,
    'if-modified-since': date,
    'if-match': validator,
    traceparent,
    'x-request-id': fc.oneof(
      ascii,
      fc.integer({ min: 200, max: 4000 }).map((n) => 'r'.repeat(n)),
    ),
    cookie: ascii,
    authorization: fc.oneof(fc.constantFrom('Bearer ', 'Bearer x.y.z', 'Basic Og=='), ascii),
    origin: fc.oneof(fc.constantFrom('null', 'http://evil.example', 'http://127.0.0.1'), ascii),
    'x-forwarded-for': ascii,
    'last-event-id': ascii,
    'cache-control': fc.constantFrom('no-cache', 'max-age=0', 'no-store', 'only-if-cached', 'max-stale'),
  }
  const extra = fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !RESERVED.has(n)),
    ascii,
    { maxKeys: 3 },
  )
  return fc
    .tuple(fc.record(optional, { requiredKeys: [] }), extra)
    .map(([set, more]) => ({ ...more, ...(set as Record<string, string>) }))
}

const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'te'])
