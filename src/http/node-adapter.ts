import type { IncomingMessage, ServerResponse } from 'node:http'
import { NanoError } from '../define/errors.ts'
import type { GatewayApp } from './app.ts'
import { type Exchange, tooLarge } from './exchange.ts'

/**
 * The node:http fast path: wraps `req` as an {@link Exchange}, lets the app answer, and writes
 * the reply. A body over the limit is answered with 413 and the connection closed, unread.
 *
 * @example
 * http.createServer(nodeHandler(app))
 */
export function nodeHandler(app: GatewayApp): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const ex: Exchange = {
      method: req.method ?? 'GET',
      path: q === -1 ? url : url.slice(0, q),
      search: q === -1 ? '' : url.slice(q + 1),
      header: (name) => {
        const value = req.headers[name]
        return Array.isArray(value) ? value.join(', ') : value
      },
      body: (limit) => readBody(req, limit),
    }
    app.handle(ex).then(
      (reply) => {
        if (reply.status === 413) {
          reply.headers.connection = 'close'
          res.on('finish', () => req.destroy())
        }
        reply.headers['content-length'] ??= String(Buffer.byteLength(reply.body))
        res.writeHead(reply.status, reply.headers)
        res.end(reply.body)
      },
      () => res.destroy(),
    )
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        req.off('data', onData)
        req.pause()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
    req.once('error', reject)
    req.once('close', () => {
      if (!req.complete) reject(new NanoError('NANO_E_ABORTED', 'The client went away before sending the whole body'))
    })
  })
}
