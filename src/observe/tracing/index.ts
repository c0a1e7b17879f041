import type { Observer } from '../../runtime/observer.ts'
import { TracingObserver } from './observer.ts'
import { sdkRegistered } from './tracer-source.ts'

export { TracingObserver } from './observer.ts'
export { ATTRIBUTES } from './spans.ts'
export { sdkRegistered } from './tracer-source.ts'

/**
 * The tracing part of a runtime's observer, by the runtime's `tracing` option: `true` always (an
 * SDK registered later is seen; while none is, each call still passes through the observer),
 * `false` never, and unset (the default) when an OpenTelemetry SDK is registered as the runtime is
 * made, so that a runtime without one pays nothing on its call path.
 *
 * @example
 * const observer = combineObservers([metrics, tracingFor(options.tracing)])
 */
export function tracingFor(setting: boolean | undefined): Observer | undefined {
  if (setting === false) return undefined
  return setting === true || sdkRegistered() ? new TracingObserver() : undefined
}
