import { randomBytes } from 'node:crypto'
import { headers, type MsgHdrs } from '@nats-io/transport-node'
import type { CallDescriptor, Clock } from '../runtime/ports.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify
/** `JSON.parse` as it was when nanoweb loaded: a service that replaces it changes no request. */
const fromJson = JSON.parse

/**
 * Header names of a call over NATS. The deadline travels as the milliseconds left when the call
 * was sent (clocks of two machines differ; a duration does not care), and the callee rebuilds an
 * absolute deadline from its own clock. The trace id travels as a W3C `traceparent` when it is
 * 32 hex digits (the runtime's own ids are), else verbatim in `Nano-Trace-Id`; the `traceparent`
 * names the caller's span (the descriptor's `parentSpanId`, or a fresh id when no tracer ran one).
 *
 * @example
 * msg.headers?.get(CALL_HEADERS.deadline) // '4985'
 */
export const CALL_HEADERS = Object.freeze({
  deadline: 'Nano-Deadline-Ms',
  traceparent: 'traceparent',
  traceId: 'Nano-Trace-Id',
  caller: 'Nano-Caller',
  depth: 'Nano-Depth',
  request: 'Nano-Request',
  version: 'Nano-Version',
  /** The id of one attempt of a call (a lost call is looked for by it). */
  call: 'Nano-Call',
})

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-((?!0{16})[0-9a-f]{16})-[0-9a-f]{2}$/

/**
 * The NATS headers of a call: everything of its descriptor but the service (the subject says it).
 *
 * @example
 * nc.request(subject, body, { timeout, headers: callHeaders(descriptor, systemClock, nuid.next()) })
 */
export function callHeaders(descriptor: CallDescriptor, clock: Clock, call?: string): MsgHdrs {
  const h = headers()
  if (call !== undefined) h.set(CALL_HEADERS.call, call)
  if (descriptor.deadline !== null) h.set(CALL_HEADERS.deadline, String(Math.round(descriptor.deadline - clock.now())))
  if (TRACE_ID.test(descriptor.traceId)) {
    const parent = descriptor.parentSpanId
    const spanId = parent !== undefined && SPAN_ID.test(parent) ? parent : nextSpanId()
    h.set(CALL_HEADERS.traceparent, `00-${descriptor.traceId}-${spanId}-01`)
  } else {
    h.set(CALL_HEADERS.traceId, descriptor.traceId)
  }
  if (descriptor.caller !== undefined) h.set(CALL_HEADERS.caller, descriptor.caller)
  h.set(CALL_HEADERS.depth, String(descriptor.depth))
  const facts = toJson(descriptor.request)
  if (facts !== '{}') h.set(CALL_HEADERS.request, facts)
  if (descriptor.version !== undefined) h.set(CALL_HEADERS.version, descriptor.version)
  return h
}

const SPAN_PREFIX = randomBytes(4).toString('hex')
let spanCounter = 0

/** A span id unique in this process: 8 random hex digits, then a counter (never all zeros). */
function nextSpanId(): string {
  spanCounter = (spanCounter + 1) >>> 0
  return SPAN_PREFIX + spanCounter.toString(16).padStart(8, '0')
}

/**
 * The descriptor of a call that arrived, read from its headers (missing or malformed values fall
 * back: no deadline, depth 1, empty request facts, the trace id `''` when none came). The caller's
 * span id comes from the `traceparent` as `parentSpanId`.
 *
 * @example
 * const descriptor = descriptorOf('geo/lookup', msg.headers, systemClock)
 */
export function descriptorOf(service: string, h: MsgHdrs | undefined, clock: Clock): CallDescriptor {
  const get = (key: string): string | undefined => (h?.has(key) ? h.get(key) : undefined)
  const left = Number(get(CALL_HEADERS.deadline))
  const depth = Number(get(CALL_HEADERS.depth))
  const traceparent = TRACEPARENT.exec(get(CALL_HEADERS.traceparent) ?? '')
  return {
    service,
    version: get(CALL_HEADERS.version),
    depth: Number.isInteger(depth) && depth > 0 ? depth : 1,
    deadline: get(CALL_HEADERS.deadline) !== undefined && Number.isFinite(left) ? clock.now() + left : null,
    traceId: traceparent?.[1] ?? get(CALL_HEADERS.traceId) ?? '',
    caller: get(CALL_HEADERS.caller),
    request: requestOf(get(CALL_HEADERS.request)),
    parentSpanId: traceparent?.[2],
  }
}

function requestOf(text: string | undefined): CallDescriptor['request'] {
  if (text === undefined) return {}
  try {
    const value: unknown = fromJson(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}
  } catch {
    return {}
  }
}
