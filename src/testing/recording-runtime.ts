import type { ServiceDefinition } from '../define/service.ts'
import type { CallInput, CallOptions, CallOutput } from '../define/types.ts'
import type { CatalogEntry } from '../registry/catalog.ts'
import type {
  BrokenService,
  CallScope,
  Clock,
  InvokeOptions,
  LogSink,
  Observer,
  RuntimeApi,
  TopicBus,
} from '../runtime/ports.ts'
import type { CallLog } from './call-log.ts'

/**
 * A {@link RuntimeApi} that is `runtime` with every call from outside recorded in `log`: the
 * test's own (`call`, caller `test` unless the options name one), and those the gateway makes
 * through `invoke` (a page's fragments and data, `/api/*`). Everything else is the runtime's.
 *
 * @example
 * const rt = new RecordingRuntime(createRuntime({ root }), new CallLog())
 * await rt.call('geo/lookup', { city: 'Leeds' })
 */
export class RecordingRuntime implements RuntimeApi {
  readonly #runtime: RuntimeApi
  readonly #log: CallLog

  constructor(runtime: RuntimeApi, log: CallLog) {
    this.#runtime = runtime
    this.#log = log
  }

  invoke(name: string, input: unknown, options?: InvokeOptions): unknown {
    return this.#log.track(name, options?.caller, input, () => this.#runtime.invoke(name, input, options))
  }

  call<N extends string>(name: N, input: CallInput<N>, options?: CallOptions): Promise<CallOutput<N>> {
    const withCaller: CallOptions = { ...options, caller: options?.caller ?? 'test' }
    const out = this.invoke(name, input, withCaller)
    return (out instanceof Promise ? out : Promise.resolve(out)) as Promise<CallOutput<N>>
  }

  get root(): string {
    return this.#runtime.root
  }

  get topics(): TopicBus {
    return this.#runtime.topics
  }

  get log(): LogSink {
    return this.#runtime.log
  }

  get clock(): Clock {
    return this.#runtime.clock
  }

  get observer(): Observer | undefined {
    return this.#runtime.observer
  }

  loaded(name: string): ServiceDefinition | undefined {
    return this.#runtime.loaded(name)
  }

  resolve(name: string): Promise<ServiceDefinition> {
    return this.#runtime.resolve(name)
  }

  warm(names?: readonly string[]): Promise<void> {
    return this.#runtime.warm(names)
  }

  fileOf(name: string): string | undefined {
    return this.#runtime.fileOf(name)
  }

  scope(options: { readonly deadline: number; readonly signal?: AbortSignal; readonly label: string }): CallScope {
    return this.#runtime.scope(options)
  }

  publish(topic: string, data?: unknown): void {
    this.#runtime.publish(topic, data)
  }

  names(): string[] {
    return this.#runtime.names()
  }

  catalog(): Promise<CatalogEntry[]> {
    return this.#runtime.catalog()
  }

  changes(): number {
    return this.#runtime.changes?.() ?? 0
  }

  broken(): Promise<BrokenService[]> {
    return this.#runtime.broken()
  }

  metrics(): string {
    return this.#runtime.metrics?.() ?? ''
  }

  reload(name?: string): Promise<void> {
    return this.#runtime.reload(name)
  }

  close(): Promise<void> {
    return this.#runtime.close()
  }
}
