import type { CacheEntry, CacheStore } from './store.ts'

/**
 * A shared store (JetStream KV across nodes, the primary across workers) with this process's
 * memory in front: a hit in memory costs a map look-up; a miss asks the shared store and keeps
 * what it finds in memory for as long as the entry lives; a store writes both. A shared store
 * that fails on read counts as a miss.
 *
 * @example
 * const store = new TieredCacheStore(new MemoryCacheStore(), kvStore, systemClock.now)
 */
export class TieredCacheStore implements CacheStore {
  readonly #front: CacheStore
  readonly #back: CacheStore
  readonly #now: () => number

  constructor(front: CacheStore, back: CacheStore, now: () => number) {
    this.#front = front
    this.#back = back
    this.#now = now
  }

  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined> {
    const near = this.#front.get(key)
    if (near !== undefined && !(near instanceof Promise)) return near
    return Promise.resolve(near)
      .then((found) => found ?? this.#back.get(key))
      .then(
        (entry) => {
          const keep = entry === undefined ? 0 : Math.max(entry.staleUntil, entry.errorUntil) - this.#now()
          if (entry !== undefined && keep > 0) void this.#front.set(key, entry, keep)
          return entry
        },
        () => undefined,
      )
  }

  async set(key: string, entry: CacheEntry, keepMs: number): Promise<void> {
    await this.#front.set(key, entry, keepMs)
    await this.#back.set(key, entry, keepMs)
  }

  async delete(key: string): Promise<void> {
    await Promise.all([this.#front.delete(key), this.#back.delete(key)])
  }

  async clear(): Promise<void> {
    await this.#front.clear()
  }
}
