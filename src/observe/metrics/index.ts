/**
 * The metrics part of the `observe/` adapter: a {@link MetricsObserver} counts calls, cache
 * results, pages, fallbacks and live streams, and renders them in the Prometheus text format.
 *
 * @example
 * import { MetricsObserver } from './metrics/index.ts'
 * const metrics = new MetricsObserver({ labels: { worker: '1' } })
 */
export { bucketOf, DURATION_BUCKETS, Histogram } from './histogram.ts'
export { MAX_SERVICES, MetricsObserver, type MetricsOptions, OTHER_SERVICES, UNKNOWN_SERVICE } from './observer.ts'
export { OUTSIDE } from './records.ts'
