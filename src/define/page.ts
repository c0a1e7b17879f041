import type { Duration } from './duration.ts'
import type { Access } from './policy.ts'
import { policyOf } from './policy-check.ts'
import type { CallInput, CallOutput, MaybePromise, RequestContext } from './types.ts'

const PAGE_BRAND: unique symbol = Symbol.for('nanoweb.page') as never

/**
 * What a TypeScript page's `data()` receives. `Uses` is the union of the names in the page's
 * `uses`: `call` accepts only those, with the input and output types of `nanoweb-env.d.ts`.
 *
 * @example
 * async data({ params, call }) { return { title: (await call('news/story', { id: params.id ?? '' })).title } }
 */
export interface PageRequest<Uses extends string = string> {
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  readonly request: RequestContext
  /** Calls a service named in the page's `uses`; any other name fails with `NANO_E_FORBIDDEN_CALL`. */
  call<N extends Uses>(name: N, input: CallInput<N>): Promise<CallOutput<N>>
}

/**
 * What a `pages/**.ts` file passes to {@link page}: the same HTML template language as a
 * `.html` page, plus `{data.x}` values computed per request by `data()`.
 *
 * @example
 * const spec: PageSpec = { template: '<h1>{data.title}</h1>', data: () => ({ title: 'Hi' }) }
 */
export interface PageSpec<U extends readonly string[] = readonly string[]> {
  readonly template: string
  /** Services `data()` may call. */
  readonly uses?: U
  /** Time after which every unfinished fragment gets its fallback. */
  readonly budget?: Duration
  /**
   * Who may see the page (as a service's `access`; a function gets the user and the route
   * params). Others get a 401 or 403 page. Default: anyone.
   */
  readonly access?: Access<Readonly<Record<string, string | undefined>>>
  data?(request: PageRequest<U[number]>): MaybePromise<Record<string, unknown>>
}

/**
 * A page defined in TypeScript. `Uses` defaults to any name, which is how the runtime sees it.
 *
 * @example
 * isPageDefinition((await import(file)).default)
 */
export interface PageDefinition<Uses extends string = string> {
  readonly [PAGE_BRAND]: true
  readonly template: string
  readonly uses: readonly Uses[]
  readonly budget?: Duration
  readonly access?: Access<Readonly<Record<string, string | undefined>>>
  data?(request: PageRequest<Uses>): MaybePromise<Record<string, unknown>>
}

/**
 * Defines a page that needs logic: `data()` runs per request and its values fill `{data.x}` in the
 * template, which is compiled once into the same plan as an HTML page. `call` in `data()` is typed
 * like `ctx.call` in a service: only names in `uses` compile, and inputs and outputs are checked
 * against `nanoweb-env.d.ts`.
 *
 * @example
 * export default page({
 *   uses: ['news/story'],
 *   async data({ params, call }) { return { title: (await call('news/story', { id: params.id ?? '' })).title } },
 *   template: `<!doctype html><title>{data.title}</title>
 *     <nano-fragment src="fragments/story-body" id="{params.id}" primary>Story unavailable</nano-fragment>`,
 * })
 */
export function page<const U extends readonly string[] = readonly []>(spec: PageSpec<U>): PageDefinition<U[number]> {
  if (typeof spec?.template !== 'string') throw new TypeError('page(): `template` must be a string of HTML')
  if (spec.data !== undefined && typeof spec.data !== 'function')
    throw new TypeError('page(): `data` must be a function')
  if (spec.uses !== undefined && (!Array.isArray(spec.uses) || spec.uses.some((u) => typeof u !== 'string')))
    throw new TypeError('page(): `uses` must be an array of service names')
  if (spec.access !== undefined) policyOf({ access: spec.access })
  return Object.freeze({ ...spec, uses: Object.freeze([...(spec.uses ?? [])]), [PAGE_BRAND]: true as const })
}

/**
 * True when `value` was made by {@link page}.
 *
 * @example
 * isPageDefinition(mod.default)
 */
export function isPageDefinition(value: unknown): value is PageDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PAGE_BRAND] === true
}
