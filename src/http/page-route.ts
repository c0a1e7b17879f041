import type { PageVars } from '../compose/interpolate.ts'
import type { LiveHub } from '../compose/live.ts'
import type { CompiledPage, PageEntry, PageIndex } from '../compose/pages.ts'
import { PageRender } from '../compose/render.ts'
import { NanoError } from '../define/errors.ts'
import { escapeHtml } from '../define/html.ts'
import type { RequestContext } from '../define/types.ts'
import type { LogSink } from '../runtime/logger.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { Exchange, MaybeReply, Reply } from './exchange.ts'

/**
 * What a page request needs from the gateway.
 *
 * @example
 * const call: PageCall = { rt, pages, sink, traceId, request: {}, headers: {} }
 */
export interface PageCall {
  readonly rt: Runtime
  readonly pages: PageIndex
  readonly sink: LogSink
  readonly traceId: string
  readonly request: RequestContext
  readonly headers: Record<string, string>
  readonly live?: LiveHub
}

/**
 * Answers a page: compiles it on first use, runs its `data()` (TypeScript pages), renders every
 * fragment at once and streams the HTML. The page status comes from its primary fragments.
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
  if (compiled === undefined) return call.pages.compile(entry).then((page) => withData(page, params, query, call))
  return withData(compiled, params, query, call)
}

function withData(
  page: CompiledPage,
  params: Record<string, string | undefined>,
  query: URLSearchParams,
  call: PageCall,
): MaybeReply {
  const definition = page.definition
  if (definition?.data === undefined) return render(page, { params, query, data: {} }, call)
  const uses = new Set(definition.uses)
  const options = { caller: 'page', traceId: call.traceId, request: call.request }
  return Promise.resolve(
    definition.data({
      params,
      query,
      request: call.request,
      call: (name, input) => {
        if (!uses.has(name)) {
          return Promise.reject(
            new NanoError('NANO_E_FORBIDDEN_CALL', `This page may not call '${name}': add it to \`uses\``),
          )
        }
        return call.rt.call(name, input as never, options)
      },
    }),
  ).then((data) => render(page, { params, query, data }, call))
}

function render(page: CompiledPage, vars: PageVars, call: PageCall): MaybeReply {
  const plan = page.plan
  const headers = call.headers
  headers['content-type'] = 'text/html; charset=utf-8'
  if (plan.linkHeader !== '') headers.link = plan.linkHeader
  const onFailure = (src: string, error: unknown): void =>
    call.sink({ level: 'warn', message: `fragment '${src}' fell back`, time: Date.now(), traceId: call.traceId, error })
  const options = { caller: 'page', traceId: call.traceId, request: call.request }
  const pageRender = new PageRender(plan, vars, call.rt, options, onFailure, call.live)
  pageRender.start()
  const status = pageRender.status()
  const reply = (code: number): Reply =>
    pageRender.complete
      ? { status: code, headers, body: pageRender.drain() }
      : { status: code, headers, body: '', stream: (sink) => pageRender.pipe(sink) }
  return status instanceof Promise ? status.then(reply) : reply(status)
}

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
