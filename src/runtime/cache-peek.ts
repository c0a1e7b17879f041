import { MISS } from './cache/result-cache.ts'
import type { CacheEntry } from './cache/store.ts'
import type { Observer } from './observer.ts'
import type { CallPipeline } from './pipeline.ts'
import type { InvokeOptions, KeptHit } from './ports.ts'
import type { PreparedService } from './prepare.ts'

/**
 * The runtime's cache-hit fast paths: `peekKept` answers calls a fresh cache entry answers at
 * once; `hitAgain` counts calls answered from what a caller kept of earlier hits. The
 * observer hears each as `hit`; under an observer without `hit` (a tracer) every path is off and
 * each call goes through `invoke`.
 *
 * @example
 * const peeks = new CachePeeks(pipeline, observer, () => reloads)
 * peeks.peekKept('fragments/weather', input, { caller: 'page' })?.value
 */
export class CachePeeks {
  readonly #pipeline: CallPipeline
  readonly #observer: Observer | undefined
  readonly #reloads: () => number

  /** `reloads`: a count that grows with every reload of a service (see `Runtime.changes`). */
  constructor(pipeline: CallPipeline, observer: Observer | undefined, reloads: () => number) {
    this.#pipeline = pipeline
    this.#observer = observer
    this.#reloads = reloads
  }

  /** The answer of a call a fresh cache entry gives at once, reported as a hit, with until when it holds and the service's token; else undefined. */
  peekKept(name: string, input: unknown, options?: InvokeOptions): KeptHit | undefined {
    const observer = this.#observer
    if (observer !== undefined && observer.hit === undefined) return undefined
    const hit = this.#pipeline.peekEntry(name, input, options)
    if (hit === MISS) return undefined
    observer?.hit?.(name, options?.caller)
    const until = hit.service.vary.length === 0 ? hit.entry.freshUntil : 0
    hit.stamp = this.#stamp()
    return { value: hit.entry.value, until, token: hit }
  }

  /**
   * Counts a call as a cache hit again, for a caller that answers it from what it kept of an
   * earlier hit: true when the cache still holds the very entry of that hit, fresh, for the same
   * service; else false and nothing is counted (the entry was refreshed, dropped or went stale, or
   * the service was reloaded: call afresh).
   */
  hitAgain(name: string, token: unknown, caller?: string): boolean {
    const observer = this.#observer
    if (observer !== undefined && observer.hit === undefined) return false
    if (!(token instanceof PeekedEntry) || token.service.name !== name) return false
    const stamp = this.#stamp()
    if (stamp === undefined || stamp !== token.stamp) {
      if (!this.#pipeline.stillAnswers(name, token)) return false
      token.stamp = stamp
    }
    observer?.hit?.(name, caller)
    return true
  }

  /** Reloads plus cache writes so far, or undefined when the cache store does not count its writes. */
  #stamp(): number | undefined {
    const writes = this.#pipeline.cacheWrites()
    return writes === undefined ? undefined : writes + this.#reloads()
  }
}

/**
 * A fresh cache entry that answers a call at once, and the loaded service it belongs to.
 *
 * @example
 * const hit = pipeline.peekEntry('fragments/weather', input, options) // { entry, service, key } or MISS
 */
export class PeekedEntry {
  readonly entry: CacheEntry
  readonly service: PreparedService
  readonly key: string
  /** Set by whoever keeps it: the stamp at which it was last found unchanged (see `CachePeeks`). */
  stamp: number | undefined

  constructor(entry: CacheEntry, service: PreparedService, key: string) {
    this.entry = entry
    this.service = service
    this.key = key
  }
}
