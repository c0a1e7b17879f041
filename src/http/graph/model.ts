import type { CatalogEntry } from '../../registry/catalog.ts'
import type { ObservedFigures } from '../../runtime/ports.ts'

/**
 * One node of the call graph: a service, a fragment (a service that renders HTML), a page
 * (`page:<route>`), or an `outside` caller seen calling services (`outside:http`,
 * `outside:page`, `outside:live`). A service seen called that the catalog does not list is
 * kept with `missing: true`.
 *
 * @example
 * const node: GraphNode = { id: 'news/top', kind: 'service', description: 'Top stories', endpoint: '/api/news/top', internal: false }
 */
export interface GraphNode {
  readonly id: string
  readonly kind: 'service' | 'fragment' | 'page' | 'outside'
  readonly description?: string
  /** `/api/<name>` for a public service, the route for a page. */
  readonly endpoint?: string
  /** True for an internal service (no endpoint). */
  readonly internal?: boolean
  /** True for a service seen called that the catalog does not list. */
  readonly missing?: boolean
}

/**
 * The calls seen on one edge since the observer started: `rate` is calls per second over that
 * time, `errorRate` the share of calls that failed (0..1), `p95Ms` the estimated 95th percentile
 * of their duration (null when unknown).
 *
 * @example
 * const seen: ObservedEdge = { calls: 40, errors: 2, rate: 0.5, errorRate: 0.05, p95Ms: 3.2 }
 */
export interface ObservedEdge {
  readonly calls: number
  readonly errors: number
  readonly rate: number
  readonly errorRate: number
  readonly p95Ms: number | null
}

/**
 * One edge: `from` may call `to`. `declared` when a service's `uses`, a page's slots or a page's
 * `uses` name it; `observed` when calls were seen (a running server with figures).
 *
 * @example
 * const edge: GraphEdge = { from: 'page:/', to: 'news/top-stories', declared: true }
 */
export interface GraphEdge {
  readonly from: string
  readonly to: string
  readonly declared: boolean
  readonly observed?: ObservedEdge
}

/**
 * The call graph of an app (`GET /_nano/graph`, `nanoweb graph --format json`). `observing` says
 * whether observed figures were available; `since`/`at` bound them (ms since the epoch).
 *
 * @example
 * const graph: CallGraph = { observing: false, nodes: [], edges: [] }
 */
export interface CallGraph {
  readonly observing: boolean
  readonly since?: number
  readonly at?: number
  readonly nodes: readonly GraphNode[]
  readonly edges: readonly GraphEdge[]
}

/**
 * What a page links to: the fragments of its slots, and for a TypeScript page the services its
 * `data` uses.
 *
 * @example
 * const links: PageLinks = { route: '/story/:id', fragments: ['news/story'], uses: ['news/item'] }
 */
export interface PageLinks {
  readonly route: string
  readonly fragments: readonly string[]
  readonly uses: readonly string[]
}

/**
 * What {@link buildGraph} builds from: the catalog, the pages, and the observer's figures if any.
 *
 * @example
 * const input: GraphInput = { services: await rt.catalog(), pages: [], figures: rt.observer?.figures?.() }
 */
export interface GraphInput {
  readonly services: readonly CatalogEntry[]
  readonly pages: readonly PageLinks[]
  readonly figures?: ObservedFigures | undefined
}

const KIND_ORDER = { service: 0, fragment: 0, page: 1, outside: 2 } as const

/**
 * Builds the call graph: a node per service and page, declared edges from `uses` and pages, and
 * observed edges (merged with the declared edge of the same pair) from the figures. Callers
 * that are no service become `outside:<caller>` nodes. Nodes and edges are sorted, so the same
 * app gives the same graph.
 *
 * @example
 * const graph = buildGraph({ services: await rt.catalog(), pages, figures: rt.observer?.figures?.() })
 */
export function buildGraph(input: GraphInput): CallGraph {
  const nodes = new Map<string, GraphNode>()
  for (const s of input.services) nodes.set(s.name, serviceNode(s))
  const edges = new Map<string, GraphEdge>()
  const declare = (from: string, to: string): void => {
    edges.set(edgeKey(from, to), { from, to, declared: true })
  }
  for (const s of input.services) for (const used of s.uses) declare(s.name, used)
  for (const page of input.pages) {
    const id = `page:${page.route}`
    nodes.set(id, { id, kind: 'page', endpoint: page.route })
    for (const to of new Set([...page.fragments, ...page.uses])) declare(id, to)
  }
  const figures = input.figures
  if (figures !== undefined) {
    const seconds = Math.max((figures.at - figures.since) / 1000, 0.001)
    for (const seen of figures.edges) {
      const from = nodes.has(seen.caller) ? seen.caller : `outside:${seen.caller}`
      if (!nodes.has(from)) nodes.set(from, { id: from, kind: 'outside' })
      if (!nodes.has(seen.service)) nodes.set(seen.service, { id: seen.service, kind: 'service', missing: true })
      const key = edgeKey(from, seen.service)
      const observed: ObservedEdge = {
        calls: seen.calls,
        errors: seen.errors,
        rate: round(seen.calls / seconds),
        errorRate: seen.calls === 0 ? 0 : round(seen.errors / seen.calls),
        p95Ms: seen.p95Seconds === null ? null : round(seen.p95Seconds * 1000),
      }
      edges.set(key, { from, to: seen.service, declared: edges.get(key)?.declared ?? false, observed })
    }
  }
  for (const edge of edges.values()) {
    if (!nodes.has(edge.to)) nodes.set(edge.to, { id: edge.to, kind: 'service', missing: true })
  }
  const sortedNodes = [...nodes.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id.localeCompare(b.id),
  )
  const sortedEdges = [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
  const window = figures === undefined ? {} : { since: figures.since, at: figures.at }
  return { observing: figures !== undefined, ...window, nodes: sortedNodes, edges: sortedEdges }
}

function serviceNode(s: CatalogEntry): GraphNode {
  return {
    id: s.name,
    kind: s.kind,
    ...(s.description === undefined ? {} : { description: s.description }),
    ...(s.endpoint === null ? {} : { endpoint: s.endpoint }),
    internal: s.visibility === 'internal',
  }
}

function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
