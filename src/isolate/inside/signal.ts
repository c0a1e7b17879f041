type Listener = (event: { readonly type: 'abort' }) => void

/**
 * The `ctx.signal` of a call inside an isolate (V8 alone has no `AbortSignal`): `aborted`,
 * `reason`, `onabort`, `addEventListener('abort', …)`, `throwIfAborted()`. The host aborts it
 * when the host-side signal of the call aborts.
 *
 * @example
 * const signal = new IsolateSignal()
 * signal.addEventListener('abort', () => cleanUp())
 */
export class IsolateSignal {
  aborted = false
  reason: unknown = undefined
  onabort: Listener | null = null
  readonly #listeners = new Set<Listener>()

  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort') this.#listeners.add(listener)
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type === 'abort') this.#listeners.delete(listener)
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason
  }

  /** Aborts once, calling `onabort` and the listeners (a throwing listener does not stop the others). */
  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const event = Object.freeze({ type: 'abort' as const })
    for (const listener of [this.onabort, ...this.#listeners]) {
      try {
        listener?.(event)
      } catch {}
    }
    this.#listeners.clear()
  }
}
