import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { NanoError } from '../define/errors.ts'
import type { GatewayApp } from './app.ts'
import {
  bodyLength,
  type Exchange,
  errorReply,
  type FileSpan,
  type MaybeReply,
  type Reply,
  tooLarge,
} from './exchange.ts'
import { headersTooLarge, missingHost, tooManyHeaders } from './limits/connections.ts'

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The node:http fast path. A request body is read as it arrives (up to the app's limit), then
 * the app answers, synchronously when it can, and the reply is written with its length. A body
 * over the limit is answered with 413 and the connection closed, the rest unread. Streamed
 * replies are written as they come, file replies piped from disk. With the access log on, each
 * request is reported once its last byte is handed to the socket. A request with more than
 * `maxHeadersCount` header lines (default 100) is answered 431 and the connection closed. `open`
 * holds the responses of the requests in flight (see {@link answerInFlight}).
 *
 * @example
 * http.createServer(nodeHandler(app, { maxHeadersCount: 100 }))
 */
export function nodeHandler(
  app: GatewayApp,
  limits: { readonly maxHeadersCount: number } = { maxHeadersCount: 100 },
  open: Set<ServerResponse> = new Set(),
): (req: IncomingMessage, res: ServerResponse) => void {
  const maxHeaders = limits.maxHeadersCount
  return (req, res) => {
    app.inFlight += 1
    open.add(res)
    const started = app.accessLog === undefined ? 0 : performance.now()
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const method = req.method ?? 'GET'
    let bytes: Uint8Array = EMPTY
    let bodyError: NanoError | undefined
    const ex: Exchange = {
      method,
      path: q === -1 ? url : url.slice(0, q),
      search: q === -1 ? '' : url.slice(q + 1),
      remote: req.socket.remoteAddress,
      header: (name) => {
        const value = req.headers[name]
        return Array.isArray(value) ? value.join(', ') : value
      },
      body: () => {
        if (bodyError !== undefined) throw bodyError
        return bytes
      },
    }
    const refused = tooManyHeaders(req.rawHeaders, maxHeaders)
      ? headersTooLarge()
      : missingHost(req.httpVersion, req.headers.host)
    if (refused !== undefined) {
      res.shouldKeepAlive = false
      write({ app, req, res, ex, started, open }, errorReply(refused, { ...app.security.base }))
      return
    }
    const answer = (): void => write({ app, req, res, ex, started, open }, app.handle(ex))
    if (!HAS_BODY.has(method)) {
      answer()
      return
    }
    readBody(req, app.bodyLimit, (error, body) => {
      bodyError = error
      bytes = body
      answer()
    })
  }
}

const EMPTY = new Uint8Array(0)

/** One request in flight, as {@link write} needs it. */
interface Pending {
  readonly app: GatewayApp
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly ex: Exchange
  readonly started: number
  readonly open: Set<ServerResponse>
}

function finished(at: Pending): void {
  at.app.inFlight -= 1
  at.open.delete(at.res)
}

function write(at: Pending, reply: MaybeReply): void {
  if (reply instanceof Promise) {
    reply.then(
      (settled) => write(at, settled),
      () => {
        finished(at)
        at.res.destroy()
      },
    )
    return
  }
  if (reply.stream !== undefined) {
    writeStream(at, reply, reply.stream)
    return
  }
  if (reply.file !== undefined) {
    writeFile(at, reply, reply.file)
    return
  }
  const { app, req, res } = at
  finished(at)
  if (res.headersSent) return
  const headers = reply.headers
  const status = reply.status
  if (status === 413 || status === 431) {
    headers.connection = 'close'
    lingerAfter(req, res)
  }
  const parts = reply.parts
  const length = bodyLength(reply)
  if (status !== 304 && status !== 204 && reply.lengthUnknown !== true) headers['content-length'] ??= String(length)
  res.writeHead(status, headers)
  if (parts === undefined) res.end(reply.body)
  else writeParts(res, parts)
  if (app.accessLog !== undefined) logged(at, status, headers, length)
}

/** Writes the pieces of a body in one go: node:http corks the socket for the writes of one tick. */
function writeParts(res: ServerResponse, parts: readonly Uint8Array[]): void {
  const last = parts.length - 1
  for (let i = 0; i < last; i++) res.write(parts[i])
  res.end(last === -1 ? undefined : parts[last])
}

function logged(at: Pending, status: number, headers: Record<string, string>, bytes: number | undefined): void {
  const { method, path } = at.ex
  const { 'x-request-id': requestId, traceparent } = headers
  at.app.accessLog?.record({ method, path, status, started: at.started, requestId, traceparent, bytes })
}

function writeStream(at: Pending, reply: Reply, stream: NonNullable<Reply['stream']>): void {
  const { app, req, res } = at
  if (res.headersSent) {
    finished(at)
    return
  }
  const counting = app.accessLog !== undefined
  let bytes = 0
  res.writeHead(reply.status, reply.headers)
  let open = true
  const done = (whole: boolean): void => {
    if (!open) return
    open = false
    finished(at)
    if (counting) logged(at, reply.status, reply.headers, whole ? bytes : undefined)
  }
  const cut = (): void => done(false)
  const closed = (): boolean => res.destroyed || req.socket.destroyed
  if (closed()) cut()
  else res.once('close', cut)
  stream({
    write: (chunk) => {
      if (counting) bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength
      res.write(chunk)
    },
    end: () => {
      done(true)
      res.end()
    },
    onClose: (listener) => {
      if (closed()) queueMicrotask(listener)
      else res.once('close', listener)
    },
    buffered: () => res.writableLength,
    drop: () => {
      cut()
      res.destroy()
    },
  })
}

function writeFile(at: Pending, reply: Reply, file: FileSpan): void {
  const { app, res } = at
  if (res.headersSent) {
    finished(at)
    return
  }
  res.writeHead(reply.status, reply.headers)
  pipeline(createReadStream(file.path, { start: file.start, end: file.end }), res, (error) => {
    finished(at)
    if (app.accessLog !== undefined) {
      logged(
        at,
        reply.status,
        reply.headers,
        error === undefined || error === null ? file.end - file.start + 1 : undefined,
      )
    }
  })
}

/** How long a refused request's unread body is still read (and dropped) after the answer. */
const LINGER_MS = 2000

/**
 * Closes the connection of a request refused before its body was read without losing the answer:
 * closing a socket with unread bytes makes the kernel reset the connection, and a client still
 * sending its body then never reads the 413. So the answer is sent, our side is shut, the rest of
 * the body is read and dropped for at most {@link LINGER_MS}, then the socket is destroyed.
 */
function lingerAfter(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as IncomingMessage['socket'] & { destroySoon?: () => void }
  socket.destroySoon = () => socket.end()
  res.on('finish', () => {
    req.resume()
    socket.resume()
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  })
}

function readBody(
  req: IncomingMessage,
  limit: number,
  done: (error: NanoError | undefined, body: Uint8Array) => void,
): void {
  if (Number(req.headers['content-length']) > limit) {
    done(tooLarge(limit), EMPTY)
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  let finished = false
  const finish = (error: NanoError | undefined, body: Uint8Array): void => {
    if (finished) return
    finished = true
    done(error, body)
  }
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= limit) chunks.push(chunk)
    else if (!finished) {
      req.pause()
      finish(tooLarge(limit), EMPTY)
    }
  })
  req.on('end', () => finish(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
  req.on('close', () => {
    if (!req.complete)
      finish(new NanoError('NANO_E_ABORTED', 'The client went away before sending the whole body'), EMPTY)
  })
}

/**
 * Answers every request still in `open` at once, with a 500 `NANO_E_INTERNAL` JSON error and
 * `connection: close` (a reply already under way is cut instead), and resolves once each has
 * been handed to its socket or closed, or after `waitMs`. For a process about to exit after an
 * uncaught exception: no client is left waiting for a reply that will never come.
 *
 * @example
 * await answerInFlight(open, 1000)
 */
export function answerInFlight(open: Set<ServerResponse>, waitMs: number): Promise<void> {
  const all = [...open]
  open.clear()
  const sent = all.map(
    (res) =>
      new Promise<void>((resolve) => {
        if (res.writableEnded || res.destroyed) {
          resolve()
          return
        }
        res.once('close', resolve)
        res.once('finish', resolve)
        if (res.headersSent) {
          res.destroy()
          return
        }
        const error = new NanoError('NANO_E_INTERNAL', 'The server failed while answering; it is restarting. Retry.')
        const reply = errorReply(error, { connection: 'close' })
        reply.headers['content-length'] = String(Buffer.byteLength(reply.body))
        res.writeHead(500, reply.headers)
        res.end(reply.body)
      }),
  )
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs)
    void Promise.all(sent).then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
