import { resolve } from 'node:path'
import type { AssetRegistry } from '../compose/assets.ts'
import { LIVE_CLIENT_JS } from '../compose/live-client.ts'
import type { PageIndex } from '../compose/pages.ts'
import type { RuntimeApi } from '../runtime/ports.ts'
import { BuiltDocument } from './built-document.ts'
import { type AddRoute, addDashboardRoutes } from './dashboard/routes.ts'
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
  return addDashboardRoutes(add, { runtime, pages: from.pages, security: from.security })
}
