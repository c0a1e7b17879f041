import type { PageIndex } from '../../compose/pages.ts'
import type { RuntimeApi } from '../../runtime/ports.ts'
import { type Exchange, json, type Reply } from '../exchange.ts'
import { buildGraph, type CallGraph } from '../graph/model.ts'
import { pageLinks } from '../graph/pages.ts'
import type { SecurityHeaders } from '../security-headers.ts'
import { NANO_URLS } from '../urls.ts'
import { FiguresFeed } from './events.ts'
import { dashboardHtml } from './page.ts'

/**
 * How the gateway adds a `GET`/`HEAD` route (its private router, lent for the call).
 *
 * @example
 * const add: AddRoute = (path, route) => router.on(['GET', 'HEAD'], path, route)
 */
export type AddRoute = (
  path: string,
  route: (ex: Exchange, headers: Record<string, string>) => Reply | Promise<Reply>,
) => void

/**
 * What the graph and dashboard routes read: the runtime (catalog, observer), the pages, and the
 * gateway's security headers (the dashboard is served with a page CSP and its nonce).
 *
 * @example
 * const from: DashboardSources = { runtime: rt, pages: app.pages, security: app.security }
 */
export interface DashboardSources {
  readonly runtime: RuntimeApi
  readonly pages: PageIndex
  readonly security: SecurityHeaders
}

/**
 * The call graph of a running gateway: catalog, pages and the observer's figures (if any).
 *
 * @example
 * const graph = await gatewayGraph(rt, app.pages)
 */
export async function gatewayGraph(runtime: RuntimeApi, pages: PageIndex): Promise<CallGraph> {
  const [services, links] = await Promise.all([runtime.catalog(), pageLinks(pages)])
  return buildGraph({ services, pages: links, figures: runtime.observer?.figures?.() })
}

/**
 * Adds `GET /_nano/graph` (the {@link CallGraph} as JSON), `GET /_nano/` (the dashboard) and
 * `GET /_nano/dashboard/events` (its figures stream) to a gateway. All three are admin routes in
 * production ({@link isAdminRoute}). Returns what ends the open streams at shutdown.
 *
 * @example
 * const dashboard = addDashboardRoutes((path, route) => this.#route(path, route), { runtime, pages, security })
 * dashboard.close()
 */
export function addDashboardRoutes(add: AddRoute, from: DashboardSources): { close(): void } {
  const { runtime, pages, security } = from
  const feed = new FiguresFeed({ figures: runtime.observer?.figures?.bind(runtime.observer), clock: runtime.clock })
  add(NANO_URLS.graph, async (_ex, headers) => json(200, await gatewayGraph(runtime, pages), headers))
  add(NANO_URLS.dashboardEvents, (ex, headers) => feed.handle(ex, headers))
  add(NANO_URLS.dashboard, (_ex, headers) => {
    const csp = security.forPage()
    if (csp !== undefined) headers['content-security-policy'] = csp.policy
    headers['content-type'] = 'text/html; charset=utf-8'
    headers['cache-control'] = 'no-store'
    const view = {
      nonce: csp?.nonce,
      catalog: NANO_URLS.catalog,
      graph: NANO_URLS.graph,
      events: NANO_URLS.dashboardEvents,
      live: feed.available,
    }
    return { status: 200, headers, body: dashboardHtml(view) }
  })
  return { close: () => feed.close() }
}
