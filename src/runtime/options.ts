import type { NanoError } from '../define/errors.ts'
import { ServiceIndex } from '../registry/index-of-services.ts'
import type { BreakerOptions } from './breaker.ts'
import type { CacheStore, MemoryCacheLimits } from './cache/store.ts'
import { CallLogs } from './call-log.ts'
import { importExecutor, readSource, versionOf } from './executor.ts'
import { type ServiceLogLevels, serviceLogLevel } from './log-levels.ts'
import { atLeast, foldRepeats, jsonLineSink, type LogLevel, type LogSink } from './logger.ts'
import type { Observer } from './observer.ts'
import { servicePlacement } from './placement.ts'
import type { Clock, Executor, Transport } from './ports.ts'
import { type PreparedService, prepareService, type ValidationSettings } from './prepare.ts'
import type { TopicBus } from './topics.ts'
import { JsonCheckerCompiler } from './validate/json-checker.ts'

/**
 * Options of {@link createRuntime}. Only `root` is required; every port has an in-process default.
 *
 * @example
 * createRuntime({ root: './app', maxCallDepth: 16, cacheLimits: { maxBytes: 32 << 20 } })
 */
export interface RuntimeOptions {
  /** Project folder; services are the files under `<root>/services`. */
  readonly root: string
  /** Where cached results live; an in-memory LRU store by default (cleared by `close()` only then). */
  readonly cacheStore?: CacheStore
  /** Bounds of the default in-memory store. */
  readonly cacheLimits?: MemoryCacheLimits
  /** Nesting limit for calls between services (cycles, runaway recursion). Default 32. */
  readonly maxCallDepth?: number
  /**
   * Calls between services allowed in the tree of one outside call (an `/api` request, one
   * fragment of a page, a call over the transport); the next fails with `NANO_E_CALL_TREE` (508).
   * Bounds call trees that fan out, which the depth limit alone does not. Default 10,000.
   */
  readonly maxCallsPerRequest?: number
  /** Validate input and output of calls between services, not only of outside calls. Default true. */
  readonly validateInternalCalls?: boolean
  /** Compile plain schemas into fast JSON Schema checks after this many calls; 0 turns it off. Default 8. */
  readonly fastValidationAfter?: number
  /** Where logs go; `false` drops them. Default: JSON lines on stderr, repeats folded. */
  readonly logger?: LogSink | false
  /**
   * Least severe level written: of the runtime's own records, and of the `ctx.log` of services
   * that `logLevels` does not name. Default 'info'; with a `logger` of your own, 'debug' (all).
   */
  readonly logLevel?: LogLevel
  /**
   * Per-service levels of `ctx.log`: glob patterns on service names, each with its level
   * (`{ 'news/*': 'debug', 'ads/**': 'warn' }`; the last matching pattern wins). Decided once per
   * service, when it loads. A bad level or an empty pattern throws `NANO_E_BAD_REQUEST`.
   */
  readonly logLevels?: ServiceLogLevels
  /**
   * Called for each service file with an invalid name, which is then skipped. Without it, such a
   * file makes `createRuntime` throw (the default: fail fast).
   */
  readonly onInvalidFile?: (error: NanoError) => void
  /** Where `publish` sends messages; in-process by default. */
  readonly topics?: TopicBus
  /** How service code is loaded and run; in-process `import()` by default. */
  readonly executor?: Executor
  /** How calls reach services this runtime does not run, and how its own are offered; none by default. */
  readonly transport?: Transport
  /** Watches every call (metrics, traces); none by default, at no cost. */
  readonly observer?: Observer
  /** The time source of deadlines and caches; the system clock by default. */
  readonly clock?: Clock
  /** `close()` also closes the transport (it was made for this runtime). Default false. */
  readonly ownsTransport?: boolean
  /**
   * The services this runtime runs: glob patterns on service names (`['sport/**', 'fragments/live-*']`),
   * `[]` for none (a gateway or client of a cluster). Default: every service under `services/`.
   * The others are never imported; calls to them go over the transport.
   */
  readonly services?: readonly string[]
  /** Where results of services with `cache: { store: 'shared' }` are kept too (JetStream KV in a cluster). */
  readonly sharedCache?: CacheStore
  /** The cache store of services whose `cache` names none. Default 'local'. */
  readonly cacheStoreDefault?: 'local' | 'shared'
  /**
   * The circuit breaker of every called service: after `failures` failures in a row (5xx,
   * timeouts; default 5) within `window` (default 60 s), calls fail fast with
   * `NANO_E_UNAVAILABLE` for `coolDown` (default 10 s), then one trial call goes through.
   * `false` turns it off. Default on, with the defaults.
   */
  readonly breaker?: BreakerOptions | false
}

/**
 * Where a runtime's records go: `log` takes the runtime's own (filtered at `logLevel`), `calls`
 * those of `ctx.log` (each service's logger filters at `levelOf(service)` first, and asks the
 * observer for the current span). Both end in the sink given, nothing (`logger: false`), or JSON
 * lines on stderr with repeats folded. Throws `NANO_E_BAD_REQUEST` for a bad level or pattern.
 *
 * @example
 * const { log, calls, levelOf } = runtimeLogs({ root: '.', logLevel: 'warn', logLevels: { 'news/*': 'debug' } }, systemClock)
 */
export function runtimeLogs(
  options: RuntimeOptions,
  clock: Clock,
): { readonly log: LogSink; readonly calls: CallLogs; readonly levelOf: (service: string) => LogLevel } {
  const level = options.logLevel ?? (typeof options.logger === 'function' ? 'debug' : 'info')
  const levelOf = serviceLogLevel(level, options.logLevels)
  const out = outputOf(options, clock)
  const observer = options.observer
  return { log: atLeast(level, out), calls: new CallLogs(out, observer?.current?.bind(observer)), levelOf }
}

function outputOf(options: RuntimeOptions, clock: Clock): LogSink {
  if (options.logger === false) return () => {}
  if (options.logger !== undefined) return options.logger
  return foldRepeats(
    jsonLineSink('debug', (line) => process.stderr.write(line)),
    { clock },
  )
}

/**
 * The index of a runtime's services, loading each through the executor: the content version is
 * read first, then the code, then the validators are prepared.
 *
 * @example
 * const index = serviceIndexFor(options, '/app', log, levelOf)
 */
export function serviceIndexFor(
  options: RuntimeOptions,
  root: string,
  log: LogSink,
  levelOf: (service: string) => LogLevel = () => 'debug',
): ServiceIndex<PreparedService> {
  const fastAfter = options.fastValidationAfter ?? 8
  const settings: ValidationSettings = {
    compiler: fastAfter > 0 ? new JsonCheckerCompiler() : undefined,
    fastAfter,
    log,
    cacheStoreDefault: options.cacheStoreDefault,
  }
  const executor = options.executor ?? importExecutor
  return new ServiceIndex<PreparedService>({
    root,
    onInvalid: options.onInvalidFile,
    include: servicePlacement(options.services),
    loader: {
      async load({ name, file, reload }) {
        const vouched = reload === 0 ? executor.vouch?.({ name, file }) : undefined
        const bytes = vouched === undefined ? readSource({ file, root }) : undefined
        const version = vouched ?? versionOf(name, bytes as Buffer)
        const source = { name, file, root, reload, version, bytes, vouched: vouched !== undefined }
        const definition = await executor.load(source)
        return prepareService({ definition, name, file, version, settings, logLevel: levelOf(name) })
      },
      usesOf: (svc) => svc.uses,
    },
  })
}
