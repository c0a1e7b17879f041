import { resolve } from 'node:path'
import { NanoError } from '../define/errors.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { CallInput, CallOptions, CallOutput } from '../define/types.ts'
import type { CatalogEntry } from '../registry/catalog.ts'
import type { ServiceIndex } from '../registry/index-of-services.ts'
import { scanServices } from '../registry/scan.ts'
import { BreakerBoard } from './breaker.ts'
import { loggedResultCache } from './cache/result-cache.ts'
import { type CacheStore, MemoryCacheStore } from './cache/store.ts'
import { CachePeeks } from './cache-peek.ts'
import { type CallLimits, refusal } from './capability.ts'
import type { CallContext, CallHost, CallOrigin } from './context.ts'
import { Deadline } from './deadline.ts'
import { brokenOf, catalogOf, describeOf, warmUp } from './inventory.ts'
import type { LogSink } from './logger.ts'
import { notFound } from './not-found.ts'
import { type Dispatcher, observed } from './observed.ts'
import type { Observer } from './observer.ts'
import { type RuntimeOptions, runtimeLogs, serviceIndexFor } from './options.ts'
import { CallPipeline } from './pipeline.ts'
import {
  type BrokenService,
  type CallDescriptor,
  type CallScope,
  type Clock,
  type InvokeOptions,
  type KeptHit,
  type RuntimeApi,
  systemClock,
} from './ports.ts'
import type { PreparedService } from './prepare.ts'
import { RemoteServices } from './remote-services.ts'
import { LocalTopicBus, type TopicBus } from './topics.ts'

export type { RuntimeOptions } from './options.ts'

/**
 * Creates a runtime for the services under `<root>/services`. Start-up only lists file names;
 * each service is loaded, with everything it uses, before its first call runs. Throws
 * `NANO_E_BAD_DEFINITION` naming any file whose name is not a valid service name.
 *
 * @example
 * const rt = createRuntime({ root: './examples/news' })
 * const weather = await rt.call('weather/current', { city: 'Leeds' })
 * await rt.close()
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  return new Runtime(options)
}

/**
 * Runs services in this process: resolve (load the service and all it uses) → check capability →
 * validate input → cache → deadline → run → validate output. Knows nothing of HTTP. Make one with
 * {@link createRuntime}.
 *
 * @example
 * const rt = createRuntime({ root })
 * await rt.call('news/headlines', { limit: 5 })
 */
export class Runtime implements RuntimeApi {
  readonly root: string
  readonly log: LogSink
  readonly topics: TopicBus
  readonly clock: Clock
  readonly #index: ServiceIndex<PreparedService>
  readonly #store: CacheStore
  readonly #ownsStore: boolean
  readonly #limits: CallLimits
  readonly #pipeline: CallPipeline
  readonly #observer: Observer | undefined
  readonly #peeks: CachePeeks
  /** The pipeline as {@link observed} dispatches through it. */
  readonly #through: Dispatcher = {
    dispatch: (name, input, origin, options) => this.#pipeline.dispatch(name, input, origin, options),
    isRemote: (name) => this.#index.get(name) === undefined,
  }
  readonly #withdraw: (() => void) | undefined
  readonly #remote: RemoteServices
  #reloads = 0
  readonly #transport: { readonly owned: boolean; readonly close?: () => Promise<void> }
  readonly #closeExecutor: (() => Promise<void>) | undefined
  #closed = false

  constructor(options: RuntimeOptions) {
    this.root = resolve(options.root)
    this.clock = options.clock ?? systemClock
    const logs = runtimeLogs(options, this.clock)
    this.log = logs.log
    this.#limits = {
      maxDepth: options.maxCallDepth ?? 32,
      maxCalls: options.maxCallsPerRequest ?? 10_000,
      root: this.root,
    }
    this.#observer = options.observer
    this.#index = serviceIndexFor(options, this.root, this.log, logs.levelOf)
    const listenerFailed = (error: unknown, topic: string): void =>
      this.log({ level: 'error', message: `a listener of topic '${topic}' failed`, time: this.clock.now(), error })
    this.topics = options.topics ?? new LocalTopicBus(listenerFailed)
    this.#ownsStore = options.cacheStore === undefined
    this.#store = options.cacheStore ?? new MemoryCacheStore(options.cacheLimits)
    const cache = loggedResultCache({
      store: this.#store,
      shared: options.sharedCache,
      clock: this.clock,
      log: this.log,
    })
    this.#pipeline = new CallPipeline({
      index: this.#index,
      cache,
      validateInternal: options.validateInternalCalls ?? true,
      host: {
        callFrom: this.#callFrom,
        sink: this.log,
        logs: logs.calls,
        idleSignal: new AbortController().signal,
        publish: (topic, data) => this.topics.publish(topic, data),
      } satisfies CallHost,
      clock: this.clock,
      remote: { transport: options.transport, clock: this.clock, observer: options.observer },
      breakers: new BreakerBoard(options.breaker, this.clock, this.log),
      observer: options.observer,
    })
    this.#peeks = new CachePeeks(this.#pipeline, options.observer, () => this.#reloads)
    const transport = options.transport
    let defined: Set<string> | undefined
    this.#remote = new RemoteServices(transport, this.root, (name) => {
      defined ??= new Set(scanServices(this.root, () => {}).map((found) => found.name))
      return defined.has(name)
    })
    this.#transport = { owned: options.ownsTransport === true, close: transport?.close?.bind(transport) }
    this.#closeExecutor = options.executor?.close?.bind(options.executor)
    this.#withdraw = transport?.serve?.({
      names: () => this.names(),
      serve: (descriptor, input) => this.serve(descriptor, input),
      describe: (name) => describeOf(this.#index, name),
    })
  }

  /**
   * Calls a service from outside: input and output are always validated.
   *
   * @example
   * await rt.call('weather/current', { city: 'Leeds' }, { timeout: '200ms' })
   */
  call<N extends string>(name: N, input: CallInput<N>, options?: CallOptions): Promise<CallOutput<N>> {
    return asPromise(this.invoke(name, input, options)) as Promise<CallOutput<N>>
  }

  /**
   * Like {@link Runtime.call}, for hot paths: answers synchronously (the output itself) when the
   * whole call could run without waiting (service loaded, input accepted by the compiled check,
   * no deadline, `run` returned a plain value, or a fresh cache hit), else a promise. Never throws.
   *
   * @example
   * const out = rt.invoke('bench/echo', input)
   * const value = out instanceof Promise ? await out : out
   */
  invoke(name: string, input: unknown, options?: InvokeOptions): unknown {
    if (this.#closed) return Promise.reject(closedError())
    return this.#dispatch(name, input, undefined, options)
  }

  /**
   * The answer of a call a fresh cache entry gives at once, counted as a hit, with until when the
   * same call answers the same and a token for {@link Runtime.hitAgain}; or undefined: then
   * `invoke` it. Off under an observer without `hit` (a tracer).
   *
   * @example
   * const html = rt.peekKept('fragments/weather', input)?.value ?? (await rt.invoke('fragments/weather', input))
   */
  peekKept(name: string, input: unknown, options?: InvokeOptions): KeptHit | undefined {
    return this.#closed ? undefined : this.#peeks.peekKept(name, input, options)
  }

  /**
   * Counts a call answered from what the caller kept of an earlier {@link Runtime.peekKept} hit as
   * a hit again; false (nothing counted) when that entry or its service was replaced since.
   *
   * @example
   * if (!rt.hitAgain('fragments/weather', hit.token, 'page')) rerender()
   */
  hitAgain(name: string, token: unknown, caller?: string): boolean {
    return !this.#closed && this.#peeks.hitAgain(name, token, caller)
  }

  /**
   * Runs a call that arrived over a transport: the input is validated, the descriptor's deadline
   * enforced, and its depth, caller, trace id and request facts carried on.
   *
   * @example
   * await rt.serve({ service: 'geo/lookup', version: undefined, depth: 2, deadline: null, traceId, caller: 'weather/current', request: {} }, { city: 'Leeds' })
   */
  serve(descriptor: CallDescriptor, input: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(closedError())
    if (this.#index.get(descriptor.service) === undefined) return Promise.reject(notFound(descriptor.service))
    const deadline =
      descriptor.deadline === null
        ? undefined
        : new Deadline({ at: descriptor.deadline, setBy: descriptor.caller ?? 'caller', clock: this.clock })
    const origin: CallOrigin = {
      depth: descriptor.depth - 1,
      service: descriptor.caller,
      request: descriptor.request,
      traceId: descriptor.traceId,
      deadlineRef: deadline,
      internal: false,
      parentSpanId: descriptor.parentSpanId,
    }
    return asPromise(this.#dispatch(descriptor.service, input, origin, undefined)).finally(() => deadline?.dispose())
  }

  readonly #callFrom = (
    ctx: CallContext,
    name: string,
    input: unknown,
    options: CallOptions | undefined,
  ): Promise<unknown> => {
    if (this.#closed) return Promise.reject(closedError())
    const refused = refusal(ctx, name, this.#limits)
    if (refused !== undefined) return Promise.reject(refused)
    return asPromise(this.#dispatch(name, input, ctx, options))
  }

  #dispatch(name: string, input: unknown, origin: CallOrigin | undefined, options: InvokeOptions | undefined): unknown {
    if (this.#observer !== undefined) return observed(this.#observer, this.#through, name, input, origin, options)
    try {
      return this.#pipeline.dispatch(name, input, origin, options)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** What watches this runtime (metrics, traces), if anything. */
  get observer(): Observer | undefined {
    return this.#observer
  }

  /**
   * The runtime's metrics in the Prometheus text format, the same text `GET /_nano/metrics`
   * answers; empty when metrics are off (`metrics: false`).
   *
   * @example
   * const text = rt.metrics() // '# HELP nanoweb_calls_total …'
   */
  metrics(): string {
    return this.#observer?.metrics?.() ?? ''
  }

  /**
   * Publishes `data` on `topic` (as `ctx.publish` does from inside a service): live fragments
   * declared with `live: { on: topic }` re-render in every open page.
   *
   * @example
   * rt.publish('news/latest', { id: 'story-42' })
   */
  publish(topic: string, data?: unknown): void {
    this.topics.publish(topic, data)
  }

  /**
   * Every service that loads, its JSON Schemas and declared `uses`, sorted by name. Loads all
   * services; one that does not load is left out here and listed by {@link Runtime.broken}.
   *
   * @example
   * (await rt.catalog()).map((s) => s.endpoint)
   */
  async catalog(): Promise<CatalogEntry[]> {
    const local = await catalogOf(this.#index)
    return this.#remote.catalog(local)
  }

  /**
   * The services whose file does not load, with their error (files named relative to the root).
   *
   * @example
   * for (const b of await rt.broken()) console.error(b.file, b.error.message)
   */
  broken(): Promise<BrokenService[]> {
    return brokenOf(this.#index)
  }

  /**
   * Loads services and everything they use ahead of their first call (all services when no names
   * are given). Never rejects: a service that does not load is logged and fails its own calls.
   *
   * @example
   * await rt.warm(['news/top-story'])
   */
  async warm(names?: readonly string[]): Promise<void> {
    await this.#remote.ready()
    await warmUp(this.#index, names, (name, error) =>
      this.log({
        level: 'error',
        message: `service '${name}' could not be loaded`,
        time: this.clock.now(),
        service: name,
        error,
      }),
    )
  }

  /**
   * The definition of a service, loading it and everything it uses first; rejects with
   * `NANO_E_NOT_FOUND` or `NANO_E_BAD_DEFINITION`.
   *
   * @example
   * const def = await rt.resolve('weather/current'); def.idempotent
   */
  resolve(name: string): Promise<ServiceDefinition> {
    const entry = this.#index.get(name)
    if (entry === undefined) return this.#remote.resolve(name)
    const svc = entry.loaded
    if (svc !== undefined) return Promise.resolve(svc.definition)
    return this.#index.ready(entry).then((loaded) => loaded.definition)
  }

  /**
   * The definition of a service ready to run, or undefined (not known, or not loaded yet): a
   * synchronous look-up for hot paths; fall back to {@link Runtime.resolve}.
   *
   * @example
   * const def = rt.loaded('weather/current') ?? (await rt.resolve('weather/current'))
   */
  loaded(name: string): ServiceDefinition | undefined {
    const entry = this.#index.get(name)
    return entry === undefined ? this.#remote.loaded(name) : entry.loaded?.definition
  }

  /**
   * The absolute path of a service's file, or undefined for an unknown name.
   *
   * @example
   * rt.fileOf('weather/current') // '/app/services/weather/current.ts'
   */
  fileOf(name: string): string | undefined {
    return this.#index.get(name)?.file ?? this.#remote.fileOf(name)
  }

  /** Names of all known services, without loading any. */
  names(): string[] {
    return this.#index.names()
  }

  /**
   * A deadline and abort signal that many calls share (`invoke(…, { within })`): one timer
   * however many calls run under it.
   *
   * @example
   * const scope = rt.scope({ deadline: Date.now() + 2000, signal: controller.signal, label: 'page /' })
   */
  scope(options: { readonly deadline: number; readonly signal?: AbortSignal; readonly label: string }): CallScope {
    return new Deadline({ at: options.deadline, setBy: options.label, outer: options.signal, clock: this.clock })
  }

  /**
   * Makes the next call of `name` (or, without a name, of every service, rescanning the folder)
   * load its file afresh. Calls already running finish on the version they started with.
   *
   * @example
   * await rt.reload('weather/current')
   */
  async reload(name?: string): Promise<void> {
    this.#reloads += 1
    this.#index.reload(name)
  }

  /**
   * A count that grows whenever the catalog may have changed: each reload here, and each change
   * the transport reports of what other nodes run.
   *
   * @example
   * if (rt.changes() !== seen) rebuild()
   */
  changes(): number {
    return this.#reloads + this.#remote.changes()
  }

  /**
   * Refuses new calls (`NANO_E_CLOSED`), withdraws its services from the transport, closes the
   * executor (isolates), and empties the cache when the runtime made it (an injected store may be
   * shared: it is left alone).
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#withdraw?.()
    if (this.#transport.owned) await this.#transport.close?.()
    await this.#closeExecutor?.()
    if (this.#ownsStore) await this.#store.clear()
  }
}

function asPromise(value: unknown): Promise<unknown> {
  return value instanceof Promise ? value : Promise.resolve(value)
}

function closedError(): NanoError {
  return new NanoError('NANO_E_CLOSED', 'The runtime is closed')
}
