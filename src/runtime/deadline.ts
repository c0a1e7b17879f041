import { toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import type { CallOptions } from '../define/types.ts'
import type { CallScope, Clock } from './ports.ts'

/**
 * How to make a {@link Deadline}.
 *
 * @example
 * const options: DeadlineOptions = { at: clock.now() + 150, setBy: 'weather/current', outer: undefined, clock }
 */
export interface DeadlineOptions {
  /** Milliseconds since the epoch; `Infinity` when only an outside signal can end it. */
  readonly at: number
  /** Who set it (a service name, `page budget`): named in the timeout error. */
  readonly setBy: string
  /** Aborting this ends the deadline at once. */
  readonly outer?: AbortSignal | undefined
  readonly clock: Clock
}

/**
 * One point in time after which work is abandoned, shared by every call beneath the call that
 * set it: one timer per deadline, not per call, armed only when someone waits on it. A call whose
 * own `timeout` ends earlier than its caller's deadline gets a deadline of its own, chained to
 * the caller's.
 *
 * @example
 * const deadline = new Deadline({ at: Date.now() + 150, setBy: 'weather/current', clock: systemClock })
 * await Promise.race([work(deadline.signal), deadline.expired()])
 * deadline.dispose()
 */
export class Deadline implements CallScope {
  readonly at: number
  readonly #setBy: string
  readonly #outer: AbortSignal | undefined
  readonly #clock: Clock
  #controller: AbortController | undefined
  #expired: Promise<never> | undefined
  #timer: unknown
  /** Why it was ended by {@link Deadline.abort}, if it was. */
  #abortedWith: unknown
  /** Ends an armed deadline (rejects `expired`, aborts `signal`). */
  #end: ((reason: unknown) => void) | undefined

  constructor(options: DeadlineOptions) {
    this.at = options.at
    this.#setBy = options.setBy
    this.#outer = options.outer
    this.#clock = options.clock
  }

  /** Aborted when the deadline passes or the outer signal aborts. */
  get signal(): AbortSignal {
    this.#arm()
    return (this.#controller as AbortController).signal
  }

  /** A promise that rejects (with `NANO_E_TIMEOUT` or the outer abort reason) when the deadline ends. */
  expired(): Promise<never> {
    this.#arm()
    return this.#expired as Promise<never>
  }

  /** True once the time has passed or it was aborted (whether or not anyone waited). */
  get passed(): boolean {
    if (this.#abortedWith !== undefined || this.#outer?.aborted === true) return true
    return this.at !== Number.POSITIVE_INFINITY && this.#clock.now() >= this.at
  }

  /**
   * Ends it now, as its outer signal aborting would: calls under it fail with `reason` (by
   * default `NANO_E_ABORTED`) and its signal aborts. Cheaper than an outer signal for a scope
   * whose owner aborts it itself (a page whose client went away).
   */
  abort(reason: unknown = new NanoError('NANO_E_ABORTED', 'The caller aborted the call')): void {
    if (this.#abortedWith !== undefined) return
    this.#abortedWith = reason
    this.#end?.(reason)
  }

  /** Stops the timer; call it when the call that set the deadline is over. */
  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(): void {
    if (this.#controller !== undefined) return
    const controller = new AbortController()
    this.#controller = controller
    this.#expired = new Promise<never>((_, reject) => {
      const end = (reason: unknown): void => {
        this.dispose()
        if (!controller.signal.aborted) controller.abort(reason)
        reject(reason)
      }
      this.#end = end
      if (this.#abortedWith !== undefined) return end(this.#abortedWith)
      const outer = this.#outer
      if (outer !== undefined) {
        if (outer.aborted) return end(abortReason(outer))
        outer.addEventListener('abort', () => end(abortReason(outer)), { once: true })
      }
      if (this.at !== Number.POSITIVE_INFINITY) {
        this.#timer = this.#clock.setTimeout(() => end(this.#timeoutError()), Math.max(0, this.at - this.#clock.now()))
      }
    })
    this.#expired.catch(() => {})
  }

  #timeoutError(): NanoError {
    return new NanoError('NANO_E_TIMEOUT', `Deadline set by '${this.#setBy}' passed before the call finished`, {
      service: this.#setBy,
    })
  }
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason
  if (reason instanceof NanoError) return reason
  return new NanoError('NANO_E_ABORTED', 'The caller aborted the call', { cause: reason })
}

/**
 * The deadline a call runs under: the inherited one (its caller's, or a shared scope), unless
 * the service's own `timeoutMs` or the call options (`timeout`, `deadline`, `signal`) end it
 * earlier, in which case a new one chained to the inherited. `undefined` when nothing limits the
 * call. Costs nothing in the common case.
 *
 * @example
 * const deadline = deadlineFor({ name: 'weather/current', timeoutMs: 150 }, parent?.deadlineRef, options, clock)
 */
export function deadlineFor(
  own: { readonly name: string; readonly timeoutMs: number | undefined },
  inherited: Deadline | undefined,
  options: CallOptions | undefined,
  clock: Clock,
): Deadline | undefined {
  const timeoutMs = own.timeoutMs
  if (
    timeoutMs === undefined &&
    (options === undefined ||
      (options.timeout === undefined && options.deadline === undefined && options.signal === undefined))
  )
    return inherited
  let at = inherited?.at ?? Number.POSITIVE_INFINITY
  const now = clock.now()
  if (timeoutMs !== undefined) at = Math.min(at, now + timeoutMs)
  if (options?.timeout !== undefined) at = Math.min(at, now + toMs(options.timeout, 'timeout'))
  if (options?.deadline !== undefined) at = Math.min(at, options.deadline)
  if (inherited !== undefined && at === inherited.at && options?.signal === undefined) return inherited
  if (at === Number.POSITIVE_INFINITY && options?.signal === undefined) return inherited
  return new Deadline({ at, setBy: own.name, outer: joinSignals(inherited?.signal, options?.signal), clock })
}

function joinSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return AbortSignal.any([a, b])
}
