import type { Context } from '../define/types.ts'

/**
 * One call of an untrusted service as the host tracks it: its context, the CPU time it has used
 * in the isolate, its timers, and its outcome (known at once when the isolate settled it before
 * returning, else a promise).
 *
 * @example
 * const state = new CallState(1, ctx, (s) => isolate.abort(s))
 * state.settle(true, { ok: 1 })
 * state.outcome() // { ok: 1 }
 */
export class CallState {
  readonly id: number
  readonly ctx: Context<string>
  cpuMs = 0
  done = false
  #ok = false
  #result: unknown
  #promise: { resolve(value: unknown): void; reject(error: unknown): void } | undefined
  #timers: Map<number, NodeJS.Timeout> | undefined
  #onAbort: (() => void) | undefined
  readonly #abort: (state: CallState) => void

  constructor(id: number, ctx: Context<string>, abort: (state: CallState) => void) {
    this.id = id
    this.ctx = ctx
    this.#abort = abort
  }

  /** Ends the call once (later outcomes are ignored): timers cleared, the abort listener removed. */
  settle(ok: boolean, result: unknown): void {
    if (this.done) return
    this.done = true
    this.#ok = ok
    this.#result = result
    if (this.#timers !== undefined) for (const timer of this.#timers.values()) clearTimeout(timer)
    if (this.#onAbort !== undefined) this.ctx.signal.removeEventListener('abort', this.#onAbort)
    if (this.#promise === undefined) return
    if (ok) this.#promise.resolve(result)
    else this.#promise.reject(result)
  }

  /** The result, or throws the error, when settled; else a promise, and the call now listens for its signal. */
  outcome(): unknown {
    if (this.done) {
      if (this.#ok) return this.#result
      throw this.#result
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      this.#promise = { resolve, reject }
    })
    const signal = this.ctx.signal
    this.#onAbort = () => this.#abort(this)
    if (signal.aborted) queueMicrotask(this.#onAbort)
    else signal.addEventListener('abort', this.#onAbort, { once: true })
    return promise
  }

  addTimer(id: number, timer: NodeJS.Timeout): void {
    if (this.done) return void clearTimeout(timer)
    this.#timers ??= new Map()
    this.#timers.set(id, timer)
  }

  clearTimer(id: number): void {
    const timer = this.#timers?.get(id)
    if (timer === undefined) return
    clearTimeout(timer)
    this.#timers?.delete(id)
  }
}
