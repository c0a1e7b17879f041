import type { PageVars } from '../compose/interpolate.ts'
import type { LiveHub } from '../compose/live/index.ts'
import type { CompiledPage, PageEntry, PageIndex } from '../compose/pages.ts'
import type { PagePlan } from '../compose/plan.ts'
import { type Fallback, PageRender } from '../compose/render.ts'
import { NanoError } from '../define/errors.ts'
import { escapeHtml } from '../define/html.ts'
import type { PageDefinition } from '../define/page.ts'
import type { RequestContext } from '../define/types.ts'
import { type AccessCheck, accessCheckOf, whenAllowed } from '../runtime/access.ts'
import type { Caller } from '../runtime/ports.ts'
import { SIGN_IN_CHALLENGE } from './auth/challenge.ts'
import type { Exchange, MaybeReply, Reply } from './exchange.ts'
import { NANO_URLS } from './urls.ts'

/**
 * What a page request needs from the gateway.
 *
 * @example
 * const call: PageCall = { caller: rt, pages, traceId, request: {}, headers: {} }
 */
export interface PageCall {
  readonly caller: Caller
  readonly pages: PageIndex
  readonly traceId: string
  readonly request: RequestContext
  readonly headers: Record<string, string>
  readonly live?: LiveHub | undefined
  /** This response's CSP nonce (its policy is already in `headers`). */
  readonly nonce?: string | undefined
}

/**
 * Answers a page: compiles it on first use, runs its `data()` (TypeScript pages), renders every
 * fragment at once and streams the HTML. The page status comes from its primary fragments; every
 * fallback is logged with the fragment, the page, the reason and the trace id; a client that goes
 * away stops the render (the fragments' `ctx.signal` aborts).
 *
 * @example
 * const reply = handlePage(ex, found.entry, found.params, call)
 */
export function handlePage(
  ex: Exchange,
  entry: PageEntry,
  params: Record<string, string | undefined>,
  call: PageCall,
): MaybeReply {
  if (ex.method !== 'GET' && ex.method !== 'HEAD') {
    call.headers.allow = 'GET, HEAD'
    throw new NanoError('NANO_E_METHOD_NOT_ALLOWED', `${ex.method} is not allowed on a page; use GET`)
  }
  const query = new URLSearchParams(ex.search)
  const compiled = entry.ready
  if (compiled === undefined) return call.pages.compile(entry).then((page) => guarded(page, params, query, call))
  return guarded(compiled, params, query, call)
}

const pageGuards = new WeakMap<PageDefinition, AccessCheck | undefined>()

function guarded(
  page: CompiledPage,
  params: Record<string, string | undefined>,
  query: URLSearchParams,
  call: PageCall,
): MaybeReply {
  const definition = page.definition
  if (definition?.access === undefined) return withData(page, params, query, call)
  let check = pageGuards.get(definition)
  if (!pageGuards.has(definition)) {
    check = accessCheckOf(`the page ${page.plan.file}`, definition.access)
    pageGuards.set(definition, check)
  }
  return whenAllowed(check?.(call.request.user ?? null, params), () => withData(page, params, query, call))
}

function withData(
  page: CompiledPage,
  params: Record<string, string | undefined>,
  query: URLSearchParams,
  call: PageCall,
): MaybeReply {
  const definition = page.definition
  const nonce = call.nonce
  if (definition?.data === undefined) {
    return render(page.plan, { params, query, data: {}, nonce, key: varsKey(params, query) }, call)
  }
  const uses = new Set(definition.uses)
  const options = { caller: 'page', traceId: call.traceId, request: call.request }
  return Promise.resolve(
    definition.data({
      params,
      query,
      request: call.request,
      call: (name: string, input: unknown) => {
        if (!uses.has(name)) {
          return Promise.reject(
            new NanoError('NANO_E_FORBIDDEN_CALL', `This page may not call '${name}': add it to \`uses\``),
          )
        }
        const out = call.caller.invoke(name, input, options)
        return out instanceof Promise ? out : Promise.resolve(out)
      },
    } as never),
  ).then((data) => render(page.plan, { params, query, data, nonce }, call))
}

function render(plan: PagePlan, vars: PageVars, call: PageCall): MaybeReply {
  const headers = call.headers
  headers['content-type'] = 'text/html; charset=utf-8'
  const link = preloadHeader(plan)
  if (link !== '') headers.link = link
  const pageRender = new PageRender({
    plan,
    vars,
    caller: call.caller,
    traceId: call.traceId,
    request: call.request,
    onFallback: (fallback) => logFallback(call, fallback),
    live: call.live === undefined ? undefined : { hub: call.live, urls: LIVE_URLS },
    nonce: call.nonce,
  })
  pageRender.start()
  const status = pageRender.status()
  const reply = (code: number): Reply => {
    if (code === 401) headers['www-authenticate'] = SIGN_IN_CHALLENGE
    return pageRender.complete
      ? { status: code, headers, body: '', parts: pageRender.drain() }
      : {
          status: code,
          headers,
          body: '',
          stream: (sink) => {
            sink.onClose(() => pageRender.abort())
            pageRender.pipe(sink)
          },
        }
  }
  const soon = (code: number): Reply | Promise<Reply> =>
    pageRender.complete ? reply(code) : new Promise((resolve) => setImmediate(() => resolve(reply(code))))
  return status instanceof Promise ? status.then(soon) : soon(status)
}

/** The key of a page's values when it has no `data()`: its params and its query string. */
function varsKey(params: Record<string, string | undefined>, query: URLSearchParams): string {
  let key = query.size === 0 ? '' : query.toString()
  for (const name in params) key += `\u0000${name}=${params[name] ?? ''}`
  return key
}

const LIVE_URLS = Object.freeze({ stream: NANO_URLS.live, script: NANO_URLS.liveScript })

function logFallback(call: PageCall, fallback: Fallback): void {
  call.caller.observer?.fallback?.(fallback.fragment, fallback.page, fallback.reason)
  call.caller.log({
    level: 'warn',
    message: `fragment '${fallback.fragment}' fell back on ${fallback.page}: ${fallback.reason}`,
    time: call.caller.clock.now(),
    fragment: fallback.fragment,
    page: fallback.page,
    reason: fallback.reason,
    traceId: call.traceId,
    error: fallback.error instanceof Error ? fallback.error : undefined,
  })
}

/**
 * The `Link: <…>; rel=preload` header value for a page's assets, or '' when it has none.
 *
 * @example
 * preloadHeader(plan) // '</_nano/assets/sport/score-box.css>; rel=preload; as=style'
 */
export function preloadHeader(plan: PagePlan): string {
  let header = preloadHeaders.get(plan)
  if (header === undefined) {
    header = [
      ...plan.assets.css.map((url) => `<${url}>; rel=preload; as=style`),
      ...plan.assets.js.map((url) => `<${url}>; rel=preload; as=script`),
    ].join(', ')
    preloadHeaders.set(plan, header)
  }
  return header
}

const preloadHeaders = new WeakMap<PagePlan, string>()

/**
 * A small HTML error page for a page request that could not be rendered at all.
 *
 * @example
 * htmlErrorReply(new NanoError('NANO_E_NOT_FOUND', 'No page at /x'), headers)
 */
export function htmlErrorReply(error: NanoError, headers: Record<string, string>): Reply {
  headers['content-type'] = 'text/html; charset=utf-8'
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${error.status}</title></head><body><h1>${error.status}</h1><p>${escapeHtml(error.message)}</p><p><code>${error.code}</code></p></body></html>`
  return { status: error.status, headers, body }
}
