import type { GatewayApp } from './app.ts'
import { type Exchange, type Reply, tooLarge } from './exchange.ts'

/**
 * The Web-standard entry: answers a `Request` with a `Response` through the same handlers as the
 * node:http server, for other runtimes and in-process tests.
 *
 * @example
 * const res = await fetchHandler(app)(new Request('http://local/api/news/headlines?limit=2'))
 */
export function fetchHandler(app: GatewayApp): (request: Request) => Promise<Response> {
  return async (request) => {
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
    const stream = reply.stream
    if (stream !== undefined) {
      const encoder = new TextEncoder()
      const closers: (() => void)[] = []
      const closed = (): void => {
        for (const listener of closers.splice(0)) listener()
      }
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          stream({
            write: (chunk) => controller.enqueue(encoder.encode(chunk)),
            end: () => {
              controller.close()
              closed()
            },
            onClose: (listener) => closers.push(listener),
            buffered: () => Math.max(0, -(controller.desiredSize ?? 0)),
            drop: () => {
              controller.error(new Error('dropped'))
              closed()
            },
          })
        },
        cancel: closed,
      })
      return new Response(request.method === 'HEAD' ? null : body, { status: reply.status, headers: reply.headers })
    }
    const empty = reply.body === '' && (request.method === 'HEAD' || reply.status === 204)
    return new Response(empty ? null : reply.body, { status: reply.status, headers: reply.headers })
  }
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
