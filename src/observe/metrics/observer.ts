import type {
  CacheResult,
  EdgeFigures,
  ObservedCall,
  ObservedFigures,
  ObservedWork,
  Observer,
  ServiceFigures,
} from '../../runtime/ports.ts'
import { bucketOf, Histogram } from './histogram.ts'
import { codeOf, isUnknownService, ServiceRecord } from './records.ts'
import { renderMetrics } from './render.ts'

/**
 * The service label of calls to names nobody defines (folded so they add no series each).
 *
 * @example
 * figures.services[UNKNOWN_SERVICE]?.errors // calls to unknown names
 */
export const UNKNOWN_SERVICE = '_unknown'

/**
 * The service label of services past {@link MAX_SERVICES}.
 *
 * @example
 * figures.services[OTHER_SERVICES] // undefined until 10,000 names were seen
 */
export const OTHER_SERVICES = '_other'

/**
 * Distinct service labels kept; later names count under {@link OTHER_SERVICES}.
 *
 * @example
 * MAX_SERVICES // 10000
 */
export const MAX_SERVICES = 10_000

/**
 * What a {@link MetricsObserver} is made with: the constant labels of every series (`node`,
 * `worker`), read at each scrape, so a getter may give a value known only later (the NATS node
 * id); a label whose value is undefined is left out.
 *
 * @example
 * const options: MetricsOptions = { labels: { worker: '2', get node() { return link.node } } }
 */
export interface MetricsOptions {
  readonly labels?: Readonly<Record<string, string | undefined>>
}

/**
 * Keeps the metrics of one process for `GET /_nano/metrics` and the dashboard. Per call: one
 * `performance.now()` pair, one map look-up of the service's record at each end (the caller's edge
 * is remembered between calls), a bucket index and a few number additions: no label strings are
 * built until a scrape. Pages are timed from `begin` to `finish` by route.
 *
 * @example
 * const metrics = new MetricsObserver({ labels: { worker: '1' } })
 * const rt = createRuntime({ root, observer: metrics })
 * metrics.metrics() // '# HELP nanoweb_calls_total …'
 */
export class MetricsObserver implements Observer {
  readonly #services = new Map<string, ServiceRecord>()
  readonly #pages = new Map<string, Histogram>()
  readonly #fallbacks = new Map<string, { fragment: string; reason: string; count: number }>()
  readonly #labels: Readonly<Record<string, string | undefined>>
  readonly #since = Date.now()
  #live = 0
  /** The record of the last service seen: a run of calls to one service looks nothing up. */
  #last: ServiceRecord = new ServiceRecord('')

  constructor(options: MetricsOptions = {}) {
    this.#labels = options.labels ?? {}
  }

  start(call: ObservedCall): void {
    this.#recordOf(call.service).inFlight++
    call.state = performance.now()
  }

  end(call: ObservedCall, error: unknown): void {
    const seconds = (performance.now() - (call.state as number)) / 1000
    const record = this.#recordOf(call.service)
    record.inFlight--
    const bucket = bucketOf(seconds)
    if (error === undefined) {
      record.ok++
      record.durations.observe(bucket, seconds)
      record.edge(call.caller).durations.observe(bucket, seconds)
      return
    }
    if (isUnknownService(error, call.service) && this.#forget(record)) {
      const unknown = this.#services.get(UNKNOWN_SERVICE) ?? this.#add(UNKNOWN_SERVICE)
      unknown.failed('NANO_E_NOT_FOUND')
      unknown.durations.observe(bucket, seconds)
      return
    }
    record.failed(codeOf(error))
    record.durations.observe(bucket, seconds)
    const edge = record.edge(call.caller)
    edge.errors++
    edge.durations.observe(bucket, seconds)
  }

  /** A call answered at once from a fresh cache entry: an `ok` call of no measurable duration, and a hit. */
  hit(service: string, caller: string | undefined): void {
    const record = this.#recordOf(service)
    record.ok++
    record.hit++
    record.durations.observe(0, 0)
    record.edge(caller).durations.observe(0, 0)
  }

  /** Starts timing a page render (requests are not timed here). */
  begin(work: ObservedWork): void {
    if (work.kind === 'page') work.state = performance.now()
  }

  finish(work: ObservedWork): void {
    if (work.kind !== 'page' || typeof work.state !== 'number') return
    const seconds = (performance.now() - work.state) / 1000
    let page = this.#pages.get(work.name)
    if (page === undefined) {
      page = new Histogram()
      this.#pages.set(work.name, page)
    }
    page.observe(bucketOf(seconds), seconds)
  }

  cache(service: string, result: CacheResult): void {
    const record = this.#services.get(service) ?? this.#add(service)
    if (result === 'hit') record.hit++
    else if (result === 'stale') record.stale++
    else record.miss++
  }

  fallback(fragment: string, _page: string, reason: string): void {
    const key = `${fragment}\u0000${reason}`
    const seen = this.#fallbacks.get(key)
    if (seen === undefined) this.#fallbacks.set(key, { fragment, reason, count: 1 })
    else seen.count++
  }

  live(change: 1 | -1): void {
    this.#live += change
  }

  /** The Prometheus text (format 0.0.4) of everything counted, with this process's figures. */
  metrics(): string {
    return renderMetrics({
      labels: this.#labels,
      services: this.#services,
      pages: this.#pages,
      fallbacks: this.#fallbacks.values(),
      live: this.#live,
      startSeconds: Math.round(performance.timeOrigin) / 1000,
    })
  }

  /**
   * The same counts as data, for the dashboard and the call graph: per service `calls` (answered,
   * ok or not), `errors` (answered with any `NANO_E_*` code), `inFlight`, `p95Seconds` (estimated
   * from the duration histogram as Prometheus' `histogram_quantile` does, so no finer than its
   * buckets: calls all under 0.1 ms give about 0.095 ms; null before any call)
   * and cache results; per edge (caller → service; the caller a service name, `http`, `page`,
   * `live`, `cli`, or `outside` for `rt.call` without a caller) the same three call figures.
   * Counted since `since` (ms since the epoch, when this observer was made); `at` is now: a rate
   * is the difference of two snapshots over the difference of their `at`s.
   */
  figures(): ObservedFigures {
    const services: Record<string, ServiceFigures> = {}
    const edges: EdgeFigures[] = []
    for (const record of this.#services.values()) {
      services[record.service] = {
        calls: record.calls,
        errors: record.errors,
        inFlight: record.inFlight,
        p95Seconds: record.durations.quantile(0.95),
        cache: { hit: record.hit, stale: record.stale, miss: record.miss },
      }
      for (const edge of record.edges.values()) {
        edges.push({
          caller: edge.caller,
          service: record.service,
          calls: edge.durations.count,
          errors: edge.errors,
          p95Seconds: edge.durations.quantile(0.95),
        })
      }
    }
    return { since: this.#since, at: Date.now(), services, edges }
  }

  #recordOf(service: string): ServiceRecord {
    const last = this.#last
    if (last.service === service) return last
    const record = this.#services.get(service) ?? this.#add(service)
    this.#last = record
    return record
  }

  #add(service: string): ServiceRecord {
    const name = this.#services.size >= MAX_SERVICES ? OTHER_SERVICES : service
    let record = this.#services.get(name)
    if (record === undefined) {
      record = new ServiceRecord(name)
      this.#services.set(name, record)
    }
    return record
  }

  /** Drops the record of a name nobody defines, when nothing else was counted for it. */
  #forget(record: ServiceRecord): boolean {
    if (record.inFlight !== 0 || record.calls !== 0 || record.hit + record.stale + record.miss !== 0) return false
    if (record.service !== UNKNOWN_SERVICE && record.service !== OTHER_SERVICES) {
      this.#services.delete(record.service)
      if (this.#last === record) this.#last = new ServiceRecord('')
    }
    return true
  }
}
