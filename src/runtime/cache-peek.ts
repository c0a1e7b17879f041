import { MISS } from './cache/result-cache.ts'
import type { Observer } from './observer.ts'
import type { CallPipeline, PeekedEntry } from './pipeline.ts'
import type { InvokeOptions, KeptHit } from './ports.ts'

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
    return { value: hit.entry.value, until, token: new KeptToken(hit, this.#stamp()) }
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
    if (!(token instanceof KeptToken) || token.peeked.service.name !== name) return false
    const stamp = this.#stamp()
    if (stamp === undefined || stamp !== token.stamp) {
      if (!this.#pipeline.stillAnswers(name, token.peeked)) return false
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
 * The token of a `peekKept` hit: the entry, its key and its service, and the stamp (reloads and
 * cache writes so far) at which they were last found unchanged. While nothing was reloaded or
 * written to the cache since, `hitAgain` needs no look-up at all.
 */
class KeptToken {
  readonly peeked: PeekedEntry
  stamp: number | undefined

  constructor(peeked: PeekedEntry, stamp: number | undefined) {
    this.peeked = peeked
    this.stamp = stamp
  }
}
