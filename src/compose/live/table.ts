import type { Clock } from '../../runtime/ports.ts'
import { IdleInstances } from './idle.ts'
import { type Instance, type LiveClaim, newInstance } from './instance.ts'

/**
 * The instances a hub holds, at most `maxInstances`, watched or idle. An idle one (nobody
 * watches it) is dropped after `graceMs`, or sooner, oldest first, to make room for new ones;
 * a watched one never is. `dropped` hears of each instance dropped.
 *
 * @example
 * const table = new InstanceTable({ clock, graceMs: 30_000, maxInstances: 10_000, dropped: (i) => renderer.end(i) })
 * if (table.room(1, new Set())) table.storeIdle(claim, html)
 */
export class InstanceTable {
  readonly maxInstances: number
  readonly #byId = new Map<string, Instance>()
  readonly #idle: IdleInstances
  readonly #dropped: (instance: Instance) => void

  constructor(init: { clock: Clock; graceMs: number; maxInstances: number; dropped: (instance: Instance) => void }) {
    this.maxInstances = init.maxInstances
    this.#dropped = init.dropped
    this.#idle = new IdleInstances({ clock: init.clock, graceMs: init.graceMs, expire: (i) => this.#forget(i) })
  }

  get size(): number {
    return this.#byId.size
  }

  get idle(): number {
    return this.#idle.size
  }

  get(id: string): Instance | undefined {
    return this.#byId.get(id)
  }

  values(): IterableIterator<Instance> {
    return this.#byId.values()
  }

  /** True while `instance` is the one held under its id (not dropped, not replaced). */
  holds(instance: Instance): boolean {
    return this.#byId.get(instance.id) === instance
  }

  /** Makes room for `needed` more instances by dropping idle ones not in `keep`, or says there is none. */
  room(needed: number, keep: ReadonlySet<string>): boolean {
    const spare = this.maxInstances - this.#byId.size
    if (spare >= needed) return true
    const victims: Instance[] = []
    for (const instance of this.#idle.oldestFirst()) {
      if (keep.has(instance.id)) continue
      victims.push(instance)
      if (spare + victims.length >= needed) break
    }
    if (spare + victims.length < needed) return false
    for (const victim of victims) {
      this.#idle.delete(victim)
      this.#forget(victim)
    }
    return true
  }

  /** Holds a new instance nobody watches yet (call {@link InstanceTable.room} first). */
  storeIdle(claim: LiveClaim, html: string | undefined): Instance {
    const instance = this.storeWatched(claim)
    instance.html = html
    this.#idle.add(instance)
    return instance
  }

  /** Holds a new instance about to be watched, bound or not (one dropped between admit and attach). */
  storeWatched(claim: LiveClaim): Instance {
    const instance = newInstance(claim, undefined)
    this.#byId.set(instance.id, instance)
    return instance
  }

  /** Marks an instance watched; true when it was idle. */
  watched(instance: Instance): boolean {
    const wasIdle = instance.idleSince !== undefined
    this.#idle.delete(instance)
    return wasIdle
  }

  /** Marks an instance nobody watches any more idle from now (if it is still held). */
  unwatched(instance: Instance): void {
    if (this.holds(instance)) this.#idle.add(instance)
  }

  /** Marks an idle instance a page just showed idle from now, to the second (see {@link IdleInstances.renew}). */
  shown(instance: Instance): void {
    if (instance.idleSince !== undefined && this.holds(instance)) this.#idle.renew(instance)
  }

  clear(): void {
    this.#idle.clear()
    this.#byId.clear()
  }

  #forget(instance: Instance): void {
    if (!this.holds(instance)) return
    this.#byId.delete(instance.id)
    this.#dropped(instance)
  }
}
