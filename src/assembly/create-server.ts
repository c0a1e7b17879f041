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
}

/**
 * Creates the HTTP gateway (see the http layer's `createServer`) over a runtime made with
 * {@link createRuntime}: with `nats`, a node of a cluster; with `services: []` too, a gateway-only
 * node that serves `/api/*` and pages by calling the cluster. `/_nano/ready` turns 200 once the
 * cluster is known and the pages are warm.
 *
 * @example
 * const gateway = await createServer({ root: './examples/news', port: 0, nats: { servers: 'nats://127.0.0.1:4222' }, services: [] })
 */
export function createServer(options: AppServerOptions): Promise<NanoServer> & NanoServer {
  if (options.runtime !== undefined) return createHttpServer(options)
  const runtime = createRuntime({ ...options, root: options.root ?? '.' } as AppRuntimeOptions)
  return createHttpServer({ ...options, runtime })
}
