import type { Duplex } from 'node:stream'
import { NanoError } from '../define/errors.ts'

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}

/**
 * Answers a request Node's HTTP parser refused (a malformed request line or header, headers too
 * large, a request that took too long to arrive) as every other error is answered: JSON
 * `{ error: { code: 'NANO_E_BAD_REQUEST', message } }`, with the security headers, then closes the
 * connection. Status 431 for headers too large, 408 for a request timeout, else 400. A socket
 * that is already gone, or in the middle of an answer, is just destroyed. Listen with `server.on('clientError', …)`.
 *
 * @example
 * node.on('clientError', (error, socket) => answerClientError(error, socket, app.security.base))
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
  headers: Readonly<Record<string, string>>,
): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent === true) {
    socket.destroy()
    return
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const message =
    status === 431
      ? 'The request headers are too large'
      : status === 408
        ? 'The request took too long to arrive'
        : `The request is not valid HTTP (${error.code ?? 'parse error'})`
  const body = JSON.stringify({ error: new NanoError('NANO_E_BAD_REQUEST', message).toJSON() })
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
}
