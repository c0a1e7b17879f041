import type { RemoteService, ServiceDescription } from '../runtime/ports.ts'

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

interface NodeRecord {
  readonly names: ReadonlySet<string>
  descriptions: ReadonlyMap<string, ServiceDescription> | undefined
}

/**
 * The services each known node runs, as its last announcement or micro `INFO` said, and their
 * descriptions once read: a synchronous look-up for `Transport.has`, the nodes to probe for a
 * call, and the cluster's catalog. A node NATS reports gone is dropped.
 *
 * @example
 * const directory = new Directory()
 * directory.apply({ node: 'a', names: ['geo/lookup'] })
 * directory.has('geo/lookup') // true
 */
export class Directory {
  readonly #byNode = new Map<string, NodeRecord>()
  readonly #count = new Map<string, number>()
  #changes = 0

  /** Grows with every change of what a node runs or of its descriptions. */
  get changes(): number {
    return this.#changes
  }

  has(name: string): boolean {
    return (this.#count.get(name) ?? 0) > 0
  }

  /** Ids of the nodes that run `name`. */
  nodesOf(name: string): string[] {
    const nodes: string[] = []
    for (const [node, record] of this.#byNode) if (record.names.has(name)) nodes.push(node)
    return nodes
  }

  /** Ids of every known node. */
  nodes(): string[] {
    return [...this.#byNode.keys()]
  }

  /** Replaces what a node runs with its announcement; true when the node's list changed or its descriptions are unknown. */
  apply(announcement: Announcement): boolean {
    const before = this.#byNode.get(announcement.node)
    const names = new Set(announcement.names.filter((name) => typeof name === 'string'))
    const same =
      before !== undefined && before.names.size === names.size && [...names].every((n) => before.names.has(n))
    if (same) return before.descriptions === undefined
    this.drop(announcement.node)
    this.#changes += 1
    if (names.size === 0) return false
    this.#byNode.set(announcement.node, { names, descriptions: undefined })
    for (const name of names) this.#count.set(name, (this.#count.get(name) ?? 0) + 1)
    return true
  }

  /** Records a node's descriptions (from its micro `INFO`), which also say what it runs. */
  describe(node: string, descriptions: readonly ServiceDescription[]): void {
    this.apply({ node, names: descriptions.map((d) => d.name) })
    const record = this.#byNode.get(node)
    if (record !== undefined) record.descriptions = new Map(descriptions.map((d) => [d.name, d]))
    this.#changes += 1
  }

  /** The description of `name` from some node that runs it, or undefined when none is read yet. */
  description(name: string): ServiceDescription | undefined {
    for (const record of this.#byNode.values()) {
      const found = record.descriptions?.get(name)
      if (found !== undefined) return found
    }
    return undefined
  }

  /** Ids of nodes that run something but whose descriptions are not read yet. */
  undescribed(): string[] {
    return [...this.#byNode].filter(([, record]) => record.descriptions === undefined).map(([node]) => node)
  }

  /** Every described service with the nodes that run it. */
  services(): RemoteService[] {
    const byName = new Map<string, { description: ServiceDescription; nodes: string[] }>()
    for (const [node, record] of this.#byNode) {
      for (const description of record.descriptions?.values() ?? []) {
        const known = byName.get(description.name)
        if (known === undefined) byName.set(description.name, { description, nodes: [node] })
        else known.nodes.push(node)
      }
    }
    return [...byName.values()]
  }

  /** Forgets every node's claim to `name` (NATS said no one serves it); a later announcement restores it. */
  forget(name: string): void {
    for (const [node, record] of this.#byNode) {
      if (record.names.has(name)) this.apply({ node, names: [...record.names].filter((n) => n !== name) })
    }
  }

  /** Forgets a node (it withdrew, or NATS says it is gone). */
  drop(node: string): void {
    const record = this.#byNode.get(node)
    if (record === undefined) return
    this.#changes += 1
    this.#byNode.delete(node)
    for (const name of record.names) {
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
