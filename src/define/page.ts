import type { Duration } from './duration.ts'
import type { RequestContext } from './types.ts'

const PAGE_BRAND: unique symbol = Symbol.for('nanoweb.page') as never

type MaybePromise<T> = T | Promise<T>

/**
 * What a TypeScript page's `data()` receives.
 *
 * @example
 * async data({ params, call }) { return { title: (await call('news/story', { id: params.id })).title } }
 */
export interface PageRequest {
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  readonly request: RequestContext
  /** Calls a service named in the page's `uses`. */
  call(name: string, input: unknown): Promise<unknown>
}

/**
 * What a `pages/**.ts` file passes to {@link page}: the same HTML template language as a
 * `.html` page, plus `{data.x}` values computed per request by `data()`.
 *
 * @example
 * const spec: PageSpec = { template: '<h1>{data.title}</h1>', data: () => ({ title: 'Hi' }) }
 */
export interface PageSpec {
  readonly template: string
  /** Services `data()` may call. */
  readonly uses?: readonly string[]
  /** Time after which every unfinished fragment gets its fallback. */
  readonly budget?: Duration
  data?(request: PageRequest): MaybePromise<Record<string, unknown>>
}

/**
 * A page defined in TypeScript.
 *
 * @example
 * isPageDefinition((await import(file)).default)
 */
export interface PageDefinition extends PageSpec {
  readonly [PAGE_BRAND]: true
  readonly uses: readonly string[]
}

/**
 * Defines a page that needs logic: `data()` runs per request and its values fill `{data.x}` in the
 * template, which is compiled once into the same plan as an HTML page.
 *
 * @example
 * export default page({
 *   uses: ['news/story'],
 *   async data({ params, call }) { return { title: ((await call('news/story', { id: params.id })) as { title: string }).title } },
 *   template: `<!doctype html><title>{data.title}</title>
 *     <nano-fragment src="fragments/story-body" id="{params.id}" primary>Story unavailable</nano-fragment>`,
 * })
 */
export function page(spec: PageSpec): PageDefinition {
  if (typeof spec?.template !== 'string') throw new TypeError('page(): `template` must be a string of HTML')
  if (spec.data !== undefined && typeof spec.data !== 'function')
    throw new TypeError('page(): `data` must be a function')
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
