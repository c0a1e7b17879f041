import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Duration } from './duration.ts'
import type { Access, SecurityPolicy, User } from './policy.ts'

/**
 * The services of a project, by name. Empty here; `generateTypes(root)` writes a
 * `nanoweb-env.d.ts` that fills it, so `ctx.call` and `rt.call` check inputs and infer outputs.
 *
 * @example
 * declare module '@nanoweb/core' {
 *   interface ServiceRegistry { 'geo/lookup': typeof import('./services/geo/lookup.ts').default }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServiceRegistry {}

/**
 * What a caller must pass to service `N`: the input type of its schema when `N` is known.
 *
 * @example
 * type In = CallInput<'geo/lookup'> // { city: string }
 */
export type CallInput<N extends string> = N extends keyof ServiceRegistry
  ? ServiceRegistry[N] extends { readonly input: infer S extends StandardSchemaV1 }
    ? StandardSchemaV1.InferInput<S>
    : unknown
  : unknown

/**
 * What a caller gets back from service `N`: the output type of its schema when `N` is known.
 *
 * @example
 * type Out = CallOutput<'geo/lookup'> // { lat: number, lon: number }
 */
export type CallOutput<N extends string> = N extends keyof ServiceRegistry
  ? ServiceRegistry[N] extends { readonly output: infer S extends StandardSchemaV1 }
    ? StandardSchemaV1.InferOutput<S>
    : unknown
  : unknown

/**
 * Per-call options for `rt.call` and `ctx.call`.
 *
 * @example
 * await rt.call('weather/current', { city: 'Leeds' }, { timeout: '100ms' })
 */
export interface CallOptions {
  /** Time allowed for this call; never extends the caller's own deadline. */
  readonly timeout?: Duration
  /** Absolute deadline (ms since the epoch); the earlier of this and `timeout` wins. */
  readonly deadline?: number
  /** Aborting this signal aborts the call and everything beneath it. */
  readonly signal?: AbortSignal
  /** Trace id to continue (32 hex chars); a new one is made when absent. */
  readonly traceId?: string
  /** Who is calling, for logs and metrics (for example `http`). */
  readonly caller?: string
  /** The allow-listed facts of the outside request; inherited by every call beneath. */
  readonly request?: RequestContext
  /** Skip a cached result: run the service and store the fresh result (live re-renders). */
  readonly refresh?: boolean
}

/**
 * The allow-listed part of an outside request that services may see (`ctx.request`): nothing
 * else of the request (headers, cookies, address) reaches them.
 *
 * @example
 * const r: RequestContext = { locale: 'en-GB', device: 'mobile', userId: 'u42' }
 */
export interface RequestContext {
  /** First language of `Accept-Language`, e.g. `en-GB`. */
  readonly locale?: string
  /** From client hints or the user agent. */
  readonly device?: 'mobile' | 'desktop'
  /** The signed-in user's id (from `auth`), or the configured cookie or header. */
  readonly userId?: string
  /** The signed-in user, when the server has `auth` and the request carried valid credentials. */
  readonly user?: User
}

/**
 * Structured log functions; fields are merged with the service name and trace id.
 *
 * @example
 * ctx.log.info('cache warmed', { entries: 12 })
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * What a running service sees as its second argument.
 *
 * @example
 * async run({ city }, ctx) {
 *   if (ctx.signal.aborted) return fallback
 *   return ctx.call('geo/lookup', { city })
 * }
 */
export interface Context<Uses extends string = string> {
  /** Calls a service named in `uses`; any other name fails with `NANO_E_FORBIDDEN_CALL`. */
  call<N extends Uses>(name: N, input: CallInput<N>, options?: CallOptions): Promise<CallOutput<N>>
  /** Aborted when the deadline passes or the caller gives up. */
  readonly signal: AbortSignal
  /** Absolute deadline in ms since the epoch; `Infinity` when there is none. */
  readonly deadline: number
  /** W3C trace id shared by every call of one request. */
  readonly traceId: string
  /** Logger bound to this service and trace. */
  readonly log: Logger
  /** Name of the calling service, or the outside caller's label, or undefined. */
  readonly caller: string | undefined
  /** This service's own name. */
  readonly service: string
  /** Allow-listed facts of the outside request (empty for in-process calls). */
  readonly request: RequestContext
  /** Publishes `data` on `topic`: live fragments with `live: { on: topic }` re-render. */
  publish(topic: string, data?: unknown): void
}

/**
 * Cache policy of a service: fresh for `ttl`, then served stale while it is refreshed in the
 * background for `staleWhileRevalidate`, or served stale when a refresh fails for `staleIfError`.
 *
 * @example
 * cache: { ttl: '60s', staleWhileRevalidate: '10m', staleIfError: '1h', vary: ['locale'] }
 */
export interface CachePolicy {
  readonly ttl: Duration
  readonly staleWhileRevalidate?: Duration
  readonly staleIfError?: Duration
  /** Request facts the result depends on: each enters the cache key (e.g. `['locale']`). */
  readonly vary?: readonly VaryKey[]
  /**
   * `'shared'`: results are kept in the cluster's shared store too (JetStream KV, or the primary
   * under `--workers`), so a value computed on one node is a hit on the others; memory stays in
   * front. Default: the runtime's `cacheStoreDefault` (`'local'` unless set).
   */
  readonly store?: 'local' | 'shared'
}

/**
 * Parts of the request a cached result may depend on (`cache.vary`, or a fragment's `vary`).
 * Each enters the cache key only when named.
 *
 * @example
 * const v: VaryKey[] = ['locale', 'device']
 */
export type VaryKey = 'locale' | 'device' | 'user'

/**
 * A value, or a promise of it: what a `run`, `render` or `data` function may return.
 *
 * @example
 * const load = (): MaybePromise<number> => (cached ? 1 : Promise.resolve(2))
 */
export type MaybePromise<T> = T | Promise<T>

/**
 * What `ServiceSpec` and `FragmentSpec` have in common: an optional description, a
 * validated input, the services the body may call, a cache policy, a timeout and a visibility.
 *
 * @example
 * const common: SpecBase<typeof In, ['geo/lookup']> = { input: In, uses: ['geo/lookup'], timeout: '200ms' }
 */
export interface SpecBase<I extends StandardSchemaV1, U extends readonly string[]> extends SecurityPolicy {
  readonly description?: string
  readonly input: I
  /** The only services this one may call. */
  readonly uses?: U
  readonly cache?: CachePolicy
  readonly timeout?: Duration
  readonly visibility?: Visibility
  /** Who may call it (see {@link Access}); a function rule gets the validated input. */
  readonly access?: Access<StandardSchemaV1.InferOutput<I>>
}

/**
 * Who may call a service: everyone (`public`) or only other services (`internal`).
 *
 * @example
 * const v: Visibility = 'internal'
 */
export type Visibility = 'public' | 'internal'
