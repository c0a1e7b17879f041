import type { CallOrigin } from './context.ts'
import type { Observer } from './observer.ts'
import type { InvokeOptions, ObservedCall } from './ports.ts'

/**
 * What {@link observed} dispatches through (the call pipeline), and how it tells a remote name.
 *
 * @example
 * const through: Dispatcher = { dispatch: (n, i, o, opts) => pipeline.dispatch(n, i, o, opts), isRemote: (n) => !index.has(n) }
 */
export interface Dispatcher {
  dispatch(name: string, input: unknown, origin: CallOrigin | undefined, options: InvokeOptions | undefined): unknown
  isRemote(name: string): boolean
}

/** One observed call: its facts read from the origin and options only when an observer asks. */
class Observation implements ObservedCall {
  readonly service: string
  readonly #origin: CallOrigin | undefined
  readonly #options: InvokeOptions | undefined
  readonly #through: Dispatcher
  state: unknown = undefined

  constructor(
    service: string,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
    through: Dispatcher,
  ) {
    this.service = service
    this.#origin = origin
    this.#options = options
    this.#through = through
  }

  get caller(): string | undefined {
    return this.#origin === undefined ? this.#options?.caller : this.#origin.service
  }
  get depth(): number {
    return (this.#origin?.depth ?? 0) + 1
  }
  get traceId(): string | undefined {
    return this.#origin?.traceId ?? this.#options?.traceId
  }
  get parentSpanId(): string | undefined {
    return this.#origin?.parentSpanId
  }
  get remote(): boolean {
    return this.#through.isRemote(this.service)
  }
}

/**
 * Dispatches one call between the observer's `start` and `end`, once, whether it answers
 * synchronously, asynchronously or fails; inside `observer.run` when the observer has one. A
 * failure to dispatch is a rejected promise, never a throw. Nothing is allocated but the
 * observation (and, for an answer that is a promise, its two reactions).
 *
 * @example
 * return observed(observer, pipeline, name, input, origin, options)
 */
export function observed(
  observer: Observer,
  through: Dispatcher,
  name: string,
  input: unknown,
  origin: CallOrigin | undefined,
  options: InvokeOptions | undefined,
): unknown {
  const call = new Observation(name, origin, options, through)
  let out: unknown
  try {
    observer.start(call)
    out =
      observer.run === undefined
        ? through.dispatch(name, input, origin, options)
        : observer.run(call, () => through.dispatch(name, input, origin, options))
  } catch (error) {
    observer.end(call, error)
    return Promise.reject(error)
  }
  if (out instanceof Promise) {
    return out.then(
      (value: unknown) => {
        observer.end(call, undefined)
        return value
      },
      (error: unknown) => {
        observer.end(call, error)
        throw error
      },
    )
  }
  observer.end(call, undefined)
  return out
}
