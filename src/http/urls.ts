/**
 * The gateway's own URLs under `/_nano/`: one place, so pages, assets and live streams agree.
 *
 * @example
 * NANO_URLS.ready // '/_nano/ready'
 */
export const NANO_URLS = Object.freeze({
  health: '/_nano/health',
  ready: '/_nano/ready',
  catalog: '/_nano/catalog',
  openapi: '/_nano/openapi.json',
  metrics: '/_nano/metrics',
  graph: '/_nano/graph',
  dashboard: '/_nano/',
  dashboardEvents: '/_nano/dashboard/events',
  live: '/_nano/live',
  liveScript: '/_nano/live.js',
  assets: '/_nano/assets/',
  staticFiles: '/_assets/',
})
