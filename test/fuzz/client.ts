/**
 * How the gateway fuzz talks to its servers: a keep-alive node:http client (a bounded pool of
 * connections) that never decodes the body, and a pool that keeps a fixed number of requests in
 * flight.
 */
import { Agent, request as httpRequest } from 'node:http'
import type { FuzzRequest } from './arbitraries.ts'

/** What came back: an answer, or the error the client saw instead (reset, timeout). */
export type Outcome =
  | {
      readonly kind: 'answer'
      readonly status: number
      readonly headers: Record<string, string>
      readonly body: Buffer
    }
  | { readonly kind: 'no-answer'; readonly error: string }

/** A keep-alive client of one server. */
export interface FuzzClient {
  send(request: FuzzRequest): Promise<Outcome>
  close(): void
  /** How many requests met a keep-alive race and were sent again. */
  retried(): number
}

/**
 * A client of `url` keeping at most `sockets` connections alive; each request gives up after
 * `timeoutMs` (a hung request is a finding, not a stuck test).
 *
 * @example
 * const client = fuzzClient('http://127.0.0.1:3000', 16)
 */
export function fuzzClient(url: string, sockets: number, timeoutMs = 15_000): FuzzClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets })
  const { hostname, port } = new URL(url)
  const once = (request: FuzzRequest): Promise<Outcome & { reused?: boolean }> =>
    new Promise((resolve) => {
      const headers: Record<string, string> = { ...request.headers }
      if (request.body !== undefined && headers['transfer-encoding'] === undefined) {
        headers['content-length'] = String(request.body.length)
      }
      const req = httpRequest(
        { agent, host: hostname, port, method: request.method, path: request.path, headers },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              kind: 'answer',
              status: res.statusCode ?? 0,
              headers: flatHeaders(res.headers),
              body: Buffer.concat(chunks),
            }),
          )
          res.on('error', (error) => resolve({ kind: 'no-answer', error: String(error) }))
        },
      )
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on('error', (error) => resolve({ kind: 'no-answer', error: String(error), reused: req.reusedSocket }))
      req.end(request.body)
    })
  const send = async (request: FuzzRequest): Promise<Outcome> => {
    const outcome = await once(request)
    if (outcome.kind === 'answer' || outcome.reused !== true || !RACE.test(outcome.error)) return outcome
    retried += 1
    return once(request)
  }
  let retried = 0
  return { send, close: () => agent.destroy(), retried: () => retried }
}

/**
 * The errors of a keep-alive race: the server closed an idle connection as the client reused it
 * (any server may, RFC 9112 section 9.8). A request that met one on a reused connection is sent
 * again once, on a fresh one, as Node's documentation advises (`request.reusedSocket`).
 */
const RACE = /ECONNRESET|socket hang up/

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
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
