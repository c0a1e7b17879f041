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
 * @example
 * const snapshot = PageSnapshot.of(parts, encodedParts)
 * const bytes = snapshot?.bytesFor(markups, liveIds) ?? build()
 */
export class PageSnapshot {
  /** Index of the page's `</body>` part: the snapshot holds every part before it. */
  readonly end: number
  #markups: readonly string[] = []
  #liveIds: readonly (string | undefined)[] = []
  #bytes: Uint8Array | undefined

  private constructor(end: number) {
    this.end = end
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
    return new PageSnapshot(end)
  }

  /** The kept bytes when they were made of the same markup and live ids, else undefined. */
  bytesFor(markups: readonly string[], liveIds: readonly (string | undefined)[]): Uint8Array | undefined {
    const bytes = this.#bytes
    if (bytes === undefined) return undefined
    const known = this.#markups
    const ids = this.#liveIds
    for (let i = 0; i < markups.length; i++) {
      if (markups[i] !== known[i] || liveIds[i] !== ids[i]) return undefined
    }
    return bytes
  }

  /** Keeps `bytes` as the page made of `markups` and `liveIds`. */
  keep(markups: readonly string[], liveIds: readonly (string | undefined)[], bytes: Uint8Array): void {
    this.#markups = markups
    this.#liveIds = liveIds
    this.#bytes = bytes
  }
}
