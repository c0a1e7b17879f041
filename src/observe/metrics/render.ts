import type { Histogram } from './histogram.ts'
import { writeProcessMetrics } from './process.ts'
import type { ServiceRecord } from './records.ts'
import { constantLabels, label, PromText } from './text.ts'

/**
 * What one scrape renders: the records of a {@link MetricsObserver} and the constant labels.
 *
 * @example
 * const snapshot: MetricsSnapshot = { labels: {}, services: new Map(), pages: new Map(), fallbacks: [], live: 0, startSeconds: 1.7e9 }
 */
export interface MetricsSnapshot {
  readonly labels: Readonly<Record<string, string | undefined>>
  readonly services: ReadonlyMap<string, ServiceRecord>
  readonly pages: ReadonlyMap<string, Histogram>
  readonly fallbacks: Iterable<{ readonly fragment: string; readonly reason: string; readonly count: number }>
  readonly live: number
  readonly startSeconds: number
}

/**
 * The Prometheus text of a snapshot: the call, cache, page, fallback and live series, then the
 * process's own.
 *
 * @example
 * const text = renderMetrics(snapshot)
 */
export function renderMetrics(snapshot: MetricsSnapshot): string {
  const out = new PromText(constantLabels(snapshot.labels))
  const services = [...snapshot.services.values()]
  out.family('nanoweb_calls_total', 'counter', 'Service calls answered, by code (ok or the NANO_E_* code).')
  for (const record of services) {
    const service = label('service', record.service)
    if (record.ok > 0 || record.errors === 0) out.sample('nanoweb_calls_total', `${service},code="ok"`, record.ok)
    for (const [code, count] of record.errorCodes)
      out.sample('nanoweb_calls_total', `${service},${label('code', code)}`, count)
  }
  out.family('nanoweb_call_duration_seconds', 'histogram', 'Duration of service calls in seconds.')
  for (const record of services)
    out.histogram('nanoweb_call_duration_seconds', label('service', record.service), record.durations)
  out.family('nanoweb_calls_in_flight', 'gauge', 'Service calls started and not yet answered.')
  for (const record of services)
    out.sample('nanoweb_calls_in_flight', label('service', record.service), record.inFlight)
  out.family('nanoweb_cache_total', 'counter', 'Answers of cached services, by result (hit, stale, miss).')
  for (const record of services) {
    if (record.hit + record.stale + record.miss === 0) continue
    const service = label('service', record.service)
    out.sample('nanoweb_cache_total', `${service},result="hit"`, record.hit)
    out.sample('nanoweb_cache_total', `${service},result="stale"`, record.stale)
    out.sample('nanoweb_cache_total', `${service},result="miss"`, record.miss)
  }
  out.family('nanoweb_page_duration_seconds', 'histogram', 'Duration of page renders in seconds, until the last byte.')
  for (const [route, h] of snapshot.pages) out.histogram('nanoweb_page_duration_seconds', label('route', route), h)
  out.family(
    'nanoweb_fragment_fallbacks_total',
    'counter',
    'Page slots that showed their fallback, by fragment and reason.',
  )
  for (const f of snapshot.fallbacks) {
    out.sample(
      'nanoweb_fragment_fallbacks_total',
      `${label('fragment', f.fragment)},${label('reason', f.reason)}`,
      f.count,
    )
  }
  out.family('nanoweb_live_connections', 'gauge', 'Open live-update streams (Server-Sent Events).')
  out.sample('nanoweb_live_connections', '', snapshot.live)
  writeProcessMetrics(out, snapshot.startSeconds)
  return out.text()
}
