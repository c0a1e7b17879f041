import { NanoError } from '../define/errors.ts'
import type { RuntimeApi } from '../runtime/ports.ts'
import type { Reply } from './exchange.ts'

/**
 * The content type of the Prometheus text exposition format.
 *
 * @example
 * headers['content-type'] = PROMETHEUS_TEXT
 */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * The handler of `GET /_nano/metrics`: the runtime's metrics in the Prometheus text format (the
 * text `rt.metrics()` gives), never cached. With metrics off (`metrics: false`) it answers 404
 * `NANO_E_NOT_FOUND` saying so. In production it is an admin route, as every `/_nano/*` route
 * but health, ready and live.
 *
 * @example
 * router.on('GET', NANO_URLS.metrics, metricsRoute(runtime))
 */
export function metricsRoute(runtime: RuntimeApi): (ex: unknown, headers: Record<string, string>) => Reply {
  return (_ex, headers) => {
    if (runtime.observer?.metrics === undefined || runtime.metrics === undefined) {
      throw new NanoError(
        'NANO_E_NOT_FOUND',
        'Metrics are off on this server (metrics: false); remove that option to serve /_nano/metrics',
      )
    }
    headers['content-type'] = PROMETHEUS_TEXT
    headers['cache-control'] = 'no-store'
    return { status: 200, headers, body: runtime.metrics() }
  }
}
