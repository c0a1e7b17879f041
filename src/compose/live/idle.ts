import type { Clock } from '../../runtime/ports.ts'
import type { Instance } from './instance.ts'

/** How stale an idle instance's `idleSince` may be before {@link IdleInstances.renew} moves it. */
const RENEW_AFTER_MS = 1000

/**
 * The stored instances nobody watches, oldest first. Each is handed to `expire` once it has been
 * idle for `graceMs` (one timer of the clock for the oldest), or earlier through `oldest()` when
 * the hub needs room (`oldestFirst`).
 *
 * @example
 * const idle = new IdleInstances({ clock, graceMs: 30_000, expire: (instance) => drop(instance) })
 * idle.add(instance)
 */
export class IdleInstances {
  readonly #clock: Clock
  readonly #graceMs: number
  readonly #expire: (instance: Instance) => void
  readonly #set = new Set<Instance>()
  #timer: unknown

  constructor(init: { clock: Clock; graceMs: number; expire: (instance: Instance) => void }) {
    this.#clock = init.clock
    this.#graceMs = init.graceMs
    this.#expire = init.expire
  }

  get size(): number {
    return this.#set.size
  }

  /** Marks an instance idle from now (moving it to the young end). */
  add(instance: Instance): void {
    instance.idleSince = this.#clock.now()
    this.#set.delete(instance)
    this.#set.add(instance)
    this.#arm()
  }

  /**
   * Marks an idle instance idle from now again, as {@link IdleInstances.add}, unless that was
   * done less than a second ago: pages renew the instances they show this way, many times a second.
   */
  renew(instance: Instance): void {
    if (this.#clock.now() - (instance.idleSince ?? 0) >= RENEW_AFTER_MS) this.add(instance)
  }

  /** Marks an instance watched (or gone). */
  delete(instance: Instance): void {
    instance.idleSince = undefined
    this.#set.delete(instance)
    if (this.#set.size === 0) this.clear()
  }

  /** The idle instances, the one idle the longest first. */
  oldestFirst(): IterableIterator<Instance> {
    return this.#set.values()
  }

  /** Forgets every idle instance and stops the timer. */
  clear(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#set.clear()
  }

  #arm(): void {
    const first = this.#set.values().next().value
    if (this.#timer !== undefined || first === undefined) return
    const wait = Math.max(0, (first.idleSince as number) + this.#graceMs - this.#clock.now())
    this.#timer = this.#clock.setTimeout(() => this.#sweep(), wait)
  }

  #sweep(): void {
    this.#timer = undefined
    const cutoff = this.#clock.now() - this.#graceMs
    for (const instance of this.#set) {
      if ((instance.idleSince as number) > cutoff) break
      this.#set.delete(instance)
      this.#expire(instance)
    }
    this.#arm()
  }
}
