/**
 * The headers kind of the gateway fuzz: fixed endpoints of both apps (files, a fragment's
 * stylesheet, API GETs and a POST, pages) with generated negotiation, range, validator, trace,
 * user and random headers.
 */
import fc from 'fast-check'
import { asciiHeaderValue } from './arbitraries.ts'
import type { Aimed } from './requests.ts'

/**
 * An endpoint of the headers kind: a path, and a body when it is a POST.
 *
 * @example
 * const endpoint: HeaderEndpoint = { base: 'fixture', method: 'GET', path: '/robots.txt', etag: '"18-1"' }
 */
export interface HeaderEndpoint {
  readonly base: 'news' | 'fixture'
  readonly method: string
  readonly path: string
  readonly body?: string
  /** Its ETag and Last-Modified when it has them, so validators can match. */
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
}

/**
 * Odd and valid negotiation, range, validator, trace and user headers on every endpoint kind.
 *
 * @example
 * fc.sample(headers(endpoints), 1)[0].request.headers // e.g. { range: 'bytes=5-1' }
 */
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
