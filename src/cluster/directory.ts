/**
 * What a node announces: its id and every service it runs (an empty list withdraws it).
 *
 * @example
 * const a: Announcement = { node: 'N4X…', names: ['geo/lookup'] }
 */
export interface Announcement {
  readonly node: string
  readonly names: readonly string[]
}

/**
 * The services each known node runs, as its last announcement said: a synchronous look-up for
 * `Transport.has`. Kept current by announcements, discovery answers, and {@link Directory.forget}
 * when NATS reports that nobody serves a name.
 *
 * @example
 * const directory = new Directory()
 * directory.apply({ node: 'a', names: ['geo/lookup'] })
 * directory.has('geo/lookup') // true
 */
export class Directory {
  readonly #byNode = new Map<string, ReadonlySet<string>>()
  readonly #count = new Map<string, number>()

  has(name: string): boolean {
    return (this.#count.get(name) ?? 0) > 0
  }

  /** Replaces what a node runs with its announcement. */
  apply(announcement: Announcement): void {
    this.#drop(announcement.node)
    if (announcement.names.length === 0) return
    const names = new Set(announcement.names.filter((name) => typeof name === 'string'))
    this.#byNode.set(announcement.node, names)
    for (const name of names) this.#count.set(name, (this.#count.get(name) ?? 0) + 1)
  }

  /** Forgets every node's claim to `name` (NATS said no one serves it); a later announcement restores it. */
  forget(name: string): void {
    for (const [node, names] of this.#byNode) {
      if (names.has(name)) this.apply({ node, names: [...names].filter((n) => n !== name) })
    }
  }

  #drop(node: string): void {
    const names = this.#byNode.get(node)
    if (names === undefined) return
    this.#byNode.delete(node)
    for (const name of names) {
      const left = (this.#count.get(name) ?? 1) - 1
      if (left === 0) this.#count.delete(name)
      else this.#count.set(name, left)
    }
  }
}

/**
 * Reads an announcement off the wire, or undefined for anything else.
 *
 * @example
 * const a = parseAnnouncement(msg.string())
 */
export function parseAnnouncement(text: string): Announcement | undefined {
  try {
    const value = JSON.parse(text) as Partial<Announcement> | null
    if (typeof value?.node !== 'string' || !Array.isArray(value.names)) return undefined
    return { node: value.node, names: value.names.filter((name) => typeof name === 'string') }
  } catch {
    return undefined
  }
}
