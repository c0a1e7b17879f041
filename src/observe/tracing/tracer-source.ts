import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from '@opentelemetry/api'

/** What the API's global provider delegates to while no SDK is registered (the API's own no-op). */
const NO_SDK: TracerProvider = new ProxyTracerProvider().getDelegate()

/**
 * The name nanoweb's spans carry as their instrumentation scope.
 *
 * @example
 * span.instrumentationScope.name === TRACER_NAME // true for nanoweb's spans
 */
export const TRACER_NAME = '@nanoweb/core'

/**
 * Finds the tracer of the SDK registered through `@opentelemetry/api`, asked again on every call so
 * that an SDK registered (or disabled) after the runtime started is seen at once. While no SDK is
 * registered the answer is `undefined` after two property reads and no allocation; the tracer is
 * kept for as long as the same provider stays registered.
 *
 * @example
 * const source = new TracerSource()
 * const tracer = source.tracer() // undefined until NodeTracerProvider.register()
 */
export class TracerSource {
  #provider: TracerProvider | undefined
  #tracer: Tracer | undefined

  /** The registered SDK's tracer, or undefined when none is registered. */
  tracer(): Tracer | undefined {
    const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider }
    const provider = global.getDelegate === undefined ? global : global.getDelegate()
    if (provider === NO_SDK) return undefined
    if (provider !== this.#provider) {
      this.#provider = provider
      this.#tracer = provider.getTracer(TRACER_NAME)
    }
    return this.#tracer
  }
}

/**
 * True when an OpenTelemetry SDK is registered through `@opentelemetry/api` now (a
 * `NodeTracerProvider.register()`, a started `NodeSDK`).
 *
 * @example
 * if (sdkRegistered()) console.log('nanoweb makes spans')
 */
export function sdkRegistered(): boolean {
  return new TracerSource().tracer() !== undefined
}
