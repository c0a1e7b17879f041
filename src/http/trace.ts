import { randomBytes } from 'node:crypto'

const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}(-.*)?$/
const ZEROS = /^0+$/
const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * The trace id of a W3C `traceparent` header, or undefined when it is absent or invalid: malformed,
 * version `ff`, version `00` with anything after the flags, or an all-zero trace id or parent id.
 * A later version may carry more fields after the flags; they are ignored.
 *
 * @example
 * traceIdFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function traceIdFrom(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase())
  if (match === null) return undefined
  const [, version, traceId, parentId, rest] = match
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  return ZEROS.test(traceId as string) || ZEROS.test(parentId as string) ? undefined : traceId
}

/**
 * Makes request ids and trace ids cheaply: a random 64-bit prefix drawn once per gateway and a
 * counter, so ids are unique without a random draw per request.
 *
 * @example
 * const ids = new IdSource()
 * ids.next() // '9f86d081884c7d65000000000000002a'
 */
export class IdSource {
  readonly #prefix = randomBytes(8).toString('hex')
  #counter = 0

  /** A new 32-hex id (valid as a W3C trace id). */
  next(): string {
    this.#counter += 1
    return this.#prefix + this.#counter.toString(16).padStart(16, '0')
  }
}

/**
 * The request id to answer with: the caller's `x-request-id` when it is sane, else `fresh`.
 *
 * @example
 * requestIdFrom(undefined, ids.next()) // '9f86…2a'
 */
export function requestIdFrom(header: string | undefined, fresh: string): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : fresh
}

/**
 * The trace of one request: the incoming W3C trace id when there is a valid `traceparent`, else
 * `fresh` (32 hex); the caller's span id when it came with one; and the `traceparent` to answer
 * with, naming this request's span.
 *
 * @example
 * traceContext(undefined, ids.next()) // { traceId: '9f86…2a', parentSpanId: undefined, traceparent: '00-9f86…2a-…-01' }
 */
export function traceContext(
  traceparent: string | undefined,
  fresh: string,
): { traceId: string; parentSpanId: string | undefined; traceparent: string } {
  const incoming = traceparent === undefined ? undefined : traceIdFrom(traceparent)
  const traceId = incoming ?? fresh
  const parentSpanId = incoming === undefined ? undefined : (traceparent as string).trim().slice(36, 52).toLowerCase()
  return { traceId, parentSpanId, traceparent: `00-${traceId}-${fresh.slice(16)}-01` }
}
