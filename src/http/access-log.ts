import type { LogSink } from '../runtime/ports.ts'

/**
 * One answered request, as an adapter reports it to the {@link AccessLog}.
 *
 * @example
 * const entry: AccessEntry = { method: 'GET', path: '/', status: 200, started: performance.now(), requestId: 'r1', bytes: 512 }
 */
export interface AccessEntry {
  readonly method: string
  readonly path: string
  readonly status: number
  /** `performance.now()` when the request arrived ({@link AccessLog.start}). */
  readonly started: number
  readonly requestId: string | undefined
  /** Body bytes sent; undefined when unknown (the client went away mid-body). */
  readonly bytes: number | undefined
}

/**
 * One record per answered request through the runtime's log sink, at level `info`:
 * `{ message: 'request', method, path, status, durationMs, requestId, bytes? }`. The path has no
 * query (it may carry secrets); `bytes` is the body sent (after compression, 0 for `HEAD` and
 * `304`); `durationMs` runs from the request's arrival to its last byte handed to the socket.
 * Costs two clock reads and a record: the sink does the formatting, if any.
 *
 * @example
 * const log = new AccessLog(rt.log)
 * log.record({ method: 'GET', path: '/api/a', status: 200, started: log.start(), requestId: 'req-1', bytes: 12 })
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
    const { method, path, status, requestId, bytes } = entry
    const durationMs = Math.round((performance.now() - entry.started) * 1000) / 1000
    const time = Date.now()
    this.#sink(
      bytes === undefined
        ? { level: 'info', message: 'request', time, method, path, status, durationMs, requestId }
        : { level: 'info', message: 'request', time, method, path, status, durationMs, requestId, bytes },
    )
  }
}
