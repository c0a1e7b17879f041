import { createRequire } from 'node:module'
import type { Observer } from '../runtime/ports.ts'
import { combineObservers } from './combine.ts'
import { MetricsObserver } from './metrics/index.ts'

const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
/** Where `@opentelemetry/api` 1.x keeps what is registered globally; `trace` once a tracer provider (an SDK) is. */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1')

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
  return combineObservers([metrics, options.observer, tracingObserver(options.tracing)])
}

/**
 * `tracingFor(setting)` of ./tracing, whose modules (and `@opentelemetry/api`'s some 40) are
 * loaded only when they can be used: `tracing: true`, or unset while a tracer provider is
 * registered with the API. Without one, a start does not load them.
 *
 * @example
 * tracingObserver(undefined) // undefined when no OpenTelemetry SDK is registered
 */
export function tracingObserver(setting: boolean | undefined): Observer | undefined {
  if (setting === false) return undefined
  const registered = (globalThis as { [OTEL_API_GLOBAL]?: { trace?: unknown } })[OTEL_API_GLOBAL]?.trace
  if (setting === undefined && registered === undefined) return undefined
  const tracing = createRequire(import.meta.url)(
    `./tracing/index${OWN_EXTENSION}`,
  ) as typeof import('./tracing/index.ts')
  return tracing.tracingFor(setting)
}
