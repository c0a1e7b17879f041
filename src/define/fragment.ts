import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type Duration, toMs } from './duration.ts'
import { escapeHtml, type Html, isHtml } from './html.ts'
import { OWN_CHECK } from './schema.ts'
import { type ServiceDefinition, service } from './service.ts'
import type { Context, MaybePromise, SpecBase, VaryKey } from './types.ts'

export type { VaryKey } from './types.ts'

/**
 * How a fragment re-renders itself in open pages: on a schedule (`every`), when a topic is
 * published (`on`, by `ctx.publish` or `rt.publish`), or both.
 *
 * @example
 * const live: LivePolicy = { every: '5s', on: 'scores' }
 */
export type LivePolicy =
  | { readonly every: Duration; readonly on?: string }
  | { readonly every?: Duration; readonly on: string }

/**
 * What a fragment file passes to {@link fragment}.
 *
 * @example
 * const spec = { input: z.object({ match: z.string() }), render: ({ match }) => html`<b>${match}</b>` }
 */
export interface FragmentSpec<I extends StandardSchemaV1, U extends readonly string[]> extends SpecBase<I, U> {
  /** Stylesheets (paths relative to this file), emitted once per page in the head. */
  readonly css?: string | readonly string[]
  /** Scripts (paths relative to this file), emitted once per page. */
  readonly js?: string | readonly string[]
  /** Request context this fragment's output depends on (enters its cache key). */
  readonly vary?: readonly VaryKey[]
  /** Re-render and push to open pages on a schedule or a topic. */
  readonly live?: LivePolicy
  render(input: StandardSchemaV1.InferOutput<I>, ctx: Context<U[number]>): MaybePromise<Html | string>
}

/**
 * A fragment as the runtime sees it: a service whose output is a string of HTML.
 *
 * @example
 * import box from './services/sport/score-box.ts'
 * box.kind // 'fragment'
 */
export interface FragmentDefinition<I extends StandardSchemaV1 = StandardSchemaV1, U extends string = string>
  extends ServiceDefinition<I, StandardSchemaV1<Html | string, string>, U> {
  readonly kind: 'fragment'
  readonly css: readonly string[]
  readonly js: readonly string[]
  readonly vary: readonly VaryKey[]
  readonly live: LivePolicy | undefined
}

/**
 * The output schema of every fragment: `html` results pass as they are; a plain string is text,
 * so it is escaped (a fragment can never emit markup by accident).
 *
 * @example
 * HTML_OUTPUT['~standard'].validate('<b>') // { value: '&lt;b&gt;' }
 */
export const HTML_OUTPUT: StandardSchemaV1<Html | string, string> = {
  '~standard': {
    version: 1,
    vendor: 'nanoweb',
    validate: (value) =>
      typeof value === 'string' ? { value } : { issues: [{ message: 'render() must return html`…` or a string' }] },
  },
  [OWN_CHECK]: (value: unknown): boolean => typeof value === 'string',
} as StandardSchemaV1<Html | string, string>

/**
 * Defines a fragment: a service that renders one component of a page as HTML. Its endpoint
 * `/api/<name>` answers `text/html`; pages place it with `<nano-fragment src="<name>">`.
 *
 * @example
 * export default fragment({
 *   input: z.object({ match: z.string() }),
 *   uses: ['sport/score'],
 *   css: 'score-box.css',
 *   async render({ match }, ctx) {
 *     const s = await ctx.call('sport/score', { match })
 *     return html`<div class="score">${s.home} ${s.homeGoals}–${s.awayGoals} ${s.away}</div>`
 *   },
 * })
 */
export function fragment<I extends StandardSchemaV1, const U extends readonly string[] = readonly []>(
  spec: FragmentSpec<I, U>,
): FragmentDefinition<I, U[number]> {
  if (typeof spec?.render !== 'function') throw new TypeError('fragment(): `render` must be a function')
  const vary = Object.freeze([...(spec.vary ?? spec.cache?.vary ?? [])])
  if (spec.live !== undefined) {
    if (spec.live.every === undefined && typeof spec.live.on !== 'string') {
      throw new TypeError("fragment(): `live` needs `every` (e.g. '5s') or `on` (a topic), or both")
    }
    if (spec.live.every !== undefined) toMs(spec.live.every, 'live.every')
    if (vary.length > 0) {
      throw new TypeError(
        `fragment(): a \`live\` fragment cannot \`vary\` (it varies by ${vary.join(', ')}): live updates are ` +
          'rendered once, without a request, and pushed to every page showing the fragment, so a visitor could ' +
          "be sent another's content. Drop `vary` or drop `live`.",
      )
    }
  }
  const render = spec.render
  const base = service({
    description: spec.description,
    input: spec.input,
    output: HTML_OUTPUT,
    uses: spec.uses,
    cache: spec.cache === undefined ? undefined : { ...spec.cache, vary },
    timeout: spec.timeout,
    visibility: spec.visibility,
    trust: spec.trust,
    limits: spec.limits,
    allow: spec.allow,
    access: spec.access,
    rateLimit: spec.rateLimit,
    concurrency: spec.concurrency,
    idempotent: true,
    // an async render gets an async run: the runtime runs those in the service's async context
    run:
      render.constructor.name === 'AsyncFunction'
        ? async (input, ctx) => toMarkup(await render(input, ctx as never))
        : (input, ctx) => {
            const out = render(input, ctx as never)
            return out instanceof Promise ? out.then(toMarkup) : toMarkup(out)
          },
  })
  return Object.freeze({
    ...base,
    kind: 'fragment' as const,
    css: list(spec.css),
    js: list(spec.js),
    vary,
    live: spec.live,
  }) as unknown as FragmentDefinition<I, U[number]>
}

/**
 * True when a service definition is a fragment.
 *
 * @example
 * if (isFragment(def)) reply.headers['content-type'] = 'text/html'
 */
export function isFragment(def: ServiceDefinition): def is FragmentDefinition {
  return def.kind === 'fragment'
}

function toMarkup(value: Html | string): string {
  if (isHtml(value)) return value.value
  if (typeof value === 'string') return escapeHtml(value)
  throw new TypeError('render() must return html`…` or a string')
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return Object.freeze([])
  return Object.freeze(typeof value === 'string' ? [value] : [...value])
}
