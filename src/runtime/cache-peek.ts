import { MISS } from './cache/result-cache.ts'
import type { Observer } from './observer.ts'
import type { CallPipeline } from './pipeline.ts'
import type { InvokeOptions, KeptHit } from './ports.ts'

/**
 * The runtime's cache-hit fast paths: `peek` and `peekKept` answer calls a fresh cache entry
 * answers at once; `hitAgain` counts calls answered from what a caller kept of earlier hits. The
 * observer hears each as `hit`; under an observer without `hit` (a tracer) every path is off and
 * each call goes through `invoke`.
 *
 * @example
 * const peeks = new CachePeeks(pipeline, observer, () => closed)
 * peeks.peek('fragments/weather', input, { caller: 'page' })
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

  /** The output of a call a fresh cache entry answers at once, reported as a hit; else undefined. */
  peek(name: string, input: unknown, options?: InvokeOptions): unknown {
    return this.peekKept(name, input, options)?.value
  }

  /** As {@link CachePeeks.peek}, with until when the answer holds and the service's token. */
  peekKept(name: string, input: unknown, options?: InvokeOptions): KeptHit | undefined {
    const observer = this.#observer
    if (this.#closed() || (observer !== undefined && observer.hit === undefined)) return undefined
    const hit = this.#pipeline.peekEntry(name, input, options)
    if (hit === MISS) return undefined
    observer?.hit?.(name, options?.caller)
    const until = hit.service.vary.length === 0 ? hit.entry.freshUntil : 0
    return { value: hit.entry.value, until, token: hit.service }
  }

  /**
   * Counts the calls of `hits` as cache hits again, for a caller that answers them from what it
   * kept of earlier hits (before their `until`): true when every service is still the one whose
   * token it kept, else false and nothing is counted (a service was reloaded: call afresh).
   */
  hitAgain(hits: readonly { readonly name: string; readonly token: unknown }[], caller?: string): boolean {
    const observer = this.#observer
    if (this.#closed() || (observer !== undefined && observer.hit === undefined)) return false
    for (const hit of hits) if (!this.#pipeline.loadedAs(hit.name, hit.token)) return false
    if (observer?.hit !== undefined) for (const hit of hits) observer.hit(hit.name, caller)
    return true
  }
}
