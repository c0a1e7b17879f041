import type { LogSink } from '../runtime/ports.ts'

/**
 * One answered request, as an adapter reports it to the {@link AccessLog}.
 *
 * @example
 * const entry: AccessEntry = { method: 'GET', path: '/', status: 200, started: performance.now(), requestId: 'r1', traceparent, bytes: 512 }
 */
export interface AccessEntry {
  readonly method: string
  readonly path: string
  readonly status: number
  /** `performance.now()` when the request arrived ({@link AccessLog.start}). */
  readonly started: number
  readonly requestId: string | undefined
  /** The `traceparent` answered (`00-<traceId>-<spanId>-01`): the request's trace and span. */
  readonly traceparent: string | undefined
  /** Body bytes sent; undefined when unknown (the client went away mid-body). */
  readonly bytes: number | undefined
}

/**
 * One record per answered request through the runtime's log sink, at level `info`:
 * `{ message: 'request', method, path, status, durationMs, requestId, traceId, spanId, bytes? }`
 * (trace and span from the `traceparent` answered). The path has no
 * query (it may carry secrets); `bytes` is the body sent (after compression, 0 for `HEAD` and
 * `304`); `durationMs` runs from the request's arrival to its last byte handed to the socket.
 * Costs two clock reads and a record: the sink does the formatting, if any.
 *
 * @example
 * const log = new AccessLog(rt.log)
 * log.record({ method: 'GET', path: '/api/a', status: 200, started: log.start(), requestId: 'req-1', traceparent, bytes: 12 })
 */
export class AccessLog {
  readonly #sink: LogSink

  constructor(sink: LogSink) {
    this.#sink = sink
  }

  /** A start time for {@link AccessLog.record}. */
  start(): number {
    return performance.now()
  }

  record(entry: AccessEntry): void {
    const { method, path, status, requestId, bytes, traceparent } = entry
    const durationMs = Math.round((performance.now() - entry.started) * 1000) / 1000
    const time = Date.now()
    const traceId = traceparent?.slice(3, 35)
    const spanId = traceparent?.slice(36, 52)
    this.#sink(
      bytes === undefined
        ? { level: 'info', message: 'request', time, method, path, status, durationMs, requestId, traceId, spanId }
        : {
            level: 'info',
            message: 'request',
            time,
            method,
            path,
            status,
            durationMs,
            requestId,
            traceId,
            spanId,
            bytes,
          },
    )
  }
}
