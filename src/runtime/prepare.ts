import { toMs } from '../define/duration.ts'
import { isFragment, type VaryKey } from '../define/fragment.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { ServiceFile } from '../registry/scan.ts'
import type { CachePolicyMs } from './cache/result-cache.ts'
import type { JsonCheckerCompiler } from './validate/json-checker.ts'
import { Validator } from './validate/validator.ts'

/**
 * A loaded service in the shape the call path wants: sets, milliseconds and validators ready.
 *
 * @example
 * const svc = prepareService(def, { name: 'a/b', file }, 1, settings)
 * svc.uses.has('geo/lookup')
 */
export interface PreparedService {
  readonly name: string
  readonly file: string
  readonly definition: ServiceDefinition
  readonly run: ServiceDefinition['run']
  readonly uses: ReadonlySet<string>
  readonly timeoutMs: number | undefined
  readonly cache: CachePolicyMs | undefined
  /** Prefix of this version's cache keys, so a reload never serves the old version's results. */
  readonly cacheKeyPrefix: string
  /** Request facts that enter the cache key (fragments' `vary`). */
  readonly vary: readonly VaryKey[]
  readonly input: Validator
  readonly output: Validator
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
}

/**
 * Builds the {@link PreparedService} for an imported definition.
 *
 * @example
 * const svc = prepareService(def, file, entry.version, settings)
 */
export function prepareService(
  definition: ServiceDefinition,
  file: ServiceFile,
  version: number,
  settings: ValidationSettings,
): PreparedService {
  const { name } = file
  const cache = definition.cache
  return {
    name,
    file: file.file,
    definition,
    run: definition.run,
    uses: new Set(definition.uses),
    timeoutMs: definition.timeout === undefined ? undefined : toMs(definition.timeout, 'timeout'),
    cache:
      cache === undefined
        ? undefined
        : {
            ttl: toMs(cache.ttl),
            staleWhileRevalidate: cache.staleWhileRevalidate === undefined ? 0 : toMs(cache.staleWhileRevalidate),
            staleIfError: cache.staleIfError === undefined ? 0 : toMs(cache.staleIfError),
          },
    cacheKeyPrefix: `${name}@${version}\u0000`,
    vary: isFragment(definition) ? definition.vary : [],
    input: new Validator(definition.input, settings.compiler, 'NANO_E_INVALID_INPUT', name, settings.fastAfter),
    output: new Validator(definition.output, settings.compiler, 'NANO_E_INVALID_OUTPUT', name, settings.fastAfter),
  }
}
