import type { Duration } from '../define/duration.ts'
import { toMs } from '../define/duration.ts'
import { Watchdog } from '../guard/watchdog.ts'
import { createServer as createHttpServer, type NanoServer, type ServerOptions } from '../http/server.ts'
import type { NatsOptions } from './cluster-link.ts'
import { type AppRuntimeOptions, createRuntime, type IsolateOptions } from './create-runtime.ts'

/**
 * Options of {@link createServer}: the gateway's and the runtime's, with `nats` to join a cluster.
 *
 * @example
 * const options: AppServerOptions = { root: './app', port: 3000, nats: { servers: 'nats://127.0.0.1:4222' }, services: [] }
 */
export interface AppServerOptions extends ServerOptions, IsolateOptions {
  /** See {@link AppRuntimeOptions.nats}. */
  readonly nats?: NatsOptions
  /**
   * How long the event loop may go without running (a service's busy loop) before a watchdog
   * thread reports the stall, naming the service whose `run` is executing; `/_nano/ready` then
   * answers 503 until `stallLimit` after the loop runs again. `false` (or 0): no watchdog. Default '5s'.
   */
  readonly stallLimit?: Duration | false
  /** See {@link AppRuntimeOptions.metrics}: on by default; `false` turns them off. */
  readonly metrics?: boolean
  /** See {@link AppRuntimeOptions.tracing}: spans when an OpenTelemetry SDK is registered. */
  readonly tracing?: boolean
  /** See {@link AppRuntimeOptions.bundle}: the `nanoweb build` bundle is used when present, unless false. */
  readonly bundle?: boolean
}

/**
 * Creates the HTTP gateway (see the http layer's `createServer`) over a runtime made with
 * {@link createRuntime}: with `nats`, a node of a cluster; with `services: []` too, a gateway-only
 * node that serves `/api/*` and pages by calling the cluster. `/_nano/ready` turns 200 once the
 * cluster is known and the pages are warm. Unless `stallLimit` is false, a watchdog thread
 * watches the event loop (see `stallLimit`); `server.close()` stops it.
 *
 * @example
 * const gateway = await createServer({ root: './examples/news', port: 0, nats: { servers: 'nats://127.0.0.1:4222' }, services: [] })
 */
export function createServer(options: AppServerOptions): Promise<NanoServer> & NanoServer {
  const stallLimit = options.stallLimit ?? '5s'
  const stallLimitMs = stallLimit === false ? undefined : toMs(stallLimit, 'stallLimit')
  const runtime = options.runtime ?? createRuntime({ ...options, root: options.root ?? '.' } as AppRuntimeOptions)
  const loopWatch =
    options.loopWatch ??
    (stallLimitMs === undefined || stallLimitMs === 0
      ? undefined
      : new Watchdog({ stallLimitMs, log: runtime.log, report: options.logger !== false }))
  return createHttpServer({ ...options, runtime, loopWatch })
}
