import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RuntimeApi } from '../runtime/ports.ts'
import { createRuntime, type RuntimeOptions } from '../runtime/runtime.ts'
import { type AppOptions, GatewayApp } from './app.ts'
import { fetchHandler } from './fetch-adapter.ts'
import { type ConnectionLimits, guardConnections, maxHeadersCount, nodeServerOptions } from './limits/connections.ts'
import { answerInFlight, nodeHandler } from './node-adapter.ts'

// node:http taken as the CommonJS module it is: importing it as an ES module makes Node evaluate
// every export of its facade, `WebSocket` among them, which loads undici (some 20–30 ms of a start).
const { createServer: createHttpServer } = process.getBuiltinModule('node:http')

/**
 * Options of {@link createServer}: the runtime's (or a ready `runtime`), the gateway's, and where
 * to listen. Without `port` nothing listens until `listen()`.
 *
 * @example
 * await createServer({ root: './examples/news', port: 3000, host: '127.0.0.1' })
 */
export interface ServerOptions extends AppOptions, Partial<RuntimeOptions> {
  /** Use this runtime instead of creating one from `root`. */
  readonly runtime?: RuntimeApi
  /** Port to listen on (0 picks a free one). */
  readonly port?: number
  /** Interface to listen on. Default '127.0.0.1'. */
  readonly host?: string
  /** How long `close()` waits for requests in flight before cutting connections. Default 10 s. */
  readonly shutdownTimeoutMs?: number
  /**
   * Limits on slow and greedy connections: header and request timeouts, header size and count,
   * keep-alive, connections per address. See {@link ConnectionLimits} for the defaults.
   */
  readonly connections?: ConnectionLimits
  /** Watches this process's event loop (made by the assembly's `createServer` from `stallLimit`); closed with the server. */
  readonly loopWatch?: LoopWatch
}

/**
 * What the server needs of an event-loop watchdog: whether the loop stalled just now (then
 * `/_nano/ready` answers 503), and the controls a supervisor-aware CLI uses.
 *
 * @example
 * const watch: LoopWatch = { stalled: () => false, replaceOnStall() {}, exitBy() {}, close() {} }
 */
export interface LoopWatch {
  /** True during a stall and for a recovery window after it. */
  stalled(): boolean
  /** From now on, a stall ends the process (for its supervisor to start a fresh one). */
  replaceOnStall(): void
  /** End the process if it is still alive shortly after `at` (ms since the epoch), even stalled. */
  exitBy(at: number): void
  close(): void
}

/**
 * A running (or ready to run) gateway.
 *
 * @example
 * const server = await createServer({ root, port: 0 })
 * await fetch(`${server.url}/api/news/headlines`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
 * await server.close()
 */
export interface NanoServer {
  readonly runtime: RuntimeApi
  /** The gateway's handlers, page index and asset registry. */
  readonly app: GatewayApp
  /** The node:http server. */
  readonly node: Server
  /** `http://host:port` once listening, else ''. */
  readonly url: string
  /** The bound port once listening, else 0. */
  readonly port: number
  /** Answers a Web-standard `Request` through the same handlers, without the network. */
  fetch(request: Request): Promise<Response>
  /** Starts listening (on `port`, default the options' port or 3000); resolves when bound. */
  listen(port?: number, host?: string): Promise<NanoServer>
  /** Stops accepting, lets requests in flight finish (bounded), closes the runtime. */
  close(): Promise<void>
  /**
   * For a process that must exit now (an uncaught exception): stops accepting, answers every
   * request in flight with a 500 `NANO_E_INTERNAL` (cuts a reply already under way), and
   * resolves once they are sent, or after `waitMs` (default 1000).
   */
  failInFlight(waitMs?: number): Promise<void>
  /** The event-loop watchdog, when `stallLimit` is not false. */
  readonly loopWatch: LoopWatch | undefined
}

/**
 * Creates the HTTP gateway: `POST /api/<name>` (and `GET` for idempotent services), pages, and
 * `/_nano/*` (catalog, OpenAPI, health, ready, live, assets). With `port` it starts listening:
 * await the result to know it is bound; `server.fetch(request)` works either way. Once bound (or
 * on the first `fetch`), it loads what `warm` names in the background (default every page and all
 * it reaches); `/_nano/ready` answers 503 until that is done, then 200.
 *
 * @example
 * const server = await createServer({ root: './examples/news', port: 0 })
 * console.log(server.url)
 */
export function createServer(options: ServerOptions): Promise<NanoServer> & NanoServer {
  const runtime = options.runtime ?? createRuntime({ ...options, root: options.root ?? '.' })
  const loopWatch = options.loopWatch
  let app: GatewayApp
  try {
    app = new GatewayApp(
      runtime,
      loopWatch === undefined ? options : { ...options, stalled: () => loopWatch.stalled() },
    )
  } catch (error) {
    void runtime.close()
    throw error
  }
  const open = new Set<ServerResponse>()
  const limits = options.connections
  const node = createHttpServer(
    nodeServerOptions(limits),
    nodeHandler(app, { maxHeadersCount: maxHeadersCount(limits) }, open),
  )
  guardConnections(node, limits, app.security.base)
  let closing: Promise<void> | undefined
  const answer = fetchHandler(app)
  const server: NanoServer = {
    runtime,
    app,
    node,
    get url() {
      const address = node.address() as AddressInfo | null
      return address === null ? '' : `http://${hostForUrl(address.address)}:${address.port}`
    },
    get port() {
      return (node.address() as AddressInfo | null)?.port ?? 0
    },
    fetch: (request) => {
      void app.warm()
      return answer(request)
    },
    listen: (port = options.port ?? 3000, host = options.host ?? '127.0.0.1') =>
      new Promise<NanoServer>((resolve, reject) => {
        node.once('error', reject)
        node.listen(port, host, () => {
          node.off('error', reject)
          void app.warm()
          resolve(server)
        })
      }),
    close: () => {
      closing ??= shutdown(node, app, runtime, options.shutdownTimeoutMs ?? 10_000).finally(() => loopWatch?.close())
      return closing
    },
    failInFlight: (waitMs = 1000) => {
      if (node.listening) node.close()
      return answerInFlight(open, waitMs)
    },
    loopWatch,
  }
  const ready = options.port === undefined ? Promise.resolve(server) : server.listen()
  return Object.defineProperties(ready, Object.getOwnPropertyDescriptors(server)) as Promise<NanoServer> & NanoServer
}

async function shutdown(node: Server, app: GatewayApp, runtime: RuntimeApi, timeoutMs: number): Promise<void> {
  const closed = node.listening ? new Promise<void>((resolve) => node.close(() => resolve())) : Promise.resolve()
  app.closeLive()
  node.closeIdleConnections()
  const deadline = Date.now() + timeoutMs
  while (app.inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    node.closeIdleConnections()
  }
  node.closeAllConnections()
  await closed
  await runtime.close()
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address
}
