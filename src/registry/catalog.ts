import { type Duration, toMs } from '../define/duration.ts'
import { type JsonSchema, toJsonSchema } from '../define/schema.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { Visibility } from '../define/types.ts'

/**
 * What the catalog says about one service: enough for a person, a tool or a client generator.
 *
 * @example
 * const e: CatalogEntry = (await rt.catalog())[0]
 * e.endpoint // '/api/weather/current'
 */
export interface CatalogEntry {
  readonly name: string
  /** `fragment` for services that render HTML (their endpoint answers `text/html`). */
  readonly kind: 'service' | 'fragment'
  readonly description: string | undefined
  /** The service file, relative to the project root. */
  readonly file: string
  readonly visibility: Visibility
  readonly idempotent: boolean
  readonly uses: readonly string[]
  /** `/api/<name>`, or null for internal services. */
  readonly endpoint: string | null
  readonly timeoutMs: number | undefined
  readonly cache:
    | { readonly ttlMs: number; readonly staleWhileRevalidateMs: number; readonly staleIfErrorMs: number }
    | undefined
  readonly input: JsonSchema
  readonly output: JsonSchema
  /** Who may call it from outside, when not anyone: `'user'`, `{ roles }`, or `'rule'` (a function). */
  readonly access?: 'user' | 'rule' | { readonly roles: readonly string[] }
  /** In a cluster: whether this node runs it (`rt.catalog()` sets it; true without a cluster). */
  readonly local?: boolean
  /** In a cluster: the ids of the nodes that run it. */
  readonly nodes?: readonly string[]
}

/**
 * Builds the catalog entry of a service from its definition.
 *
 * @example
 * catalogEntry('weather/current', 'services/weather/current.ts', def)
 */
export function catalogEntry(name: string, file: string, def: ServiceDefinition): CatalogEntry {
  const ms = (d: Duration | undefined): number => (d === undefined ? 0 : toMs(d))
  const access = def.policy?.access
  const entry: CatalogEntry = {
    name,
    kind: def.kind,
    description: def.description,
    file,
    visibility: def.visibility,
    idempotent: def.idempotent,
    uses: def.uses,
    endpoint: def.visibility === 'internal' ? null : `/api/${name}`,
    timeoutMs: def.timeout === undefined ? undefined : toMs(def.timeout),
    cache:
      def.cache === undefined
        ? undefined
        : {
            ttlMs: ms(def.cache.ttl),
            staleWhileRevalidateMs: ms(def.cache.staleWhileRevalidate),
            staleIfErrorMs: ms(def.cache.staleIfError),
          },
    input: toJsonSchema(def.input, 'input'),
    output: toJsonSchema(def.output, 'output'),
  }
  if (access === undefined || access === 'public') return entry
  return { ...entry, access: typeof access === 'function' ? 'rule' : access }
}
