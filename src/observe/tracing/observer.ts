import { context, isSpanContextValid, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { ObservedWork, Observer } from '../../runtime/observer.ts'
import type { ObservedCall } from '../../runtime/ports.ts'
import { ATTRIBUTES, callAttributes, callKind, failSpan, withRemoteParent } from './spans.ts'
import { TracerSource } from './tracer-source.ts'

/**
 * The {@link Observer} that turns requests, page renders and service calls into OpenTelemetry
 * spans, through whatever SDK is registered with `@opentelemetry/api`, looked up on every call:
 * while none is registered each hook returns at once and nothing is allocated.
 *
 * Parents: a request continues the incoming `traceparent` (unless a span is already active, as an
 * HTTP instrumentation makes one); a page render is a child of its request; a call is a child of
 * the span active where it was made (`run` makes each span active for the work inside it), and a
 * call that arrived from another node is a child of the caller's span named in its `traceparent`.
 *
 * @example
 * const rt = createRuntime({ root, observer: new TracingObserver() })
 */
export class TracingObserver implements Observer {
  /** Every outside request is a server span. */
  readonly requests = true
  readonly #source = new TracerSource()
  /** The method of each open request span (a page render renames it after its route). */
  readonly #requests = new WeakMap<Span, string>()
  /** The route of each open page span (the calls a page makes carry it). */
  readonly #pages = new WeakMap<Span, string>()

  start(call: ObservedCall): void {
    const tracer = this.#source.tracer()
    if (tracer === undefined) return
    const active = context.active()
    const parent = call.parentSpanId === undefined ? active : withRemoteParent(active, call.traceId, call.parentSpanId)
    const page = call.caller === 'page' ? this.#pageOf(parent) : undefined
    const options = { kind: callKind(call), attributes: callAttributes(call, page) }
    call.state = tracer.startSpan(call.service, options, parent)
  }

  end(call: ObservedCall, error: unknown): void {
    const span = call.state as Span | undefined
    if (span === undefined) return
    if (error === undefined) span.setStatus({ code: SpanStatusCode.OK })
    else failSpan(span, error)
    span.end()
  }

  run<T>(subject: ObservedCall | ObservedWork, fn: () => T): T {
    const span = subject.state as Span | undefined
    if (span === undefined) return fn()
    return context.with(trace.setSpan(context.active(), span), fn)
  }

  begin(work: ObservedWork): void {
    const tracer = this.#source.tracer()
    if (tracer === undefined) return
    const active = context.active()
    if (work.kind === 'page') {
      const span = tracer.startSpan(`page ${work.name}`, { attributes: { [ATTRIBUTES.page]: work.name } }, active)
      this.#pages.set(span, work.name)
      this.#routed(trace.getSpan(active), work.name)
      work.state = span
      return
    }
    const space = work.name.indexOf(' ')
    const method = work.name.slice(0, space)
    const parent =
      trace.getSpan(active) === undefined ? withRemoteParent(active, work.traceId, work.parentSpanId) : active
    const attributes = { 'http.request.method': method, 'url.path': work.name.slice(space + 1) }
    const span = tracer.startSpan(work.name, { kind: SpanKind.SERVER, attributes }, parent)
    this.#requests.set(span, method)
    work.state = span
    const ids = span.spanContext()
    if (isSpanContextValid(ids)) work.traceId = ids.traceId
  }

  finish(work: ObservedWork, status: number, error: unknown): void {
    const span = work.state as Span | undefined
    if (span === undefined) return
    if (work.kind === 'request') span.setAttribute('http.response.status_code', status)
    if (error !== undefined) failSpan(span, error)
    else if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` })
    span.end()
  }

  current(): { readonly traceId: string; readonly spanId: string } | undefined {
    const span = trace.getActiveSpan()
    if (span === undefined) return undefined
    const ids = span.spanContext()
    return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : undefined
  }

  /** The route of the page whose span is active in `parent`, if any. */
  #pageOf(parent: ReturnType<typeof context.active>): string | undefined {
    const span = trace.getSpan(parent)
    return span === undefined ? undefined : this.#pages.get(span)
  }

  /** Names a request span after the page route it rendered (`GET /story/:id`), as HTTP spans are. */
  #routed(request: Span | undefined, route: string): void {
    const method = request === undefined ? undefined : this.#requests.get(request)
    if (method === undefined) return
    const span = request as Span
    span.updateName(`${method} ${route}`)
    span.setAttribute('http.route', route)
  }
}
