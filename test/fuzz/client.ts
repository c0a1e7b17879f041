/**
 * How the gateway fuzz talks to its servers: a small keep-alive HTTP/1.1 client over `net`
 * sockets (node:http's client costs several times more CPU per request, and the fuzz sends tens
 * of thousands), strict about framing: bytes after a complete response are a problem, as they are
 * to node:http. Also a pool that keeps a fixed number of requests in flight.
 */
import { connect, type Socket } from 'node:net'
import type { FuzzRequest } from './arbitraries.ts'
import { parseResponse, type RawResponse } from './wire.ts'

/**
 * What came back: an answer, or the error the client saw instead (reset, timeout, bad framing).
 *
 * @example
 * const outcome: Outcome = { kind: 'no-answer', error: 'no answer within 15000 ms' }
 */
export type Outcome =
  | {
      readonly kind: 'answer'
      readonly status: number
      readonly headers: Record<string, string>
      readonly body: Buffer
    }
  | { readonly kind: 'no-answer'; readonly error: string }

/**
 * A keep-alive client of one server.
 *
 * @example
 * const outcome = await client.send({ method: 'GET', path: '/', headers: {} })
 */
export interface FuzzClient {
  send(request: FuzzRequest): Promise<Outcome>
  close(): void
  /** How many requests met a keep-alive race and were sent again. */
  retried(): number
}

/** One connection and what it has received but not yet handed out. */
interface Connection {
  readonly socket: Socket
  received: Buffer
  closed: boolean
  /** Called on data, close and error while a request waits on this connection. */
  wake?: (() => void) | undefined
}

/**
 * A client of `url`: each request takes an idle connection or opens one (so at most as many are
 * open as requests are in flight), and gives up after `timeoutMs` (a hung request is a finding,
 * not a stuck test).
 *
 * @example
 * const client = fuzzClient('http://127.0.0.1:3000')
 */
export function fuzzClient(url: string, timeoutMs = 15_000): FuzzClient {
  const { hostname, port } = new URL(url)
  const idle: Connection[] = []
  let retried = 0
  const open = (): Connection => {
    const socket = connect(Number(port), hostname)
    socket.setNoDelay(true)
    const conn: Connection = { socket, received: Buffer.alloc(0), closed: false }
    socket.on('data', (chunk: Buffer) => {
      conn.received = conn.received.length === 0 ? chunk : Buffer.concat([conn.received, chunk])
      conn.wake?.()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      conn.closed = true
      conn.wake?.()
    })
    return conn
  }
  const send = async (request: FuzzRequest): Promise<Outcome> => {
    let reused = idle.pop()
    while (reused?.closed === true) reused = idle.pop()
    const first = await exchange(reused ?? open(), request, `${hostname}:${port}`, timeoutMs)
    if (first.keep !== undefined) idle.push(first.keep)
    if (!(reused !== undefined && first.raced)) return first.outcome
    retried += 1
    const second = await exchange(open(), request, `${hostname}:${port}`, timeoutMs)
    if (second.keep !== undefined) idle.push(second.keep)
    return second.outcome
  }
  return {
    send,
    close: () => {
      for (const conn of idle.splice(0)) conn.socket.destroy()
    },
    retried: () => retried,
  }
}

/**
 * The errors of a keep-alive race: the server closed an idle connection as the client reused it
 * (any server may, RFC 9112 section 9.8), so nothing at all came back. Such a request is sent
 * again once, on a fresh connection, as HTTP clients do.
 */
interface Exchanged {
  readonly outcome: Outcome
  /** The connection, when it may carry the next request. */
  readonly keep?: Connection | undefined
  readonly raced: boolean
}

function exchange(conn: Connection, request: FuzzRequest, host: string, timeoutMs: number): Promise<Exchanged> {
  return new Promise((resolve) => {
    const head = request.method === 'HEAD'
    const timer = setTimeout(() => finish({ kind: 'no-answer', error: `no answer within ${timeoutMs} ms` }), timeoutMs)
    const finish = (outcome: Outcome, keep?: Connection, raced = false): void => {
      clearTimeout(timer)
      conn.wake = undefined
      if (keep === undefined) conn.socket.destroy()
      resolve({ outcome, keep, raced })
    }
    conn.wake = () => {
      const parsed = parseResponse(conn.received, head, conn.closed)
      if (parsed === undefined) {
        if (!conn.closed) return
        const raced = conn.received.length === 0
        finish(
          { kind: 'no-answer', error: `connection closed after ${conn.received.length} bytes of answer` },
          undefined,
          raced,
        )
        return
      }
      const rest = conn.received.subarray(parsed.consumed)
      conn.received = Buffer.alloc(0)
      if (rest.length > 0) {
        finish({
          kind: 'no-answer',
          error: `bytes after the response: ${JSON.stringify(rest.subarray(0, 80).toString())}`,
        })
        return
      }
      finish(answerOf(parsed.response), parsed.close || conn.closed ? undefined : conn)
    }
    conn.socket.write(requestBytes(request, host))
    if (conn.closed || conn.received.length > 0) conn.wake()
  })
}

function answerOf(response: RawResponse): Outcome {
  return { kind: 'answer', status: response.status, headers: response.headers, body: response.body }
}

function requestBytes(request: FuzzRequest, host: string): Buffer {
  const headers: Record<string, string> = { host, ...request.headers }
  const chunked = headers['transfer-encoding'] === 'chunked'
  const body = request.body
  if (body !== undefined && !chunked) headers['content-length'] = String(body.length)
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
  head += '\r\n'
  if (body === undefined) return Buffer.from(head, 'latin1')
  if (!chunked) return Buffer.concat([Buffer.from(head, 'latin1'), body])
  const chunk = body.length === 0 ? [] : [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]
  return Buffer.concat([Buffer.from(head, 'latin1'), ...chunk, Buffer.from('0\r\n\r\n')])
}

/**
 * Runs `work` on every item with at most `limit` in flight, in order of start.
 *
 * @example
 * await inPool(samples, 16, (s) => client.send(s))
 */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}
