import type { CallOrigin } from './context.ts'
import type { Observer } from './observer.ts'
import type { InvokeOptions, ObservedCall } from './ports.ts'

/**
 * One call about to be dispatched, as the runtime describes it to {@link observed}.
 *
 * @example
 * const about: AboutCall = { name: 'a', origin: undefined, options: { caller: 'http' }, remote: false }
 */
export interface AboutCall {
  readonly name: string
  readonly origin: CallOrigin | undefined
  readonly options: InvokeOptions | undefined
  readonly remote: boolean
}

/**
 * Runs `dispatch` between the observer's `start` and `end`, once, whether the call answers
 * synchronously, asynchronously or fails.
 *
 * @example
 * return observed(observer, { name, origin, options, remote: false }, () => pipeline.dispatch(name, input, origin, options))
 */
export function observed(observer: Observer, about: AboutCall, dispatch: () => unknown): unknown {
  const { origin, options } = about
  const call: ObservedCall = {
    service: about.name,
    caller: origin === undefined ? options?.caller : origin.service,
    depth: (origin?.depth ?? 0) + 1,
    traceId: origin?.traceId ?? options?.traceId,
    parentSpanId: origin?.parentSpanId,
    remote: about.remote,
    state: undefined,
  }
  observer.start(call)
  let out: unknown
  try {
    out = observer.run === undefined ? dispatch() : observer.run(call, dispatch)
  } catch (error) {
    observer.end(call, error)
    throw error
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
