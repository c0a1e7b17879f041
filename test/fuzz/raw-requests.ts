/**
 * Malformed HTTP/1.1 requests for the gateway fuzz, written byte for byte to a raw socket: odd
 * request lines and versions, missing or repeated Host, Content-Length that disagrees with the
 * body, chunked bodies with bad chunks, both framings at once, headers without a colon, folded,
 * with NULs or non-ASCII bytes, very long or very many, bare LF line ends, pipelined requests.
 */
import { connect } from 'node:net'
import fc from 'fast-check'
import { parseResponses, type RawResponse } from './wire.ts'

/**
 * One raw exchange: the bytes, the server, and how many requests they hold.
 *
 * @example
 * const sample: RawSample = { base: 'fixture', bytes: 'GET * HTTP/1.1\r\n\r\n', requests: 1, head: false }
 */
export interface RawSample {
  readonly base: 'news' | 'fixture'
  /** The request bytes as latin1 text (one char per byte). */
  readonly bytes: string
  readonly requests: number
  readonly head: boolean
}

/**
 * What came back on the socket, and how it ended.
 *
 * @example
 * const outcome: RawOutcome = { responses: [], end: 'closed' }
 */
export interface RawOutcome {
  readonly responses: RawResponse[]
  /** 'closed' by the server, 'ended' after our half-close, 'hung' (still open at the deadline). */
  readonly end: 'closed' | 'ended' | 'hung'
}

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PRI', 'get', 'G ET', 'XYZ', '']
const TARGETS = [
  '/',
  '/api/fuzz/profile',
  '/api/fuzz/lookup?q=a&q=b',
  '/api/fuzz/empty',
  '/item/x',
  '/_assets/app.css',
  '*',
  'http://127.0.0.1/api/fuzz/empty',
  '/%zz',
  '//',
  '/_assets/../secret.txt',
  '/_assets/..\\..\\secret.txt',
  '/\u0000',
  '/caf\u00e9',
  '/\u00ff\u00fe',
  '',
  '/a b',
]
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/9.9', 'http/1.1', '']
const BODIES = ['', '{}', '{"name":"Ada","age":3,"role":"user"}', '{"q":', 'x'.repeat(100)]

/** A bodyless or bodied request as framed (or misframed) on the wire. */
const framing = fc.constantFrom(
  'length',
  'length',
  'length-more',
  'length-less',
  'length-nan',
  'length-negative',
  'length-twice',
  'chunked',
  'chunked-bad',
  'chunked-and-length',
  'chunked-unterminated',
  'none',
)

/**
 * Malformed (and some well-formed) raw requests.
 *
 * @example
 * fc.sample(rawRequests(), 1)[0].bytes // 'GET * HTTP/1.1\r\nhost: x\r\n\r\n'
 */
export function rawRequests(): fc.Arbitrary<RawSample> {
  const extraHeader = fc.oneof(
    fc.constantFrom(
      'no-colon-here',
      'x-space : 1',
      ' folded: continuation',
      'x-nul: a\u0000b',
      'x-latin: caf\u00e9',
      'x-ctl: a\u0001b',
      'content-type: application/json',
      'content-type: text/plain',
      'expect: 100-continue',
      'host: second.example',
      'connection: close',
      'accept-encoding: br;q=abc, gzip',
      'range: bytes=5-1',
      ': empty-name',
    ),
    fc.integer({ min: 1000, max: 20_000 }).map((n) => `x-long: ${'v'.repeat(n)}`),
    fc.integer({ min: 50, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `x-h${i}: ${i}`).join('\r\n')),
  )
  const one = fc
    .record({
      method: fc.constantFrom(...METHODS),
      target: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...TARGETS) },
        { weight: 1, arbitrary: fc.integer({ min: 2000, max: 20_000 }).map((n) => `/${'t'.repeat(n)}`) },
      ),
      version: fc.constantFrom(...VERSIONS),
      host: fc.constantFrom('host: fuzz', 'host: fuzz', ''),
      extra: fc.array(extraHeader, { maxLength: 3 }),
      body: fc.constantFrom(...BODIES),
      framing,
    })
    .map((r) => ({ text: frame(r), head: r.method === 'HEAD' }))
  return fc
    .tuple(
      fc.constantFrom<'news' | 'fixture'>('fixture', 'fixture', 'fixture', 'news'),
      fc.array(one, { minLength: 1, maxLength: 2 }),
      fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    )
    .map(([base, requests, eol]) => ({
      base,
      bytes: requests.map((r) => (eol === '\r\n' ? r.text : r.text.replaceAll('\r\n', eol))).join(''),
      requests: requests.length,
      head: requests.some((r) => r.head),
    }))
}

function frame(r: {
  method: string
  target: string
  version: string
  host: string
  extra: string[]
  body: string
  framing: string
}): string {
  const line = [r.method, r.target, r.version].filter((p) => p !== '').join(' ')
  const headers = [r.host, ...r.extra].filter((h) => h !== '')
  const n = Buffer.byteLength(r.body, 'latin1')
  let body = r.body
  switch (r.framing) {
    case 'length':
      headers.push(`content-length: ${n}`)
      break
    case 'length-more':
      headers.push(`content-length: ${n + 7}`)
      break
    case 'length-less':
      headers.push(`content-length: ${Math.max(0, n - 3)}`)
      break
    case 'length-nan':
      headers.push('content-length: abc')
      break
    case 'length-negative':
      headers.push('content-length: -1')
      break
    case 'length-twice':
      headers.push(`content-length: ${n}`, `content-length: ${n + 1}`)
      break
    case 'chunked':
      headers.push('transfer-encoding: chunked')
      body = `${n.toString(16)}\r\n${r.body}\r\n0\r\n\r\n`
      break
    case 'chunked-bad':
      headers.push('transfer-encoding: chunked')
      body = `zz\r\n${r.body}\r\n0\r\n\r\n`
      break
    case 'chunked-and-length':
      headers.push('transfer-encoding: chunked', `content-length: ${n}`)
      body = `${n.toString(16)}\r\n${r.body}\r\n0\r\n\r\n`
      break
    case 'chunked-unterminated':
      headers.push('transfer-encoding: chunked')
      body = `${(n + 10).toString(16)}\r\n${r.body}`
      break
    default:
      body = ''
  }
  return `${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`
}

/**
 * Writes a sample to a fresh connection to `url` and reads what comes back: after the expected
 * number of responses, or when nothing arrives for `idleMs`, it half-closes (the server then
 * ends the connection); a connection still open `deadlineMs` after that has hung.
 *
 * @example
 * const outcome = await sendRaw(server.url, sample)
 */
export function sendRaw(url: string, sample: RawSample, idleMs = 700, deadlineMs = 10_000): Promise<RawOutcome> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let received = Buffer.alloc(0)
    let idle: NodeJS.Timeout | undefined
    let deadline: NodeJS.Timeout | undefined
    let ended = false
    const finish = (end: RawOutcome['end']): void => {
      clearTimeout(idle)
      clearTimeout(deadline)
      socket.destroy()
      resolve({ responses: parseResponses(received, sample.head, true), end })
    }
    const halfClose = (): void => {
      if (ended) return
      ended = true
      socket.end()
      deadline = setTimeout(() => finish('hung'), deadlineMs)
    }
    const armIdle = (): void => {
      clearTimeout(idle)
      idle = setTimeout(halfClose, idleMs)
    }
    socket.on('connect', () => {
      socket.write(Buffer.from(sample.bytes, 'latin1'))
      armIdle()
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (parseResponses(received, sample.head, false).length >= sample.requests) halfClose()
      else armIdle()
    })
    socket.on('error', () => {})
    socket.on('close', () => finish(ended ? 'ended' : 'closed'))
  })
}
