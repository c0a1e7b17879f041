import { randomUUID } from 'node:crypto'

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/
const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * The trace id of a W3C `traceparent` header, or undefined when it is absent or malformed (an
 * all-zero trace id is invalid too).
 *
 * @example
 * traceIdFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01') // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function traceIdFrom(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase())
  const id = match?.[1]
  return id === undefined || /^0+$/.test(id) ? undefined : id
}

/**
 * The request id to answer with: the caller's `x-request-id` when it is sane, else a new one.
 *
 * @example
 * requestIdFrom(undefined) // '3f0c…'
 */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : randomUUID()
}

/**
 * A `traceparent` header value for a response or an outgoing call in trace `traceId`.
 *
 * @example
 * traceparentFor('4bf92f3577b34da6a3ce929d0e0e4736') // '00-4bf9…-<16 hex>-01'
 */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`
}
