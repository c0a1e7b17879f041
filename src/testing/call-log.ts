/**
 * One call a {@link CallLog} saw: which service, who called it (a service name, or the outside
 * label: `test` for the harness's own calls, `page` for a page's fragments and data, `http` for
 * `/api/*`), the input as the caller passed it, and once it settled either the `output` the caller
 * got or the `error` it failed with (a `NanoError`, with its `code`). A call still running has
 * neither.
 *
 * @example
 * const seen: RecordedCall = { service: 'geo/lookup', caller: 'weather/current', input: { city: 'Leeds' }, output: { lat: 1, lon: 2 } }
 */
export interface RecordedCall {
  readonly service: string
  readonly caller: string | undefined
  readonly input: unknown
  /** What the caller got (after the service's output schema), once the call succeeded. */
  readonly output?: unknown
  /** What the call failed with, once it failed. */
  readonly error?: unknown
}

interface OpenCall {
  readonly service: string
  readonly caller: string | undefined
  readonly input: unknown
  output?: unknown
  error?: unknown
}

/**
 * The calls made in a test runtime, in the order they were made (a caller before the calls it
 * makes). `track` wraps one call, answered synchronously or by a promise, and returns its answer
 * unchanged.
 *
 * @example
 * const log = new CallLog()
 * const out = log.track('geo/lookup', 'test', { city: 'Leeds' }, () => rt.invoke('geo/lookup', { city: 'Leeds' }))
 * log.calls('geo/lookup') // [{ service: 'geo/lookup', caller: 'test', input: { city: 'Leeds' }, output: … }]
 */
export class CallLog {
  #calls: OpenCall[] = []

  /** Records a call of `service`, runs it with `dispatch`, and notes its output or error. */
  track(service: string, caller: string | undefined, input: unknown, dispatch: () => unknown): unknown {
    const call: OpenCall = { service, caller, input }
    this.#calls.push(call)
    let out: unknown
    try {
      out = dispatch()
    } catch (error) {
      call.error = error
      throw error
    }
    if (!(out instanceof Promise)) {
      call.output = out
      return out
    }
    return out.then(
      (value: unknown) => {
        call.output = value
        return value
      },
      (error: unknown) => {
        call.error = error
        throw error
      },
    )
  }

  /** The calls so far, oldest first; only those of `service` when it is given. */
  calls(service?: string): RecordedCall[] {
    const all = service === undefined ? this.#calls : this.#calls.filter((call) => call.service === service)
    return all.map((call) => ({ ...call }))
  }

  /** Forgets every call so far. */
  reset(): void {
    this.#calls = []
  }
}
