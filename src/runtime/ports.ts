import type { LivePolicy, VaryKey } from '../define/fragment.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { CallInput, CallOptions, CallOutput, RequestContext } from '../define/types.ts'
import type { CatalogEntry } from '../registry/catalog.ts'
import type { LogSink } from './logger.ts'
import type { Observer } from './observer.ts'
import type { TopicBus } from './topics.ts'

export type { CacheEntry, CacheStore } from './cache/store.ts'
export type { LogRecord, LogSink } from './logger.ts'
export type {
  CacheResult,
  EdgeFigures,
  ObservedFigures,
  ObservedWork,
  Observer,
  ServiceFigures,
} from './observer.ts'
export type { TopicBus, TopicListener } from './topics.ts'

/**
 * The runtime's sense of time: tests inject a manual clock instead of sleeping.
 *
 * @example
 * const clock: Clock = { now: () => 0, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * The clock of the machine: `Date.now` and Node's timers (a pending deadline keeps the process
 * alive, as the work it bounds does).
 *
 * @example
 * systemClock.now()
 */
export const systemClock: Clock = Object.freeze({
  now: Date.now,
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout),
})

/**
 * A call as it crosses a boundary (a process, a machine, an isolate): plain data, JSON-safe.
 * `deadline` is absolute (ms since the epoch) or null when nothing limits the call.
 *
 * @example
 * const d: CallDescriptor = { service: 'geo/lookup', version: undefined, depth: 2, deadline: Date.now() + 100,
 *   traceId: '4bf92f3577b34da6a3ce929d0e0e4736', caller: 'weather/current', request: { locale: 'en' } }
 */
export interface CallDescriptor {
  readonly service: string
  /** Content hash of the callee's code when the caller knows it, else undefined. */
  readonly version: string | undefined
  /** Nesting of this call (1 for a call from outside). */
  readonly depth: number
  readonly deadline: number | null
  readonly traceId: string
  /** The calling service, or the outside caller's label (`http`, `page`, `live`). */
  readonly caller: string | undefined
  readonly request: RequestContext
  /** The caller's span id (W3C parent id), when a tracer ran the call's span; passed on in `traceparent`. */
  readonly parentSpanId?: string | undefined
}

/**
 * Where a service's code comes from, as the registry found it.
 *
 * @example
 * const source: ServiceSource = { name: 'weather/current', file: '/app/services/weather/current.ts', root: '/app', reload: 0 }
 */
export interface ServiceSource {
  readonly name: string
  /** Absolute path of the service file. */
  readonly file: string
  /** The project folder (error messages name files relative to it). */
  readonly root: string
  /** 0 for the first load; counts reloads, so a reload gets fresh code. */
  readonly reload: number
  /** The file's content version (`contentVersion`) when the loader computed it already. */
  readonly version?: string
  /** The file's bytes as read for that version: an executor reads these instead of the disk. */
  readonly bytes?: Uint8Array
  /** The executor vouched for `version` without the file being read (see {@link Executor.vouch}). */
  readonly vouched?: boolean
}

/**
 * How a service is loaded and run. The in-process executor imports the file; an isolate executor
 * returns a definition whose `run` runs inside an isolate. Loading never counts against a deadline.
 *
 * @example
 * const executor: Executor = { load: async (source) => (await import(source.file)).default }
 */
export interface Executor {
  /** The service's definition; rejects with `NANO_E_BAD_DEFINITION` for a file that is not a service. */
  load(source: ServiceSource): Promise<ServiceDefinition>
  /**
   * The content version of a service's file when the executor can vouch for it without the file
   * being read (a build that holds the file as it is now, and found it trusted); the loader then
   * passes it to `load` with `vouched: true` and no bytes. Undefined: the loader reads the file.
   */
  vouch?(source: Pick<ServiceSource, 'name' | 'file'>): string | undefined
  /** Releases what the executor holds (isolates); the runtime calls it from `close()`. */
  close?(): Promise<void>
}

/**
 * A runtime as a transport sees it when it serves calls from elsewhere: the services it runs, and
 * the entry point for a call that arrived (input validated, the descriptor's deadline enforced).
 *
 * @example
 * const node: ServingNode = { names: () => rt.names(), serve: (descriptor, input) => rt.serve(descriptor, input) }
 */
export interface ServingNode {
  names(): string[]
  serve(descriptor: CallDescriptor, input: unknown): Promise<unknown>
  /** What the other nodes need to know of a service it runs (loads it), or undefined when it does not load. */
  describe(name: string): Promise<ServiceDescription | undefined>
}

/**
 * A service as other nodes learn of it over a transport: its catalog entry, plus what a page on
 * another node needs to place it when it is a fragment. Plain JSON.
 *
 * @example
 * const d: ServiceDescription = { ...catalogEntry, version: 'x1Yz…', fragment: undefined }
 */
export interface ServiceDescription extends CatalogEntry {
  /** Content hash of the service's code. */
  readonly version: string
  readonly fragment: FragmentDescription | undefined
}

/**
 * What a fragment adds to its service's description: its assets, what it varies by, its live policy.
 *
 * @example
 * const f: FragmentDescription = { css: ['score.css'], js: [], vary: [], live: { every: '5s' } }
 */
export interface FragmentDescription {
  readonly css: readonly string[]
  readonly js: readonly string[]
  readonly vary: readonly VaryKey[]
  readonly live: LivePolicy | undefined
}

/**
 * A service some other node runs, and the ids of the nodes that run it.
 *
 * @example
 * const r: RemoteService = { description, nodes: ['NCXK…'] }
 */
export interface RemoteService {
  readonly description: ServiceDescription
  readonly nodes: readonly string[]
}

/**
 * How a call reaches a service that this runtime does not run (another process or machine), and
 * how this runtime's services are offered to the others. The callee validates the input and
 * enforces the descriptor's deadline; errors come back as `NanoError`s with their code.
 *
 * @example
 * if (transport.has('sport/score')) await transport.call(descriptor, { match: 'r7' }, signal)
 */
export interface Transport {
  /** True when some node reachable through this transport runs `name`. Synchronous: a look-up. */
  has(name: string): boolean
  call(descriptor: CallDescriptor, input: unknown, signal: AbortSignal | undefined): Promise<unknown>
  /** Offers a runtime's services to the other nodes; returns a function that withdraws them. */
  serve?(node: ServingNode): () => void
  /** Resolves once the transport is connected and knows what the other nodes run. */
  ready?(): Promise<void>
  /** What the cluster says of a service this runtime does not run, asking the nodes if need be. */
  describe?(name: string): Promise<RemoteService | undefined>
  /** Every service other nodes run (for the catalog). */
  services?(): Promise<readonly RemoteService[]>
  /** A count that grows whenever what the other nodes run (or how they describe it) changes. */
  changes?(): number
  /** This node's id on the transport (the catalog's `nodes` name it). */
  readonly node?: string
  /** Disconnects, when the runtime owns the transport. */
  close?(): Promise<void>
}

/**
 * What a {@link CallObserver} sees of one call. The runtime fills it; `state` is the observer's own
 * (a span, a start time).
 *
 * @example
 * const seen: ObservedCall = { service: 'a', caller: 'http', depth: 1, traceId: undefined, parentSpanId: undefined, remote: false, state: undefined }
 */
export interface ObservedCall {
  readonly service: string
  readonly caller: string | undefined
  readonly depth: number
  readonly traceId: string | undefined
  /** The remote caller's span id, when the call arrived from another node with a `traceparent`. */
  readonly parentSpanId: string | undefined
  /** True when the call goes over the transport. */
  readonly remote: boolean
  state: unknown
}

/**
 * Watches every call: `start` before it is dispatched, `end` once it has an answer or an error.
 * One hook around the whole call path, called once per call; nothing is paid when none is set.
 *
 * @example
 * const observer: CallObserver = { start: (c) => { c.state = performance.now() }, end: (c, error) => record(c, error) }
 */
export interface CallObserver {
  start(call: ObservedCall): void
  end(call: ObservedCall, error: unknown): void
}

/**
 * A time scope made by {@link Caller.scope}: an absolute deadline and an abort signal shared by
 * many calls (a page's budget), armed at most once however many calls run under it.
 *
 * @example
 * const scope = caller.scope({ deadline: Date.now() + 2000, signal: controller.signal, label: 'page /' })
 */
export interface CallScope {
  readonly at: number
  readonly signal: AbortSignal
  /** Ends the scope now: calls under it fail with `reason` (default `NANO_E_ABORTED`), its signal aborts. */
  abort(reason?: unknown): void
  dispose(): void
}

/**
 * Options of {@link Caller.invoke}: the public call options and a shared {@link CallScope}.
 *
 * @example
 * caller.invoke('fragments/weather', input, { caller: 'page', within: scope, timeout: '100ms' })
 */
export interface InvokeOptions extends CallOptions {
  /** Calls run under this scope's deadline and signal (and any earlier limit of their own). */
  readonly within?: CallScope
}

/**
 * What compose and http need of a runtime: call services, read their definitions, publish, log,
 * tell the time. A remote or clustered runtime implements just this.
 *
 * @example
 * const out = caller.invoke('fragments/weather', { city: 'Leeds' }, { caller: 'page' })
 */
export interface Caller {
  /**
   * Calls a service from outside; answers synchronously (the output itself) when nothing had to
   * wait, else a promise. Never throws.
   */
  invoke(name: string, input: unknown, options?: InvokeOptions): unknown
  /**
   * The output of the call `invoke` would answer from a fresh cache entry at once, counted as
   * that call, with until when the same call answers the same and a token for `hitAgain`;
   * undefined when it would do anything more (then `invoke` it). A cheaper way to the same
   * answer for callers that make many calls, most of them hits (a page's slots).
   */
  peekKept?(name: string, input: unknown, options?: InvokeOptions): KeptHit | undefined
  /**
   * Counts a call the caller answered from what it kept of an earlier `peekKept` hit as that
   * call; false, counting nothing, when the cache no longer holds that very entry fresh (it was
   * refreshed, dropped or went stale) or the service was reloaded since.
   */
  hitAgain?(name: string, token: unknown, caller?: string): boolean
  /** The definition of a service whose code is loaded, or undefined: a synchronous look-up. */
  loaded(name: string): ServiceDefinition | undefined
  /** The definition of a service, loading it and everything it uses first. */
  resolve(name: string): Promise<ServiceDefinition>
  /** Loads services (and all they use) ahead of their first call; all when no names are given. Never rejects. */
  warm(names?: readonly string[]): Promise<void>
  /** The absolute path of a local service's file, or undefined. */
  fileOf(name: string): string | undefined
  /** A deadline and signal many calls can share; see {@link CallScope}. */
  scope(options: { readonly deadline: number; readonly signal?: AbortSignal; readonly label: string }): CallScope
  readonly topics: TopicBus
  readonly log: LogSink
  readonly clock: Clock
  /** What watches this runtime (metrics, traces), if anything: compose and http report pages and requests to it. */
  readonly observer?: Observer | undefined
  /**
   * A count that grows whenever the catalog may have changed (a reload, a cluster node joining,
   * leaving or describing its services): what is built from the catalog is rebuilt only then.
   */
  changes?(): number
}

/**
 * A call answered by a fresh cache entry, with what a caller needs to keep what it made of the
 * value: `until` when the same call answers the same (the entry's fresh-until time, or 0 when the
 * service's cache varies by request: user, locale…), and `token`, what identifies the entry and
 * the loaded service that answered (opaque; see `Caller.hitAgain`).
 *
 * @example
 * const hit: KeptHit = { value: '<p>Sunny</p>', until: 1_700_000_060_000, token }
 */
export interface KeptHit {
  readonly value: unknown
  readonly until: number
  readonly token: unknown
}

/**
 * A catalog entry, or the error of a service file that does not load (the rest still list).
 *
 * @example
 * const broken: BrokenService = { name: 'f/broken', file: 'services/f/broken.ts', error: { code: 'NANO_E_BAD_DEFINITION', message: '…' } }
 */
export interface BrokenService {
  readonly name: string
  readonly file: string
  readonly error: { readonly code: string; readonly message: string }
}

/**
 * What the gateway and the CLI use of a runtime: the {@link Caller} and the project around it.
 *
 * @example
 * const rt: RuntimeApi = createRuntime({ root: './app' })
 */
export interface RuntimeApi extends Caller {
  /** Project folder. */
  readonly root: string
  /** Calls a service from outside (input and output validated). */
  call<N extends string>(name: N, input: CallInput<N>, options?: CallOptions): Promise<CallOutput<N>>
  /** Publishes `data` on `topic` (live fragments with `live: { on: topic }` re-render). */
  publish(topic: string, data?: unknown): void
  names(): string[]
  catalog(): Promise<CatalogEntry[]>
  /** Services whose file does not load, with their error; empty when all load. */
  broken(): Promise<BrokenService[]>
  /** The Prometheus text of `GET /_nano/metrics` (empty when metrics are off). */
  metrics?(): string
  reload(name?: string): Promise<void>
  close(): Promise<void>
}
