import type { Server, ServerOptions } from 'node:http'
import type { Socket } from 'node:net'
import { type Duration, toMs } from '../../define/duration.ts'
import { NanoError } from '../../define/errors.ts'

/**
 * Limits on the connections of slow or greedy clients, enforced by the node:http server:
 * - `headersTimeout`: time for a request's whole header section to arrive (default `'10s'`);
 * - `requestTimeout`: time for the whole request, body included, to arrive (default `'30s'`;
 *   `0` turns it off); over either, 408 `NANO_E_REQUEST_TIMEOUT` and the connection is closed;
 * - `keepAliveTimeout`: how long an idle keep-alive connection stays open (default `'5s'`);
 * - `maxHeaderSize`: largest header section in bytes (default 16384), and `maxHeadersCount`:
 *   most header lines (default 100); over either, 431 `NANO_E_HEADERS_TOO_LARGE`;
 * - `maxPerAddress`: most connections open at once from one peer address (default 256; `0`: no
 *   cap); a connection over it is destroyed as it arrives.
 *
 * @example
 * const limits: ConnectionLimits = { headersTimeout: '5s', requestTimeout: '20s', maxPerAddress: 64 }
 */
export interface ConnectionLimits {
  readonly headersTimeout?: Duration
  readonly requestTimeout?: Duration
  readonly keepAliveTimeout?: Duration
  readonly maxHeaderSize?: number
  readonly maxHeadersCount?: number
  readonly maxPerAddress?: number
}

/**
 * The node:http server options that enforce {@link ConnectionLimits}: timeouts (checked every
 * fifth of the shorter one, at most every 2 s) and the header size.
 *
 * @example
 * http.createServer(nodeServerOptions({ headersTimeout: '5s' }), handler)
 */
export function nodeServerOptions(limits: ConnectionLimits | undefined): ServerOptions {
  const requestTimeout = toMs(limits?.requestTimeout ?? '30s', 'connections.requestTimeout')
  const asked = toMs(limits?.headersTimeout ?? '10s', 'connections.headersTimeout')
  const headersTimeout = requestTimeout > 0 ? Math.min(asked, requestTimeout) : asked
  const shortest = requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: toMs(limits?.keepAliveTimeout ?? '5s', 'connections.keepAliveTimeout'),
    maxHeaderSize: limits?.maxHeaderSize ?? 16_384,
    requireHostHeader: false,
    connectionsCheckingInterval: Math.max(20, Math.min(2000, Math.floor(shortest / 5))),
  }
}

/**
 * Most header lines a request may carry under `limits` (default 100).
 *
 * @example
 * maxHeadersCount({}) // 100
 */
export function maxHeadersCount(limits: ConnectionLimits | undefined): number {
  return limits?.maxHeadersCount ?? 100
}

/**
 * Guards a node:http server: caps the connections open from one address, and answers the
 * requests the server refuses before any handler runs (a header section too large, a request
 * too slow to arrive, bytes that are not HTTP) with a JSON `NANO_E_*` error, then closes the
 * connection. The server parses one header line more than the limit, so that the handler can
 * tell a request over it (see {@link tooManyHeaders}).
 *
 * `headers` go on those answers too (the security headers).
 *
 * @example
 * guardConnections(server, { maxPerAddress: 64 }, { 'x-content-type-options': 'nosniff' })
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits | undefined,
  headers: Readonly<Record<string, string>> = {},
): void {
  server.maxHeadersCount = maxHeadersCount(limits) + 1
  const cap = limits?.maxPerAddress ?? 256
  if (cap > 0) capPerAddress(server, cap)
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => refuse(error, socket, headers))
}

/**
 * True when a request carries more header lines than allowed (`raw` is node's `rawHeaders`).
 *
 * @example
 * if (tooManyHeaders(req.rawHeaders, 100)) reply431()
 */
export function tooManyHeaders(raw: readonly string[], limit: number): boolean {
  return raw.length > 2 * limit
}

/**
 * The `400` error for an HTTP/1.1 request without a `Host` header (node:http is told not to
 * answer it itself, so that the answer is JSON like every other error), or undefined.
 *
 * @example
 * const refused = missingHost(req.httpVersion, req.headers.host)
 */
export function missingHost(httpVersion: string, host: string | undefined): NanoError | undefined {
  if (host !== undefined || httpVersion !== '1.1') return undefined
  return new NanoError('NANO_E_BAD_REQUEST', 'An HTTP/1.1 request needs a Host header')
}

/**
 * The `431` error for a request with too many or too large headers.
 *
 * @example
 * throw headersTooLarge()
 */
export function headersTooLarge(): NanoError {
  return new NanoError(
    'NANO_E_HEADERS_TOO_LARGE',
    'The request headers are too many or too large: send fewer or shorter headers (cookies too)',
  )
}

function capPerAddress(server: Server, cap: number): void {
  const open = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown'
    const count = open.get(address) ?? 0
    if (count >= cap) {
      socket.destroy()
      return
    }
    open.set(address, count + 1)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left <= 0) open.delete(address)
      else open.set(address, left)
    })
  })
}

function refuse(error: NodeJS.ErrnoException, socket: Socket, headers: Readonly<Record<string, string>>): void {
  const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (error.code === 'ECONNRESET' || !socket.writable || busy) {
    socket.destroy()
    return
  }
  const nano =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new NanoError('NANO_E_REQUEST_TIMEOUT', 'The request took too long to arrive: send it whole, faster')
        : new NanoError('NANO_E_BAD_REQUEST', 'The request is not valid HTTP/1.1')
  const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '
  const body = head ? '' : JSON.stringify({ error: nano.toJSON() })
  const lines = [
    `HTTP/1.1 ${nano.status} ${REASONS[nano.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${head ? Buffer.byteLength(JSON.stringify({ error: nano.toJSON() })) : Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), 1000).unref()
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}
