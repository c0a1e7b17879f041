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
 * const peeks = new CachePeeks(pipeline, observer, () => closed)
 * peeks.peekKept('fragments/weather', input, { caller: 'page' })?.value
 */
export class CachePeeks {
  readonly #pipeline: CallPipeline
  readonly #observer: Observer | undefined
  readonly #closed: () => boolean

  constructor(pipeline: CallPipeline, observer: Observer | undefined, closed: () => boolean) {
    this.#pipeline = pipeline
    this.#observer = observer
    this.#closed = closed
  }

  /** The answer of a call a fresh cache entry gives at once, reported as a hit, with until when it holds and the service's token; else undefined. */
  peekKept(name: string, input: unknown, options?: InvokeOptions): KeptHit | undefined {
    const observer = this.#observer
    if (this.#closed() || (observer !== undefined && observer.hit === undefined)) return undefined
    const hit = this.#pipeline.peekEntry(name, input, options)
    if (hit === MISS) return undefined
    observer?.hit?.(name, options?.caller)
    const until = hit.service.vary.length === 0 ? hit.entry.freshUntil : 0
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
    if (this.#closed() || (observer !== undefined && observer.hit === undefined)) return false
    if (!isPeeked(token) || !this.#pipeline.stillAnswers(name, token)) return false
    observer?.hit?.(name, caller)
    return true
  }
}

function isPeeked(token: unknown): token is PeekedEntry {
  return typeof token === 'object' && token !== null && 'entry' in token && 'key' in token
}
