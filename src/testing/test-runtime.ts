import { type AppRuntimeOptions, createRuntime } from '../assembly/create-runtime.ts'
import { nearNames } from '../define/did-you-mean.ts'
import { NanoError } from '../define/errors.ts'
import type { CallInput, CallOptions, CallOutput } from '../define/types.ts'
import type { AppOptions } from '../http/app.ts'
import { createServer, type NanoServer } from '../http/server.ts'
import { importExecutor } from '../runtime/executor.ts'
import type { LogRecord, RuntimeApi } from '../runtime/ports.ts'
import { CallLog, type RecordedCall } from './call-log.ts'
import { type Fakes, fakingExecutor } from './faking-executor.ts'
import { errorOfPage } from './page-error.ts'
import { RecordingRuntime } from './recording-runtime.ts'

/**
 * Options of {@link testRuntime}: the project's `root`, the `fakes` that stand in for services,
 * the gateway's options for `page`/`fetch` (`server`), and the runtime's own options. Defaults
 * differ from `createRuntime`'s where tests want it: logs are kept for `logs()` (not written),
 * metrics and the circuit breaker are off.
 *
 * @example
 * const options: TestRuntimeOptions = { root: './app', fakes: { 'geo/lookup': () => ({ lat: 1, lon: 2 }) } }
 */
export interface TestRuntimeOptions
  extends Omit<AppRuntimeOptions, 'nats' | 'transport' | 'ownsTransport' | 'services'> {
  /** Services to replace, by name: each keeps its real definition (schemas, cache, uses), its `run` is the fake. */
  readonly fakes?: Fakes
  /** Options of the gateway that answers `page` and `fetch` (auth, user, …). Default: `warm: false`. */
  readonly server?: AppOptions
}

/**
 * Starts a runtime for tests over the project at `root`: real services, with those named in
 * `fakes` replaced (checked against their real schemas), every call recorded, and fragments and
 * pages rendered to strings. Rejects with `NANO_E_NOT_FOUND` (naming near names) when a fake names
 * no service, and with the real file's error when a faked service does not load.
 *
 * @example
 * await using rt = await testRuntime({ root, fakes: { 'geo/lookup': ({ city }) => ({ lat: 1, lon: 2 }) } })
 * await rt.call('weather/current', { city: 'Leeds' })
 * rt.calls('geo/lookup') // [{ service: 'geo/lookup', caller: 'weather/current', input: { city: 'Leeds' }, output: { lat: 1, lon: 2 } }]
 */
export async function testRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const { fakes = {}, server, ...own } = options
  for (const [name, fake] of Object.entries(fakes)) {
    if (fake !== undefined && typeof fake !== 'function') {
      throw new TypeError(`testRuntime(): the fake of '${name}' must be a function (input, ctx) => output`)
    }
  }
  const log = new CallLog()
  const logs: LogRecord[] = []
  const runtime = createRuntime({
    metrics: false,
    breaker: false,
    logger: (record) => logs.push(record),
    ...own,
    executor: fakingExecutor(own.executor ?? importExecutor, fakes, log),
  })
  try {
    await checkFakes(
      runtime,
      Object.keys(fakes).filter((name) => fakes[name] !== undefined),
    )
  } catch (error) {
    await runtime.close()
    throw error
  }
  return new TestRuntime(new RecordingRuntime(runtime, log), log, logs, server ?? {})
}

async function checkFakes(runtime: RuntimeApi, faked: readonly string[]): Promise<void> {
  const known = runtime.names()
  for (const name of faked) {
    if (known.includes(name)) continue
    const near = nearNames(name, known)
    const hint = near.length === 0 ? '' : ` Did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
    throw new NanoError(
      'NANO_E_NOT_FOUND',
      `testRuntime(): cannot fake '${name}': there is no services/${name}.ts under ${runtime.root}. A fake replaces a real service and is checked against its schemas.${hint}`,
      { service: name },
    )
  }
  await Promise.all(faked.map((name) => runtime.resolve(name)))
}

/**
 * A runtime under test, made by {@link testRuntime}. Dispose of it with `close()` or `await using`.
 *
 * @example
 * const html = await rt.render('hello-card', { name: 'Ada' })
 * const page = await rt.page('/')
 * await rt.close()
 */
export class TestRuntime implements AsyncDisposable {
  /** The runtime itself (its calls are recorded too): `catalog()`, `publish()`, `resolve()`… */
  readonly runtime: RuntimeApi
  readonly #log: CallLog
  readonly #logs: LogRecord[]
  readonly #serverOptions: AppOptions
  #server: NanoServer | undefined

  constructor(runtime: RuntimeApi, log: CallLog, logs: LogRecord[], serverOptions: AppOptions) {
    this.runtime = runtime
    this.#log = log
    this.#logs = logs
    this.#serverOptions = serverOptions
  }

  /** Calls a service as `rt.call` does (input and output validated); recorded with caller `test` unless `options.caller` says otherwise. */
  call<N extends string>(name: N, input: CallInput<N>, options?: CallOptions): Promise<CallOutput<N>> {
    return this.runtime.call(name, input, options)
  }

  /**
   * The calls made so far, oldest first (a call before those it made), with their input and
   * output or error; only those of `service` when it is given. A snapshot: call again to see later calls.
   */
  calls(service?: string): RecordedCall[] {
    return this.#log.calls(service)
  }

  /** Forgets the calls recorded so far (the log records too). */
  reset(): void {
    this.#log.reset()
    this.#logs.length = 0
  }

  /** The log records written so far (unless a `logger` was given). */
  logs(): LogRecord[] {
    return [...this.#logs]
  }

  /** The HTML of one fragment for `input` (as `/api/<name>` answers it); a TypeError for a service that is not a fragment. */
  async render(fragment: string, input: unknown = {}, options?: CallOptions): Promise<string> {
    const definition = await this.runtime.resolve(fragment)
    if (definition.kind !== 'fragment') {
      throw new TypeError(`'${fragment}' is a service, not a fragment: use rt.call('${fragment}', input)`)
    }
    return (await this.call(fragment, input as never, options)) as string
  }

  /**
   * The whole HTML of the page at `path` (with its query), as a browser receives it: every
   * streamed part joined. Rejects with a `NanoError` (its code, the status and message) unless the
   * page answers 2xx.
   */
  async page(path: string, init?: RequestInit): Promise<string> {
    const response = await this.fetch(path, init)
    const text = await response.text()
    if (response.ok) return text
    throw errorOfPage(path, response.status, text)
  }

  /** Answers a request for `path` (pages, `/api/*`, `/_nano/*`) through the real gateway, without a socket. */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    this.#server ??= createServer({ warm: false, ...this.#serverOptions, runtime: this.runtime })
    return this.#server.fetch(new Request(new URL(path, 'http://nanoweb.test'), init))
  }

  /** Closes the gateway (if a page was asked for) and the runtime. */
  close(): Promise<void> {
    return this.#server === undefined ? this.runtime.close() : this.#server.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
