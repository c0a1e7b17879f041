import { LRUCache } from 'lru-cache'

/**
 * One cached service result and the times (ms since the epoch) that govern it.
 *
 * @example
 * const e: CacheEntry = { value: { tempC: 11 }, storedAt: now, freshUntil: now + 60_000, staleUntil: now + 660_000, errorUntil: now + 60_000, size: 14 }
 */
export interface CacheEntry {
  readonly value: unknown
  readonly storedAt: number
  /** Served as is until then. */
  readonly freshUntil: number
  /** Served stale while a refresh runs, until then. */
  readonly staleUntil: number
  /** Served stale when a refresh fails, until then. */
  readonly errorUntil: number
  /** Approximate size in bytes (its JSON length). */
  readonly size: number
}

/**
 * Where the runtime keeps cached results. Methods may answer synchronously (in memory) or with
 * a promise (a shared store over the network); the runtime handles both.
 *
 * @example
 * const store: CacheStore = new MemoryCacheStore({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 })
 */
export interface CacheStore {
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>
  /** Keeps `entry` for at most `keepMs`. */
  set(key: string, entry: CacheEntry, keepMs: number): void | Promise<void>
  delete(key: string): void | Promise<void>
  clear(): void | Promise<void>
  /**
   * Optional: a count that grows with every change of what the store holds (an entry set,
   * deleted, evicted, or everything cleared). A store that counts lets the runtime know a kept
   * cache hit still stands without looking it up again; one that does not is looked up each time.
   */
  readonly writes?: number
}

/**
 * Size bounds of the in-memory store.
 *
 * @example
 * const limits: MemoryCacheLimits = { maxEntries: 1000, maxBytes: 8 * 1024 * 1024 }
 */
export interface MemoryCacheLimits {
  readonly maxEntries?: number
  readonly maxBytes?: number
}

/**
 * The in-process {@link CacheStore}: least recently used entries go first once either the entry
 * count or the byte total passes its bound; expired entries are dropped on read.
 *
 * @example
 * const store = new MemoryCacheStore({ maxEntries: 2 })
 * store.set('a', entry, 1000)
 */
export class MemoryCacheStore implements CacheStore {
  readonly #lru: LRUCache<string, CacheEntry>
  #writes = 0

  constructor(limits: MemoryCacheLimits = {}) {
    this.#lru = new LRUCache<string, CacheEntry>({
      max: limits.maxEntries ?? 10_000,
      maxSize: limits.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (entry, key) => Math.max(1, entry.size + key.length),
      dispose: () => {
        this.#writes += 1
      },
    })
  }

  get(key: string): CacheEntry | undefined {
    return this.#lru.get(key)
  }

  set(key: string, entry: CacheEntry, keepMs: number): void {
    this.#writes += 1
    this.#lru.set(key, entry, { ttl: Math.max(1, Math.ceil(keepMs)) })
  }

  delete(key: string): void {
    this.#writes += 1
    this.#lru.delete(key)
  }

  clear(): void {
    this.#writes += 1
    this.#lru.clear()
  }

  /** Changes so far: every set, delete and clear, and every entry evicted or expired. */
  get writes(): number {
    return this.#writes
  }

  /** Number of entries held now. */
  get size(): number {
    return this.#lru.size
  }

  /** Bytes held now, as counted for the bound. */
  get bytes(): number {
    return this.#lru.calculatedSize
  }
}
