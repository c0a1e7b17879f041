import type { Clock } from '../../src/index.ts'

/**
 * A clock that moves only when told: timers fire, in order, as `advance` passes their time.
 *
 * @example
 * const clock = new ManualClock()
 * createRuntime({ root, clock })
 * clock.advance(1500)
 */
export class ManualClock implements Clock {
  #now = 1_700_000_000_000
  #timers: { at: number; fn: () => void; id: number }[] = []
  #ids = 0

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#ids
    this.#timers.push({ at: this.#now + Math.max(0, ms), fn, id })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle)
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const until = this.#now + ms
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.#timers = this.#timers.filter((t) => t !== due)
      this.#now = Math.max(this.#now, due.at)
      due.fn()
    }
    this.#now = until
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length
  }
}
