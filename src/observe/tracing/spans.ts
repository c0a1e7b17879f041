import {
  type Attributes,
  type Context,
  isValidSpanId,
  isValidTraceId,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api'
import { NanoError } from '../../define/errors.ts'
import type { ObservedCall } from '../../runtime/ports.ts'

/**
 * The attribute names nanoweb puts on its spans (beside OpenTelemetry's HTTP ones:
 * `http.request.method`, `url.path`, `http.route`, `http.response.status_code`).
 *
 * @example
 * span.setAttribute(ATTRIBUTES.service, 'geo/lookup')
 */
export const ATTRIBUTES = Object.freeze({
  /** The service a call span runs. */
  service: 'nanoweb.service',
  /** Who called it: a service name, or `http`, `page`, `live`. */
  caller: 'nanoweb.caller',
  /** The `NANO_E_*` code of a call, request or page that failed. */
  code: 'nanoweb.code',
  /** On a call made by a page (a fragment, or its data): the service it called. */
  fragment: 'nanoweb.fragment',
  /** The route pattern of a page span, and of the calls a page made. */
  page: 'nanoweb.page',
})

/**
 * `context` with a remote span as its parent, when `traceId` and `spanId` are valid W3C ids (as
 * they arrive in a `traceparent`); else `context` as it is.
 *
 * @example
 * const parent = withRemoteParent(context.active(), '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')
 */
export function withRemoteParent(context: Context, traceId: string | undefined, spanId: string | undefined): Context {
  if (traceId === undefined || spanId === undefined || !isValidTraceId(traceId) || !isValidSpanId(spanId)) {
    return context
  }
  return trace.setSpanContext(context, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
}

/**
 * The kind of a call's span: `CLIENT` for a call sent to another node, `SERVER` for a call that
 * arrived from one (it came with the caller's span id), `INTERNAL` for a call inside this process.
 *
 * @example
 * callKind({ remote: true, parentSpanId: undefined }) // SpanKind.CLIENT
 */
export function callKind(call: Pick<ObservedCall, 'remote' | 'parentSpanId'>): SpanKind {
  if (call.remote) return SpanKind.CLIENT
  return call.parentSpanId === undefined ? SpanKind.INTERNAL : SpanKind.SERVER
}

/**
 * The attributes a call's span starts with; `page` is the route of the page that made the call,
 * when a page did.
 *
 * @example
 * callAttributes({ service: 'frag/box', caller: 'page' }, '/story/:id')
 * // { 'nanoweb.service': 'frag/box', 'nanoweb.caller': 'page', 'nanoweb.fragment': 'frag/box', 'nanoweb.page': '/story/:id' }
 */
export function callAttributes(call: Pick<ObservedCall, 'service' | 'caller'>, page: string | undefined): Attributes {
  const attributes: Attributes = { [ATTRIBUTES.service]: call.service }
  if (call.caller !== undefined) attributes[ATTRIBUTES.caller] = call.caller
  if (call.caller === 'page') attributes[ATTRIBUTES.fragment] = call.service
  if (page !== undefined) attributes[ATTRIBUTES.page] = page
  return attributes
}

/**
 * Marks `span` failed with `error`: status ERROR carrying the `NANO_E_*` code (also set as the
 * `nanoweb.code` attribute) or the error's message, and the exception recorded as an event.
 *
 * @example
 * failSpan(span, new NanoError('NANO_E_TIMEOUT', 'too slow'))
 */
export function failSpan(span: Span, error: unknown): void {
  const code = error instanceof NanoError ? error.code : undefined
  if (code !== undefined) span.setAttribute(ATTRIBUTES.code, code)
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: code ?? (error instanceof Error ? error.message : String(error)),
  })
  if (error instanceof Error) span.recordException(error)
}
