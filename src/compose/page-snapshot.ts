import type { TemplatePart } from './template.ts'

/**
 * The bytes of a page up to its `</body>`, as last written whole, with what they were made of:
 * each slot's markup and live id. A later render of the same page with no values (no params, no
 * query, no `data()`) whose slots answered with the same markup (a cache hit gives the very same
 * string) writes these bytes again instead of joining the page anew: a page of cache hits costs
 * a look-up per slot and one copy. Only pages whose text before `</body>` takes nothing from the
 * request but its values have one (no CSP nonce on the page's own tags): see
 * {@link PageSnapshot.of}.
 *
 * When every slot of that render was a cache hit ({@link KeptHits}), the snapshot can also be
 * reused whole until the first of those entries goes stale ({@link PageSnapshot.reusable}): the
 * next render then runs no slot at all and only counts the hits again.
 *
 * @example
 * const snapshot = PageSnapshot.of(parts, encodedParts)
 * const bytes = snapshot?.bytesFor(markups, liveIds) ?? build()
 */
export class PageSnapshot {
  /** Index of the page's `</body>` part: the snapshot holds every part before it. */
  readonly end: number
  /** Whether every slot of the page comes before `</body>` (so the snapshot holds them all). */
  readonly holdsAllSlots: boolean
  #markups: readonly string[] = []
  #liveIds: readonly (string | undefined)[] = []
  #bytes: Uint8Array | undefined
  #hits: KeptHits | undefined

  private constructor(end: number, holdsAllSlots: boolean) {
    this.end = end
    this.holdsAllSlots = holdsAllSlots
  }

  /**
   * A snapshot holder for a page, or undefined when its text before `</body>` has a CSP nonce
   * mark (it changes with every response) or the page has no `</body>` part.
   */
  static of(parts: readonly TemplatePart[], pieces: readonly (readonly unknown[])[]): PageSnapshot | undefined {
    const end = parts.findIndex((part) => part.kind === 'body-end')
    if (end === -1) return undefined
    for (let p = 0; p < end; p++) {
      for (const piece of pieces[p] ?? []) {
        if (typeof piece === 'object' && piece !== null && 'nonce' in piece) return undefined
      }
    }
    return new PageSnapshot(end, !parts.slice(end).some((part) => part.kind === 'slot'))
  }

  /**
   * The kept bytes when they were made of the same markup and live ids, else undefined. `hits`
   * are the cache hits this render's slots were answered with, if all were (else undefined).
   */
  bytesFor(
    markups: readonly string[],
    liveIds: readonly (string | undefined)[],
    hits: KeptHits | undefined,
  ): Uint8Array | undefined {
    const bytes = this.#bytes
    if (bytes === undefined) return undefined
    const known = this.#markups
    const ids = this.#liveIds
    for (let i = 0; i < markups.length; i++) {
      if (markups[i] !== known[i] || liveIds[i] !== ids[i]) return undefined
    }
    this.#hits = hits
    return bytes
  }

  /** Keeps `bytes` as the page made of `markups` and `liveIds` (and of `hits`, when every slot was one). */
  keep(
    markups: readonly string[],
    liveIds: readonly (string | undefined)[],
    bytes: Uint8Array,
    hits: KeptHits | undefined,
  ): void {
    this.#markups = markups
    this.#liveIds = liveIds
    this.#bytes = bytes
    this.#hits = hits
  }

  /**
   * What the last render was made of, when every slot was a cache hit still fresh at `now`: its
   * markups (by slot), and the hits to count again. Undefined otherwise.
   */
  reusable(now: number): { readonly markups: readonly string[]; readonly hits: KeptHits } | undefined {
    const hits = this.#hits
    if (hits === undefined || now >= hits.until) return undefined
    return { markups: this.#markups, hits }
  }
}

/**
 * The cache hits that answered every slot of one render: each slot's call (its service, the
 * token of the service that answered, its input), and until when all of them stay fresh.
 *
 * @example
 * const hits: KeptHits = { until: 1_700_000_060_000, calls: [{ name: 'fragments/weather', token, input }] }
 */
export interface KeptHits {
  readonly until: number
  readonly calls: readonly { readonly name: string; readonly token: unknown; readonly input: unknown }[]
}
