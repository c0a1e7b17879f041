import type { Clock } from '../../src/index.ts'

/**
 * A clock that moves only when told: timers fire, in order, as `advance` passes their time
 * (timers set by those timers too, when they fall due in the span).
 *
 * @example
 * const clock = new ManualClock()
 * createRuntime({ root, clock })
 * clock.advance(1500)
 */
export class ManualClock implements Clock {
  #now: number
  #next = 1
  readonly #timers = new Map<number, { at: number; fn: () => void }>()

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Timers set and not yet run or cleared. */
  get pending(): number {
    return this.#timers.size
  }

  /** Moves time on by `ms`, running the timers that fall due. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.#timers)
        if (entry[1].at <= end && (first === undefined || entry[1].at < first[1].at)) first = entry
      if (first === undefined) break
      this.#timers.delete(first[0])
      this.#now = first[1].at
      first[1].fn()
    }
    this.#now = end
  }
}

/**
 * Resolves once the promise jobs queued so far (and those they queue) have run: one turn of
 * the event loop, not a span of time.
 *
 * @example
 * clock.advance(1000)
 * await settle()
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
