import type { LogSink } from '../logger.ts'
import type { CacheResult } from '../observer.ts'
import type { Clock } from '../ports.ts'
import type { CacheEntry, CacheStore } from './store.ts'
import { TieredCacheStore } from './tiered-store.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

/**
 * What {@link ResultCache.fresh} answers when it has no fresh value at hand.
 *
 * @example
 * if (cache.fresh(key) === MISS) await cache.through(key, policy, compute)
 */
export const MISS: unique symbol = Symbol('nanoweb.cache.miss')

/**
 * A cache policy in milliseconds.
 *
 * @example
 * const p: CachePolicyMs = { ttl: 60_000, staleWhileRevalidate: 600_000, staleIfError: 0 }
 */
export interface CachePolicyMs {
  readonly ttl: number
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
  /** Kept in the shared store too (`cache: { store: 'shared' }`), when the runtime has one. */
  readonly shared?: boolean
}

/**
 * Caching in front of a computation: fresh hits from the store, stale-while-revalidate (serve
 * stale, refresh once in the background), stale-if-error (serve stale when the refresh fails),
 * and single-flight (concurrent misses for one key share one computation).
 *
 * A shared computation is the caller's to give: the runtime runs it under its own context, so one
 * caller's deadline never fails the others waiting on it.
 *
 * @example
 * const cache = new ResultCache({ store: new MemoryCacheStore(), clock: systemClock, onRefreshError: (key, err) => console.warn(key, err) })
 * const value = await cache.through('weather/current\u0000{"city":"Leeds"}', policy, () => compute())
 */
export class ResultCache {
  readonly #store: CacheStore
  readonly #tiered: CacheStore
  readonly #inflight = new Map<string, Promise<unknown>>()
  readonly #onRefreshError: (key: string, error: unknown) => void
  readonly #onStoreError: (key: string, error: unknown) => void
  readonly #clock: Clock

  constructor(options: {
    readonly store: CacheStore
    readonly clock: Clock
    readonly onRefreshError: (key: string, error: unknown) => void
    /** A store that fails to keep a result (a shared store out of reach): the call still answers. */
    readonly onStoreError?: (key: string, error: unknown) => void
    /** Where results of services with `cache: { store: 'shared' }` are kept too (the local store stays in front). */
    readonly shared?: CacheStore
  }) {
    this.#store = options.store
    this.#tiered =
      options.shared === undefined
        ? options.store
        : new TieredCacheStore(options.store, options.shared, () => options.clock.now())
    this.#clock = options.clock
    this.#onRefreshError = options.onRefreshError
    this.#onStoreError = options.onStoreError ?? options.onRefreshError
  }

  /**
   * The cached value for `key`, or the result of `compute` (stored under the policy). `seen`, if
   * given, is told how the call was answered: `hit` (fresh), `stale` (served while it refreshes,
   * or because computing failed) or `miss` (computed, or failed to).
   */
  async through(
    key: string,
    policy: CachePolicyMs,
    compute: () => Promise<unknown>,
    seen?: (result: CacheResult) => void,
  ): Promise<unknown> {
    let entry = (policy.shared === true ? this.#tiered : this.#store).get(key)
    if (entry instanceof Promise) entry = await entry
    const now = this.#clock.now()
    if (entry !== undefined) {
      if (now < entry.freshUntil) {
        seen?.('hit')
        return entry.value
      }
      if (now < entry.staleUntil) {
        this.#shared(key, policy, compute).catch((error: unknown) => this.#onRefreshError(key, error))
        seen?.('stale')
        return entry.value
      }
    }
    try {
      const value = await this.#shared(key, policy, compute)
      seen?.('miss')
      return value
    } catch (error) {
      const stale = entry !== undefined && this.#clock.now() < entry.errorUntil
      seen?.(stale ? 'stale' : 'miss')
      if (stale) return (entry as CacheEntry).value
      throw error
    }
  }

  /** How many times the local store was written to so far, when it counts (see `CacheStore.writes`). */
  get writes(): number | undefined {
    return this.#store.writes
  }

  /**
   * The fresh value for `key` when the store answers synchronously and holds one, else
   * {@link MISS}: lets a cache hit from memory skip every promise.
   */
  fresh(key: string): unknown {
    const entry = this.freshEntry(key)
    return entry === MISS ? MISS : entry.value
  }

  /** The fresh entry for `key` (its value and until when it is fresh), as {@link ResultCache.fresh} finds it. */
  freshEntry(key: string): CacheEntry | typeof MISS {
    const entry = this.#store.get(key)
    if (entry === undefined || entry instanceof Promise || this.#clock.now() >= entry.freshUntil) return MISS
    return entry
  }

  /** Computes afresh (sharing a computation already running) and stores the result; `seen` hears `miss`. */
  refresh(
    key: string,
    policy: CachePolicyMs,
    compute: () => Promise<unknown>,
    seen?: (result: CacheResult) => void,
  ): Promise<unknown> {
    seen?.('miss')
    return this.#shared(key, policy, compute)
  }

  #shared(key: string, policy: CachePolicyMs, compute: () => Promise<unknown>): Promise<unknown> {
    const running = this.#inflight.get(key)
    if (running !== undefined) return running
    const started = compute().then(
      async (value) => {
        this.#inflight.delete(key)
        try {
          const store = policy.shared === true ? this.#tiered : this.#store
          await store.set(key, makeEntry(value, policy, this.#clock.now()), keepFor(policy))
        } catch (error) {
          this.#onStoreError(key, error)
        }
        return value
      },
      (error: unknown) => {
        this.#inflight.delete(key)
        throw error
      },
    )
    this.#inflight.set(key, started)
    return started
  }
}

function makeEntry(value: unknown, policy: CachePolicyMs, storedAt: number): CacheEntry {
  const freshUntil = storedAt + policy.ttl
  return {
    value,
    storedAt,
    freshUntil,
    staleUntil: freshUntil + policy.staleWhileRevalidate,
    errorUntil: freshUntil + policy.staleIfError,
    size: toJson(value)?.length ?? 0,
  }
}

function keepFor(policy: CachePolicyMs): number {
  return policy.ttl + Math.max(policy.staleWhileRevalidate, policy.staleIfError)
}

/**
 * A {@link ResultCache} whose store failures are logged as warnings on `log`: a background
 * refresh that failed, and a store that could not keep a result.
 *
 * @example
 * const cache = loggedResultCache({ store: new MemoryCacheStore(), clock: systemClock, log: rt.log })
 */
export function loggedResultCache(options: {
  readonly store: CacheStore
  readonly shared?: CacheStore | undefined
  readonly clock: Clock
  readonly log: LogSink
}): ResultCache {
  const { clock, log } = options
  const warn = (message: string) => (key: string, error: unknown) =>
    log({ level: 'warn', message, time: clock.now(), key, error })
  return new ResultCache({
    store: options.store,
    shared: options.shared,
    clock,
    onRefreshError: warn('background cache refresh failed'),
    onStoreError: warn('the cache store failed to keep a result'),
  })
}
