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
 * The slots of that render that were cache hits ({@link KeptCall}) are reused by later renders
 * until their entries go stale ({@link PageSnapshot.reusable}): such a slot is not called again,
 * only counted as a hit; a page of cache hits then runs nothing at all.
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
  #calls: readonly (KeptCall | undefined)[] = []

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
   * The kept bytes when they were made of the same markup and live ids, else undefined. `calls`
   * are the cache hits this render's slots were answered with (by slot), kept for reuse.
   */
  bytesFor(
    markups: readonly string[],
    liveIds: readonly (string | undefined)[],
    calls: readonly (KeptCall | undefined)[],
  ): Uint8Array | undefined {
    const bytes = this.#bytes
    if (bytes === undefined) return undefined
    const known = this.#markups
    const ids = this.#liveIds
    for (let i = 0; i < markups.length; i++) {
      if (markups[i] !== known[i] || liveIds[i] !== ids[i]) return undefined
    }
    this.#calls = calls
    return bytes
  }

  /** Keeps `bytes` as the page made of `markups` and `liveIds`, and the slots' cache hits `calls`. */
  keep(
    markups: readonly string[],
    liveIds: readonly (string | undefined)[],
    bytes: Uint8Array,
    calls: readonly (KeptCall | undefined)[],
  ): void {
    this.#markups = markups
    this.#liveIds = liveIds
    this.#bytes = bytes
    this.#calls = calls
  }

  /**
   * The markups (by slot) of the last render kept, and the cache hits (by slot) that answered it,
   * for a render to take those still fresh instead of calling them; undefined when the snapshot
   * does not hold every slot.
   */
  reusable(): { readonly markups: readonly string[]; readonly calls: readonly (KeptCall | undefined)[] } | undefined {
    if (!this.holdsAllSlots || this.#bytes === undefined) return undefined
    return { markups: this.#markups, calls: this.#calls }
  }
}

/**
 * A slot's call answered by a cache hit: the service, the token of the service that answered (see
 * `Caller.hitAgain`), the input, and until when the same call answers the same.
 *
 * @example
 * const call: KeptCall = { name: 'fragments/weather', token, input: { city: 'Leeds' }, until: 1_700_000_060_000 }
 */
export interface KeptCall {
  readonly name: string
  readonly token: unknown
  readonly input: unknown
  readonly until: number
}
