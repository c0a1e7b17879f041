import { toMs } from '../define/duration.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { RequestContext, VaryKey } from '../define/types.ts'
import { type AccessCheck, accessCheckOf } from './access.ts'
import type { CachePolicyMs } from './cache/result-cache.ts'
import { ConcurrencyGate } from './concurrency.ts'
import type { LogLevel, LogSink } from './logger.ts'
import { isAsyncFunction, RUNNING } from './running.ts'
import type { JsonCheckerCompiler } from './validate/json-checker.ts'
import { SealedMemo } from './validate/sealed.ts'
import { Validator } from './validate/validator.ts'

/**
 * A loaded service in the shape the call path wants: sets, milliseconds and validators ready.
 *
 * @example
 * const svc = prepareService({ definition, name: 'a/b', file, version: 'c0ffee', settings })
 * svc.uses.has('geo/lookup')
 */
export interface PreparedService {
  readonly name: string
  readonly file: string
  /** Content hash of the service's code: the same code has the same version in every process. */
  readonly version: string
  readonly definition: ServiceDefinition
  /** The definition's `run`; with a concurrency gate, wrapped to give its slot back when it settles. */
  readonly run: ServiceDefinition['run']
  /** This service's id in {@link RUNNING} (written to its slot while `run` executes). */
  readonly runId: number
  /** `run` is an `async` function: it runs inside the service's async context. */
  readonly runsAsync: boolean
  /** Bounds the calls running at once, when the service declares `concurrency`. */
  readonly gate: ConcurrencyGate | undefined
  readonly uses: ReadonlySet<string>
  readonly timeoutMs: number | undefined
  readonly cache: CachePolicyMs | undefined
  /** Prefix of this version's cache keys (the version: it hashes the name too): a shared store never serves another version's or service's results. */
  readonly cacheKeyPrefix: string
  /** Cache keys of sealed inputs (see `sealInput`), computed once each. */
  readonly sealedKeys: SealedMemo<string>
  /** Request facts that enter the cache key. */
  readonly vary: readonly VaryKey[]
  readonly input: Validator
  readonly output: Validator
  /** Who may call on behalf of a request; undefined for a public service (nothing to check). */
  readonly access: AccessCheck | undefined
  /** The least severe level its `ctx.log` writes (the runtime's `logLevels`, decided at load). */
  readonly logLevel: LogLevel
}

/**
 * How validators are built: the shared JSON Schema compiler (or none to always use the schema
 * library) and after how many checks a plain schema gets compiled.
 *
 * @example
 * const settings: ValidationSettings = { compiler: new JsonCheckerCompiler(), fastAfter: 8 }
 */
export interface ValidationSettings {
  readonly compiler: JsonCheckerCompiler | undefined
  readonly fastAfter: number
  /** Where unexpected validation failures are logged. */
  readonly log?: LogSink
  /** The cache store of services whose policy names none. Default 'local'. */
  readonly cacheStoreDefault?: 'local' | 'shared'
}

/**
 * What {@link prepareService} needs: the imported definition, where it came from, its content
 * version, and the validation settings.
 *
 * @example
 * const source: PrepareSource = { definition, name: 'a/b', file: '/app/services/a/b.ts', version: 'c0ffee', settings }
 */
export interface PrepareSource {
  readonly definition: ServiceDefinition
  readonly name: string
  readonly file: string
  readonly version: string
  readonly settings: ValidationSettings
  /** The least severe level the service's `ctx.log` writes. Default 'debug' (all). */
  readonly logLevel?: LogLevel
}

/**
 * Builds the {@link PreparedService} for an imported definition.
 *
 * @example
 * const svc = prepareService({ definition, name, file, version, settings })
 */
export function prepareService(source: PrepareSource): PreparedService {
  const { definition, name, version, settings } = source
  const cache = definition.cache
  const { compiler, fastAfter, log } = settings
  const concurrency = definition.policy?.concurrency
  const gate = concurrency === undefined ? undefined : new ConcurrencyGate(name, concurrency)
  const input = new Validator(definition.input, {
    compiler,
    code: 'NANO_E_INVALID_INPUT',
    service: name,
    fastAfter,
    log,
  })
  const output = new Validator(definition.output, {
    compiler,
    code: 'NANO_E_INVALID_OUTPUT',
    service: name,
    fastAfter,
    log,
  })
  input.prime()
  output.prime()
  return {
    name,
    file: source.file,
    version,
    definition,
    run: gate === undefined ? definition.run : gate.wrap(definition.run),
    gate,
    runId: RUNNING.idOf(name),
    runsAsync: isAsyncFunction(definition.run),
    uses: new Set(definition.uses),
    timeoutMs: definition.timeout === undefined ? undefined : toMs(definition.timeout, 'timeout'),
    cache:
      cache === undefined
        ? undefined
        : {
            ttl: toMs(cache.ttl),
            staleWhileRevalidate: cache.staleWhileRevalidate === undefined ? 0 : toMs(cache.staleWhileRevalidate),
            staleIfError: cache.staleIfError === undefined ? 0 : toMs(cache.staleIfError),
            shared: (cache.store ?? settings.cacheStoreDefault) === 'shared',
          },
    cacheKeyPrefix: `${version}\u0000`,
    sealedKeys: new SealedMemo(),
    vary: definition.cache?.vary ?? [],
    input,
    output,
    access: accessCheckOf(`'${name}'`, definition.policy?.access),
    logLevel: source.logLevel ?? 'debug',
  }
}

/**
 * The request fact named by `fact`, as it enters a cache key.
 *
 * @example
 * varyValue({ userId: 'u1' }, 'user') // 'u1'
 */
export function varyValue(request: RequestContext, fact: VaryKey): string {
  return (fact === 'user' ? request.userId : request[fact]) ?? ''
}
