import { NanoError } from '../define/errors.ts'
import type { Concurrency } from '../define/policy.ts'
import { withRetryAfter } from './retry-after.ts'

/** A call waiting in a {@link ConcurrencyGate}'s queue. */
interface Waiter {
  readonly admit: () => void
  readonly cancel: (reason: unknown) => void
}

/**
 * Bounds how many calls of one service run at once (`concurrency: 32` or `{ limit, queue }`).
 * A call past the limit waits in a FIFO queue (default: as long as the limit); past the queue it
 * fails at once with `NANO_E_OVERLOADED` (503, `Retry-After: 1` over HTTP). A waiting call
 * leaves the queue when its deadline passes or its signal aborts. A slot is held until the
 * service's `run` has settled, not merely until its caller stopped waiting.
 *
 * @example
 * const gate = new ConcurrencyGate('report/build', { limit: 2, queue: 10 })
 * const entered = gate.enter(deadline)    // undefined: run now; a promise: wait for it first
 * try { await run() } finally { gate.leave() }
 */
export class ConcurrencyGate {
  readonly service: string
  readonly limit: number
  readonly queueLimit: number
  #running = 0
  readonly #queue: Waiter[] = []

  constructor(service: string, concurrency: Concurrency) {
    this.service = service
    this.limit = typeof concurrency === 'number' ? concurrency : concurrency.limit
    this.queueLimit = typeof concurrency === 'number' ? this.limit : (concurrency.queue ?? this.limit)
  }

  /** Calls running now. */
  get running(): number {
    return this.#running
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#queue.length
  }

  /**
   * Takes a slot: `undefined` when one is free now (the call runs at once); a promise that
   * resolves when a slot is handed over, or rejects with the reason of the deadline's signal
   * when it aborts first (read only when the call has to wait). Throws `NANO_E_OVERLOADED` when the queue is full. Every admitted call must
   * {@link ConcurrencyGate.leave} once.
   */
  enter(deadline: { readonly signal: AbortSignal } | undefined): Promise<void> | undefined {
    if (this.#running < this.limit) {
      this.#running += 1
      return undefined
    }
    if (this.#queue.length >= this.queueLimit) throw this.#overloaded()
    const signal = deadline?.signal
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        cancel: reject,
      }
      const onAbort = (): void => {
        const at = this.#queue.indexOf(waiter)
        if (at !== -1) this.#queue.splice(at, 1)
        waiter.cancel(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#queue.push(waiter)
    })
  }

  /**
   * `run`, giving its slot back once it has settled: when it returns a value, throws, or the
   * promise it returns settles.
   */
  wrap<F extends (...args: never[]) => unknown>(run: F): F {
    const leave = (): void => this.leave()
    return ((...args: Parameters<F>) => {
      let output: unknown
      try {
        output = run(...args)
      } catch (error) {
        leave()
        throw error
      }
      if (output instanceof Promise) output.then(leave, leave)
      else if (typeof (output as PromiseLike<unknown> | null)?.then === 'function') {
        Promise.resolve(output).then(leave, leave)
      } else leave()
      return output
    }) as F
  }

  /** Gives a slot back: to the call that has waited longest, else frees it. */
  leave(): void {
    const next = this.#queue.shift()
    if (next === undefined) this.#running -= 1
    else next.admit()
  }

  #overloaded(): NanoError {
    return withRetryAfter(
      new NanoError(
        'NANO_E_OVERLOADED',
        `Service '${this.service}' is busy: ${this.#running} calls run and ${this.#queue.length} wait, its limit (concurrency ${this.limit}, queue ${this.queueLimit}); retry shortly`,
        { service: this.service },
      ),
      1000,
    )
  }
}
