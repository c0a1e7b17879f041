import { resolve } from 'node:path'
import type { AssetRegistry } from '../compose/assets.ts'
import { LIVE_CLIENT_JS } from '../compose/live-client.ts'
import type { PageIndex } from '../compose/pages.ts'
import type { RuntimeApi } from '../runtime/ports.ts'
import { BuiltDocument } from './built-document.ts'
import type { AddRoute } from './dashboard/routes.ts'
import type { Exchange, Reply } from './exchange.ts'
import type { FileServer } from './files.ts'
import { metricsRoute } from './metrics-route.ts'
import { openApiDocument } from './openapi.ts'
import type { SecurityHeaders } from './security-headers.ts'
import { serveAsset, serveDir } from './static-route.ts'
import { NANO_URLS } from './urls.ts'

/**
 * What the gateway's own tools read: the runtime, its pages and assets, the file server, the
 * security headers (the dashboard's CSP) and the OpenAPI document's title and version.
 *
 * @example
 * const from: ToolSources = { runtime, pages, assets, files, security, info: { title: 'nanoweb', version: '1.0.0' } }
 */
export interface ToolSources {
  readonly runtime: RuntimeApi
  readonly pages: PageIndex
  readonly assets: AssetRegistry
  readonly files: FileServer
  readonly security: SecurityHeaders
  readonly info: { readonly title: string; readonly version: string }
}

/**
 * Adds the gateway's tool routes: the catalog and the OpenAPI document (built once per change of
 * the catalog), fragment assets, page assets under `/_assets/`, the live client script, metrics,
 * the call graph and the dashboard. Returns what ends the dashboard's open streams at shutdown.
 *
 * @example
 * const tools = addToolRoutes((path, route) => this.#route(path, route), from)
 * tools.close()
 */
export function addToolRoutes(add: AddRoute, from: ToolSources): { close(): void } {
  const { runtime, files, assets } = from
  const changes = (): number | undefined => runtime.changes?.()
  const catalog = new BuiltDocument(changes, async () => {
    const [services, broken] = await Promise.all([runtime.catalog(), runtime.broken()])
    return JSON.stringify({ services, broken })
  })
  const openapi = new BuiltDocument(changes, async () =>
    JSON.stringify(openApiDocument(await runtime.catalog(), from.info)),
  )
  add(NANO_URLS.catalog, (ex, headers) => catalog.reply(ex, headers))
  add(NANO_URLS.openapi, (ex, headers) => openapi.reply(ex, headers))
  add(`${NANO_URLS.assets}*`, (ex, headers) => serveAsset(files, assets, ex, headers))
  add(NANO_URLS.metrics, metricsRoute(runtime))
  add(NANO_URLS.liveScript, (_ex, headers) => {
    headers['content-type'] = 'text/javascript; charset=utf-8'
    headers['cache-control'] = 'public, max-age=300'
    return { status: 200, headers, body: LIVE_CLIENT_JS }
  })
  const staticDir = { dir: resolve(runtime.root, 'pages', '_assets'), prefix: NANO_URLS.staticFiles }
  add(`${NANO_URLS.staticFiles}*`, (ex, headers) => serveDir(files, staticDir, ex, headers))
  const dashboard = { runtime, pages: from.pages, security: from.security }
  return addLazily(add, [NANO_URLS.graph, NANO_URLS.dashboardEvents, NANO_URLS.dashboard], async (inner) =>
    (await import('./dashboard/routes.ts')).addDashboardRoutes(inner, dashboard),
  )
}

type Route = (ex: Exchange, headers: Record<string, string>) => Reply | Promise<Reply>

/**
 * Adds `paths` as routes whose handlers are made on the first request to one of them, by `install`
 * (which adds them): the dashboard and the graph are imported by the first visit, not by every start.
 * Returns what closes the installed routes (nothing while none was requested).
 *
 * @example
 * const tools = addLazily(add, ['/_nano/graph'], async (inner) => (await import('./dashboard/routes.ts')).addDashboardRoutes(inner, from))
 */
export function addLazily(
  add: AddRoute,
  paths: readonly string[],
  install: (add: AddRoute) => Promise<{ close(): void }>,
): { close(): void } {
  let routes: Promise<Map<string, Route>> | undefined
  let installed: { close(): void } | undefined
  let closed = false
  const load = async (): Promise<Map<string, Route>> => {
    const byPath = new Map<string, Route>()
    installed = await install((path, route) => void byPath.set(path, route))
    if (closed) installed.close()
    return byPath
  }
  for (const path of paths) {
    add(path, async (ex, headers) => {
      routes ??= load()
      const route = (await routes).get(path)
      if (route === undefined) throw new TypeError(`no route was installed for ${path}`)
      return route(ex, headers)
    })
  }
  return {
    close() {
      closed = true
      installed?.close()
    },
  }
}
