import type { CallObserver, ObservedCall } from './ports.ts'

/**
 * A unit of work other than a service call that an {@link Observer} may watch: one outside HTTP
 * request, or one page render (its data, every fragment, until the last byte is written).
 *
 * @example
 * const work: ObservedWork = { kind: 'page', name: '/story/:id', traceId: '4bf9…', parentSpanId: undefined, state: undefined }
 */
export interface ObservedWork {
  readonly kind: 'request' | 'page'
  /** A request: `GET /api/geo/lookup` (method and path); a page: its route pattern (`/story/:id`). */
  readonly name: string
  /**
   * The request's trace id. An observer may replace it in `begin` with the trace its own span
   * belongs to (a tracing SDK that started a new trace): the request then carries that id
   * everywhere (its calls, its log lines, the `traceparent` it answers with).
   */
  traceId: string
  /** The caller's span id when the request came with a valid W3C `traceparent` (requests only). */
  readonly parentSpanId: string | undefined
  /** The observer's own (a span, a start time). */
  state: unknown
}

/**
 * How a cached service answered: a fresh `hit`, a `stale` value served while it refreshes (or
 * because the refresh failed), or a `miss` that ran the service.
 *
 * @example
 * const result: CacheResult = 'hit'
 */
export type CacheResult = 'hit' | 'stale' | 'miss'

/**
 * What one service has seen since the process started, as the dashboard and the graph show it.
 * `p95Seconds` is estimated from the duration histogram (null before any call).
 *
 * @example
 * const f: ServiceFigures = { calls: 12, errors: 1, inFlight: 0, p95Seconds: 0.004, cache: { hit: 9, stale: 0, miss: 3 } }
 */
export interface ServiceFigures {
  readonly calls: number
  readonly errors: number
  readonly inFlight: number
  readonly p95Seconds: number | null
  readonly cache: { readonly hit: number; readonly stale: number; readonly miss: number }
}

/**
 * Calls seen from one caller to one service (an observed edge of the call graph). `caller` is a
 * service name or an outside label (`http`, `page`, `live`).
 *
 * @example
 * const e: EdgeFigures = { caller: 'pages/index', service: 'news/top', calls: 40, errors: 0, p95Seconds: 0.002 }
 */
export interface EdgeFigures {
  readonly caller: string
  readonly service: string
  readonly calls: number
  readonly errors: number
  readonly p95Seconds: number | null
}

/**
 * Every figure an {@link Observer} keeps, at one moment (`at`, ms since the epoch), counted since
 * `since`. Rates are differences of two snapshots over their `at`s.
 *
 * @example
 * const figures: ObservedFigures = { since: 0, at: 1000, services: {}, edges: [] }
 */
export interface ObservedFigures {
  readonly since: number
  readonly at: number
  readonly services: Readonly<Record<string, ServiceFigures>>
  readonly edges: readonly EdgeFigures[]
}

/**
 * Everything that watches a runtime and its gateway (the `observe/` adapter implements it; the
 * runtime, compose and http call it). Every member but `start`/`end` is optional and nothing is
 * paid for a member that is absent.
 *
 * - `run` runs `fn` with `subject` current (a tracer makes its span the active one, so the calls
 *   `fn` makes, and the transport that carries them, see it as their parent);
 * - `begin`/`finish` bracket a page render, and every outside request when `requests` is set
 *   (`status` is the HTTP status; `error` what failed, if anything);
 * - `hit` reports a call answered at once from a fresh cache entry without `start`/`end` (a
 *   page slot's fast path): count it as an answered call and a cache hit. An observer without
 *   `hit` sees every call through `start`/`end`, and the fast path is not taken;
 * - `cache` reports how a cached service answered, `fallback` a page slot that showed its
 *   fallback (`reason` as in compose's `Fallback`), `live` a change of the number of open live
 *   streams (+1 / -1);
 * - `metrics` is the Prometheus text of `GET /_nano/metrics`, `figures` the same as data;
 * - `current` names the span running now, for log lines.
 *
 * @example
 * const observer: Observer = { start: (c) => { c.state = performance.now() }, end: (c) => record(c) }
 */
export interface Observer extends CallObserver {
  /**
   * True when `begin`, `finish` and `run` should see every outside request too (a tracer's
   * server spans); otherwise only page renders are reported to them, and a request that is not a
   * page costs nothing more.
   */
  readonly requests?: boolean
  run?<T>(subject: ObservedCall | ObservedWork, fn: () => T): T
  begin?(work: ObservedWork): void
  finish?(work: ObservedWork, status: number, error: unknown): void
  hit?(service: string, caller: string | undefined): void
  cache?(service: string, result: CacheResult): void
  fallback?(fragment: string, page: string, reason: string): void
  live?(change: 1 | -1): void
  metrics?(): string
  figures?(): ObservedFigures
  current?(): { readonly traceId: string; readonly spanId: string } | undefined
}
