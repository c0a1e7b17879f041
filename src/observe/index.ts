import type { Observer } from '../runtime/ports.ts'
import { combineObservers } from './combine.ts'
import { MetricsObserver } from './metrics/index.ts'
import { tracingFor } from './tracing/index.ts'

export { combineObservers } from './combine.ts'

/**
 * What {@link observerFor} builds from: whether metrics are kept, the user's own observer, and the
 * labels every series of this process carries (`node`, `worker`). Labels are read at each scrape:
 * a getter may give a value known only later (the NATS node id); an undefined value is left out.
 *
 * @example
 * const o: ObserveOptions = { metrics: true, observer: undefined, labels: { worker: '1' } }
 */
export interface ObserveOptions {
  readonly metrics: boolean
  readonly observer?: Observer | undefined
  readonly labels?: Readonly<Record<string, string | undefined>>
  /** OpenTelemetry spans: unset = when an SDK is registered as the runtime is made; see {@link tracingFor}. */
  readonly tracing?: boolean | undefined
}

/**
 * The observer a runtime gets: the user's own, plus metrics unless turned off, plus traces.
 *
 * @example
 * const observer = observerFor({ metrics: true })
 */
export function observerFor(options: ObserveOptions): Observer | undefined {
  const metrics = options.metrics ? new MetricsObserver({ labels: options.labels }) : undefined
  return combineObservers([metrics, options.observer, tracingFor(options.tracing)])
}
