import { escapeHtml } from '../../define/html.ts'
import { APP_JS } from './client-app.ts'
import { GRAPH_JS } from './client-graph.ts'
import { DASHBOARD_CSS } from './style.ts'

/**
 * What the dashboard page is made with: the response's CSP nonce (undefined when the CSP is
 * off), the URLs its script reads, and whether the server streams figures.
 *
 * @example
 * const view: DashboardView = { nonce: 'k3…', catalog: '/_nano/catalog', graph: '/_nano/graph', events: '/_nano/dashboard/events', live: true }
 */
export interface DashboardView {
  readonly nonce: string | undefined
  readonly catalog: string
  readonly graph: string
  readonly events: string
  readonly live: boolean
}

/**
 * The dashboard (`GET /_nano/`): one self-contained HTML page, its style and script inline (the
 * script carries the response's nonce, so the page CSP lets it run), no outside asset.
 *
 * @example
 * const html = dashboardHtml({ nonce, catalog: NANO_URLS.catalog, graph: NANO_URLS.graph, events: NANO_URLS.dashboardEvents, live: true })
 */
export function dashboardHtml(view: DashboardView): string {
  const nonce = view.nonce === undefined ? '' : ` nonce="${escapeHtml(view.nonce)}"`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nanoweb dashboard</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<header><h1>nanoweb dashboard</h1><span id="status" class="status">loading…</span></header>
<main id="dashboard" data-catalog="${escapeHtml(view.catalog)}" data-graph="${escapeHtml(view.graph)}" data-events="${escapeHtml(view.events)}" data-live="${view.live ? 'on' : 'off'}">
<section id="catalog-panel"><h2>Catalog</h2>
<input id="search" type="search" placeholder="Search services: name, description, endpoint, uses" aria-label="Search services">
<p id="count"></p><div id="catalog"></div></section>
<section><h2>Call graph</h2><div id="graph-box"><svg id="graph" role="img" aria-label="Call graph"></svg></div></section>
<section><h2>Live figures</h2>
<p id="figures-off" class="notice" hidden>Metrics are off on this server (<code>metrics: false</code>): no live figures.</p>
<table id="figures"><thead><tr><th>Service</th><th>Calls</th><th>Calls/s</th><th>Errors</th><th>p95</th><th>Cache hits</th><th>In flight</th></tr></thead><tbody></tbody></table>
</section>
</main>
<script${nonce}>(() => {${GRAPH_JS}${APP_JS}})()</script>
</body>
</html>
`
}
