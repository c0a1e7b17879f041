import type { IncomingMessage, ServerResponse } from 'node:http'
import { NanoError } from '../define/errors.ts'
import type { GatewayApp } from './app.ts'
import { type Exchange, type MaybeReply, tooLarge } from './exchange.ts'

const HAS_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The node:http fast path. A request body is read as it arrives (up to the app's limit), then
 * the app answers, synchronously when it can, and the reply is written with its length. A body
 * over the limit is answered with 413 and the connection closed, the rest unread.
 *
 * @example
 * http.createServer(nodeHandler(app))
 */
export function nodeHandler(app: GatewayApp): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    app.inFlight += 1
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
    const answer = (): void => write(app, req, res, app.handle(ex))
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

function write(app: GatewayApp, req: IncomingMessage, res: ServerResponse, reply: MaybeReply): void {
  if (reply instanceof Promise) {
    reply.then(
      (settled) => write(app, req, res, settled),
      () => {
        app.inFlight -= 1
        res.destroy()
      },
    )
    return
  }
  const headers = reply.headers
  const stream = reply.stream
  if (stream !== undefined) {
    res.writeHead(reply.status, headers)
    let open = true
    const done = (): void => {
      if (!open) return
      open = false
      app.inFlight -= 1
    }
    const closed = (): boolean => res.destroyed || req.socket.destroyed
    if (closed()) done()
    else res.once('close', done)
    stream({
      write: (chunk) => {
        res.write(chunk)
      },
      end: () => {
        done()
        res.end()
      },
      onClose: (listener) => {
        if (closed()) queueMicrotask(listener)
        else res.once('close', listener)
      },
      buffered: () => res.writableLength,
      drop: () => {
        done()
        res.destroy()
      },
    })
    return
  }
  app.inFlight -= 1
  if (reply.status === 413) {
    headers.connection = 'close'
    res.on('finish', () => req.destroy())
  }
  headers['content-length'] ??= String(Buffer.byteLength(reply.body))
  res.writeHead(reply.status, headers)
  res.end(reply.body)
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
