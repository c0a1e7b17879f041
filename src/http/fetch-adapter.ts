import { openAsBlob } from 'node:fs'
import type { GatewayApp } from './app.ts'
import { type Exchange, joinParts, type Reply, tooLarge } from './exchange.ts'

const NO_BODY = new Set([204, 304])

/**
 * The Web-standard entry: answers a `Request` with a `Response` through the same handlers as the
 * node:http server, for other runtimes and in-process tests. It behaves as the node:http server
 * does: the same compression (node:zlib, streamed pages flushed chunk by chunk), validators and
 * 304s, files read from disk (`fs.openAsBlob`), and access log records (once the body is built,
 * or, for a stream, once it ends).
 *
 * @example
 * const res = await fetchHandler(app)(new Request('http://local/api/news/headlines?limit=2'))
 */
export function fetchHandler(app: GatewayApp): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = app.accessLog === undefined ? 0 : performance.now()
    const url = new URL(request.url)
    const ex: Exchange = {
      method: request.method,
      path: url.pathname,
      search: url.search.slice(1),
      header: (name) => request.headers.get(name) ?? undefined,
      body: (limit) => readBody(request, limit),
    }
    app.inFlight += 1
    let reply: Reply
    try {
      reply = await app.handle(ex)
    } finally {
      app.inFlight -= 1
    }
    const log = (bytes: number | undefined): void => {
      const { 'x-request-id': requestId, traceparent } = reply.headers
      app.accessLog?.record({
        method: ex.method,
        path: ex.path,
        status: reply.status,
        started,
        requestId,
        traceparent,
        bytes,
      })
    }
    const init = { status: reply.status, headers: reply.headers }
    const stream = reply.stream
    if (stream !== undefined) return new Response(streamBody(stream, log), init)
    const file = reply.file
    if (file !== undefined) {
      const blob = (await openAsBlob(file.path)).slice(file.start, file.end + 1)
      log(blob.size)
      return new Response(blob, init)
    }
    const body = joinParts(reply).body
    const empty = NO_BODY.has(reply.status) || (body.length === 0 && request.method === 'HEAD')
    log(empty ? 0 : Buffer.byteLength(body))
    return new Response(empty ? null : (body as ConstructorParameters<typeof Response>[0]), init)
  }
}

function streamBody(stream: NonNullable<Reply['stream']>, log: (bytes: number | undefined) => void): ReadableStream {
  const encoder = new TextEncoder()
  const closers: (() => void)[] = []
  let bytes = 0
  let open = true
  const closed = (whole: boolean): void => {
    if (open) log(whole ? bytes : undefined)
    open = false
    for (const listener of closers.splice(0)) listener()
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream({
        write: (chunk) => {
          const bytesOf = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
          bytes += bytesOf.byteLength
          controller.enqueue(bytesOf)
        },
        end: () => {
          controller.close()
          closed(true)
        },
        onClose: (listener) => {
          if (open) closers.push(listener)
          else queueMicrotask(listener)
        },
        buffered: () => Math.max(0, -(controller.desiredSize ?? 0)),
        drop: () => {
          controller.error(new Error('dropped'))
          closed(false)
        },
      })
    },
    cancel: () => closed(false),
  })
}

async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (Number(request.headers.get('content-length')) > limit) throw tooLarge(limit)
  if (request.body === null) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
