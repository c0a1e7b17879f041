import { relative, resolve } from 'node:path'
import { NanoError } from '../define/errors.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { CallInput, CallOptions, CallOutput } from '../define/types.ts'
import { type CatalogEntry, catalogEntry } from '../registry/catalog.ts'
import { type IndexEntry, ServiceIndex } from '../registry/index-of-services.ts'
import { ResultCache } from './cache/result-cache.ts'
import { type CacheStore, type MemoryCacheLimits, MemoryCacheStore } from './cache/store.ts'
import type { CallContext, CallHost } from './context.ts'
import { jsonLineSink, type LogLevel, type LogSink } from './logger.ts'
import { CallPipeline, notFound } from './pipeline.ts'
import { type PreparedService, prepareService } from './prepare.ts'
import { LocalTopicBus, type TopicBus } from './topics.ts'
import { JsonCheckerCompiler } from './validate/json-checker.ts'

/**
 * Options of {@link createRuntime}. Only `root` is required.
 *
 * @example
 * createRuntime({ root: './app', maxCallDepth: 16, cacheLimits: { maxBytes: 32 << 20 } })
 */
export interface RuntimeOptions {
  /** Project folder; services are the files under `<root>/services`. */
  readonly root: string
  /** Where cached results live; an in-memory LRU store by default. */
  readonly cacheStore?: CacheStore
  /** Bounds of the default in-memory store. */
  readonly cacheLimits?: MemoryCacheLimits
  /** Nesting limit for calls between services (cycles, runaway recursion). Default 32. */
  readonly maxCallDepth?: number
  /** Validate input and output of calls between services, not only of outside calls. Default true. */
  readonly validateInternalCalls?: boolean
  /** Compile plain schemas into fast JSON Schema checks after this many calls; 0 turns it off. Default 8. */
  readonly fastValidationAfter?: number
  /** Where logs go; `false` drops them. Default: JSON lines on stderr at `logLevel`. */
  readonly logger?: LogSink | false
  /** Least severe level the default logger writes. Default 'info'. */
  readonly logLevel?: LogLevel
  /**
   * Called for each service file with an invalid name, which is then skipped. Without it, such a
   * file makes `createRuntime` throw (the default: fail fast).
   */
  readonly onInvalidFile?: (error: NanoError) => void
  /** Where `publish` sends messages; in-process by default. */
  readonly topics?: TopicBus
}

/**
 * Creates a runtime for the services under `<root>/services`. Start-up only lists file names;
 * each service is imported on its first call. Throws `NANO_E_BAD_DEFINITION` naming any file
 * whose name is not a valid service name.
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
 * Runs services in this process: resolve → check capability → validate → cache → deadline →
 * run → validate. Knows nothing of HTTP. Make one with {@link createRuntime}.
 *
 * @example
 * const rt = createRuntime({ root })
 * await rt.call('news/headlines', { limit: 5 })
 */
export class Runtime implements CallHost {
  readonly root: string
  readonly sink: LogSink
  readonly idleSignal: AbortSignal = new AbortController().signal
  readonly #index: ServiceIndex<PreparedService>
  readonly topics: TopicBus
  readonly #store: CacheStore
  readonly #cache: ResultCache
  readonly #maxDepth: number
  readonly #pipeline: CallPipeline
  #closed = false

  constructor(options: RuntimeOptions) {
    this.root = resolve(options.root)
    this.sink =
      options.logger === false
        ? () => {}
        : (options.logger ?? jsonLineSink(options.logLevel ?? 'info', (l) => process.stderr.write(l)))
    this.#maxDepth = options.maxCallDepth ?? 32
    const fastAfter = options.fastValidationAfter ?? 8
    const settings = { compiler: fastAfter > 0 ? new JsonCheckerCompiler() : undefined, fastAfter }
    this.#index = new ServiceIndex(
      this.root,
      (def, file) =>
        prepareService(def, file, (this.#index.get(file.name) as IndexEntry<PreparedService>).version, settings),
      options.onInvalidFile,
    )
    this.topics =
      options.topics ??
      new LocalTopicBus((error, topic) =>
        this.sink({ level: 'error', message: `a listener of topic '${topic}' failed`, time: Date.now(), error }),
      )
    this.#store = options.cacheStore ?? new MemoryCacheStore(options.cacheLimits)
    this.#cache = new ResultCache(this.#store, (key, error) =>
      this.sink({ level: 'warn', message: 'background cache refresh failed', time: Date.now(), key, error }),
    )
    this.#pipeline = new CallPipeline({
      index: this.#index,
      cache: this.#cache,
      validateInternal: options.validateInternalCalls ?? true,
      host: this,
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
   * no cache or deadline, `run` returned a plain value), else a promise. Never throws.
   *
   * @example
   * const out = rt.invoke('bench/echo', input)
   * const value = out instanceof Promise ? await out : out
   */
  invoke(name: string, input: unknown, options?: CallOptions): unknown {
    if (this.#closed) return Promise.reject(closedError())
    try {
      return this.#pipeline.dispatch(name, input, undefined, options)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** The call a service makes through `ctx.call`: only to services it declared in `uses`. */
  callFrom(ctx: CallContext, name: string, input: unknown, options: CallOptions | undefined): Promise<unknown> {
    if (this.#closed) return Promise.reject(closedError())
    if (!ctx.prepared.uses.has(name)) {
      return Promise.reject(
        new NanoError(
          'NANO_E_FORBIDDEN_CALL',
          `'${ctx.service}' may not call '${name}': add it to \`uses\` in ${relative(this.root, ctx.prepared.file)}`,
          { service: ctx.service },
        ),
      )
    }
    if (ctx.depth >= this.#maxDepth) {
      return Promise.reject(
        new NanoError(
          'NANO_E_CALL_DEPTH',
          `Call depth limit ${this.#maxDepth} reached calling '${name}' from '${ctx.service}' (a cycle or runaway recursion)`,
          { service: ctx.service },
        ),
      )
    }
    try {
      return asPromise(this.#pipeline.dispatch(name, input, ctx, options))
    } catch (error) {
      return Promise.reject(error)
    }
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
   * Every service, its JSON Schemas and declared `uses`, sorted by name. Imports all services.
   *
   * @example
   * (await rt.catalog()).map((s) => s.endpoint)
   */
  async catalog(): Promise<CatalogEntry[]> {
    const names = this.#index.names()
    const loaded = await Promise.all(
      names.map((n) => this.#index.load(this.#index.get(n) as IndexEntry<PreparedService>)),
    )
    return loaded.map((svc) => catalogEntry(svc.name, relative(this.root, svc.file), svc.definition))
  }

  /**
   * The definition of a service, importing it if needed; rejects with `NANO_E_NOT_FOUND` or
   * `NANO_E_BAD_DEFINITION`.
   *
   * @example
   * const def = await rt.resolve('weather/current'); def.idempotent
   */
  resolve(name: string): Promise<ServiceDefinition> {
    const entry = this.#index.get(name)
    if (entry === undefined) return Promise.reject(notFound(name))
    const svc = entry.loaded
    if (svc !== undefined) return Promise.resolve(svc.definition)
    return this.#index.load(entry).then((loaded) => loaded.definition)
  }

  /**
   * The definition of a service already imported, or undefined (not known, or not loaded yet):
   * a synchronous look-up for hot paths; fall back to {@link Runtime.resolve}.
   *
   * @example
   * const def = rt.loaded('weather/current') ?? (await rt.resolve('weather/current'))
   */
  loaded(name: string): ServiceDefinition | undefined {
    return this.#index.get(name)?.loaded?.definition
  }

  /**
   * The absolute path of a service's file, or undefined for an unknown name.
   *
   * @example
   * rt.fileOf('weather/current') // '/app/services/weather/current.ts'
   */
  fileOf(name: string): string | undefined {
    return this.#index.get(name)?.file
  }

  /** Names of all known services, without importing any. */
  names(): string[] {
    return this.#index.names()
  }

  /**
   * Makes the next call of `name` (or, without a name, of every service, rescanning the folder)
   * import its file afresh. Calls already running finish on the version they started with.
   *
   * @example
   * await rt.reload('weather/current')
   */
  async reload(name?: string): Promise<void> {
    this.#index.reload(name)
  }

  /** Refuses new calls (`NANO_E_CLOSED`) and empties the cache; running calls finish. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#store.clear()
  }
}

function asPromise(value: unknown): Promise<unknown> {
  return value instanceof Promise ? value : Promise.resolve(value)
}

function closedError(): NanoError {
  return new NanoError('NANO_E_CLOSED', 'The runtime is closed')
}
