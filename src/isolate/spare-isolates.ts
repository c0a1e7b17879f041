import { type IsolateBase, type PreparedIsolate, prepareIsolate } from './isolate-instance.ts'

/**
 * One isolate kept ready (base installed, no service yet) for the app's default memory limit, so
 * that a service whose isolate was disposed (idle, or over a limit) starts again without paying
 * for a new isolate: `take` hands it out and a new spare is made on a later turn.
 *
 * @example
 * const spares = new SpareIsolates(base, 64)
 * const spare = spares.take(64) // undefined the first time, or for another memory limit
 */
export class SpareIsolates {
  readonly #base: IsolateBase
  readonly #memoryMb: number
  #spare: PreparedIsolate | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(base: IsolateBase, memoryMb: number) {
    this.#base = base
    this.#memoryMb = memoryMb
  }

  /** The spare, if it was made with `memoryMb`; a new one is made later either way. */
  take(memoryMb: number): PreparedIsolate | undefined {
    if (memoryMb !== this.#memoryMb) return undefined
    const spare = this.#spare
    this.#spare = undefined
    this.#refill()
    return spare
  }

  close(): void {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    if (this.#spare !== undefined && !this.#spare.iso.isDisposed) this.#spare.iso.dispose()
    this.#spare = undefined
  }

  #refill(): void {
    if (this.#closed || this.#timer !== undefined || this.#spare !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (this.#closed || this.#spare !== undefined) return
      try {
        this.#spare = prepareIsolate(this.#base, this.#memoryMb)
      } catch {}
    }, 0)
    this.#timer.unref()
  }
}
