import { toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import type { CallOptions } from '../define/types.ts'

/**
 * One point in time after which work is abandoned, shared by every call beneath the call that
 * set it: one timer per deadline, not per call. A call whose own `timeout` ends earlier than its
 * caller's deadline gets a deadline of its own, chained to the caller's.
 *
 * @example
 * const deadline = new Deadline(Date.now() + 150, 'weather/current', undefined)
 * await Promise.race([work(deadline.signal), deadline.expired()])
 * deadline.dispose()
 */
export class Deadline {
  /** Milliseconds since the epoch; `Infinity` when only an outside signal can end it. */
  readonly at: number
  readonly #setBy: string
  readonly #outer: AbortSignal | undefined
  #controller: AbortController | undefined
  #expired: Promise<never> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(at: number, setBy: string, outer: AbortSignal | undefined) {
    this.at = at
    this.#setBy = setBy
    this.#outer = outer
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

  /** Stops the timer; call it when the call that set the deadline is over. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
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
      const outer = this.#outer
      if (outer !== undefined) {
        if (outer.aborted) return end(abortReason(outer))
        outer.addEventListener('abort', () => end(abortReason(outer)), { once: true })
      }
      if (this.at !== Number.POSITIVE_INFINITY) {
        this.#timer = setTimeout(() => end(this.#timeoutError()), Math.max(0, this.at - Date.now()))
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
 * The deadline a call runs under: its caller's, unless its own `timeout` (`timeoutMs`) or the
 * call options (`timeout`, `deadline`, `signal`) end it earlier, in which case a new one chained
 * to the caller's. `undefined` when nothing limits the call. Costs nothing in the common case.
 *
 * @example
 * const deadline = deadlineFor('weather/current', 150, parentCtx?.deadlineRef, { timeout: '1s' })
 */
export function deadlineFor(
  setBy: string,
  timeoutMs: number | undefined,
  inherited: Deadline | undefined,
  options: CallOptions | undefined,
): Deadline | undefined {
  if (
    timeoutMs === undefined &&
    (options === undefined ||
      (options.timeout === undefined && options.deadline === undefined && options.signal === undefined))
  )
    return inherited
  let at = inherited?.at ?? Number.POSITIVE_INFINITY
  const now = Date.now()
  if (timeoutMs !== undefined) at = Math.min(at, now + timeoutMs)
  if (options?.timeout !== undefined) at = Math.min(at, now + toMs(options.timeout, 'timeout'))
  if (options?.deadline !== undefined) at = Math.min(at, options.deadline)
  if (inherited !== undefined && at === inherited.at && options?.signal === undefined) return inherited
  if (at === Number.POSITIVE_INFINITY && options?.signal === undefined) return inherited
  return new Deadline(at, setBy, joinSignals(inherited?.signal, options?.signal))
}

function joinSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return AbortSignal.any([a, b])
}
