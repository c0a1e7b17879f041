import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type Duration, toMs } from './duration.ts'
import { policyOf, type SecurityPolicy } from './policy-check.ts'
import type { CachePolicy, Context, MaybePromise, SpecBase, Visibility } from './types.ts'

/**
 * Marks objects made by {@link service} (`isServiceDefinition` checks it); shared across copies
 * of nanoweb.
 *
 * @example
 * def[SERVICE_BRAND] // true
 */
export const SERVICE_BRAND: unique symbol = Symbol.for('nanoweb.service') as never

/**
 * What a service file passes to {@link service}.
 *
 * @example
 * const spec: ServiceSpec<typeof In, typeof Out, ['geo/lookup']> = { input: In, output: Out, uses: ['geo/lookup'], run }
 */
export interface ServiceSpec<I extends StandardSchemaV1, O extends StandardSchemaV1, U extends readonly string[]>
  extends SpecBase<I, U> {
  readonly output: O
  /** Safe to repeat and to call with GET. */
  readonly idempotent?: boolean
  run(
    input: StandardSchemaV1.InferOutput<I>,
    ctx: Context<U[number]>,
  ): MaybePromise<NoInfer<StandardSchemaV1.InferInput<O>>>
}

/**
 * A service as the runtime sees it: the spec with defaults filled in and durations checked.
 *
 * @example
 * import def from './services/weather/current.ts'
 * def.uses // ['geo/lookup']
 */
export interface ServiceDefinition<
  I extends StandardSchemaV1 = StandardSchemaV1,
  O extends StandardSchemaV1 = StandardSchemaV1,
  U extends string = string,
> {
  readonly [SERVICE_BRAND]: true
  readonly kind: 'service' | 'fragment'
  readonly description: string | undefined
  readonly input: I
  readonly output: O
  readonly uses: readonly U[]
  readonly cache: CachePolicy | undefined
  readonly timeout: Duration | undefined
  readonly visibility: Visibility
  readonly idempotent: boolean
  /** Security settings as declared (`trust`, `limits`, `allow`, `access`, `rateLimit`, `concurrency`). */
  readonly policy: SecurityPolicy
  /** The service body (a method, so that a typed definition is also a `ServiceDefinition`). */
  run(input: StandardSchemaV1.InferOutput<I>, ctx: Context<U>): MaybePromise<unknown>
}

/**
 * Defines a nanoservice: one function with a typed, validated input and output. Export it as the
 * default export of `services/<name>.ts`.
 *
 * @example
 * export default service({
 *   input: z.object({ city: z.string().min(1) }),
 *   output: z.object({ tempC: z.number() }),
 *   async run({ city }) { return { tempC: city.length } },
 * })
 */
export function service<
  I extends StandardSchemaV1,
  O extends StandardSchemaV1,
  const U extends readonly string[] = readonly [],
>(spec: ServiceSpec<I, O, U>): ServiceDefinition<I, O, U[number]> {
  assertSpec(spec as unknown as Parameters<typeof assertSpec>[0])
  return Object.freeze({
    [SERVICE_BRAND]: true as const,
    kind: 'service' as const,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    uses: Object.freeze([...(spec.uses ?? [])]) as readonly U[number][],
    cache: spec.cache,
    timeout: spec.timeout,
    visibility: spec.visibility ?? 'public',
    idempotent: spec.idempotent ?? false,
    policy: policyOf(spec),
    run: spec.run as ServiceDefinition<I, O, U[number]>['run'],
  })
}

/**
 * True when `value` was made by {@link service}.
 *
 * @example
 * isServiceDefinition((await import(file)).default)
 */
export function isServiceDefinition(value: unknown): value is ServiceDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SERVICE_BRAND] === true
}

function assertSpec(spec: ServiceSpec<StandardSchemaV1, StandardSchemaV1, readonly string[]>): void {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('service() expects an object')
  if (!isStandardSchema(spec.input))
    throw new TypeError('service(): `input` must be a Standard Schema (for example a zod schema)')
  if (!isStandardSchema(spec.output))
    throw new TypeError('service(): `output` must be a Standard Schema (for example a zod schema)')
  if (typeof spec.run !== 'function') throw new TypeError('service(): `run` must be a function')
  if (spec.uses !== undefined && (!Array.isArray(spec.uses) || spec.uses.some((u) => typeof u !== 'string')))
    throw new TypeError('service(): `uses` must be an array of service names')
  if (spec.visibility !== undefined && spec.visibility !== 'public' && spec.visibility !== 'internal')
    throw new TypeError(
      `service(): \`visibility\` must be 'public' or 'internal', not ${JSON.stringify(spec.visibility)}`,
    )
  if (spec.timeout !== undefined) toMs(spec.timeout, 'timeout')
  if (spec.cache !== undefined) {
    toMs(spec.cache.ttl, 'cache.ttl')
    if (spec.cache.staleWhileRevalidate !== undefined)
      toMs(spec.cache.staleWhileRevalidate, 'cache.staleWhileRevalidate')
    if (spec.cache.staleIfError !== undefined) toMs(spec.cache.staleIfError, 'cache.staleIfError')
    const vary: readonly unknown[] = spec.cache.vary ?? []
    const unknown = vary.find((fact) => fact !== 'locale' && fact !== 'device' && fact !== 'user')
    if (unknown !== undefined)
      throw new TypeError(
        `service(): \`cache.vary\` names request facts: 'locale', 'device' or 'user', not ${JSON.stringify(unknown)}`,
      )
    const store: unknown = spec.cache.store
    if (store !== undefined && store !== 'local' && store !== 'shared')
      throw new TypeError(`service(): \`cache.store\` must be 'local' or 'shared', not ${JSON.stringify(store)}`)
  }
}

/**
 * True when `value` implements Standard Schema v1 (zod 4, valibot, arktype, …).
 *
 * @example
 * isStandardSchema(z.string()) // true
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const std = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null)?.['~standard']
  return typeof std === 'object' && std !== null && std.version === 1 && typeof std.validate === 'function'
}
