import type { CallGraph, GraphEdge, GraphNode } from '../http/graph/model.ts'

/**
 * The formats `nanoweb graph --format` writes.
 *
 * @example
 * GRAPH_FORMATS.includes('dot') // true
 */
export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const

/**
 * One of {@link GRAPH_FORMATS}.
 *
 * @example
 * const format: GraphFormat = 'mermaid'
 */
export type GraphFormat = (typeof GRAPH_FORMATS)[number]

/**
 * The graph as text in a format: a Mermaid `flowchart LR`, a Graphviz `digraph`, or the JSON
 * model (indented). Each ends with a newline.
 *
 * @example
 * process.stdout.write(graphText(graph, 'mermaid'))
 */
export function graphText(graph: CallGraph, format: GraphFormat): string {
  if (format === 'mermaid') return mermaid(graph)
  if (format === 'dot') return dot(graph)
  return `${JSON.stringify(graph, null, 2)}\n`
}

/**
 * What an observed edge saw, in a few words: `12 calls · 0.4/s · 8% errors · p95 3.1 ms`.
 *
 * @example
 * edgeLabel(edge) // '12 calls · 0.4/s · 0% errors · p95 3.1 ms' (or '1 call · …')
 */
export function edgeLabel(edge: GraphEdge): string {
  const o = edge.observed
  if (o === undefined) return ''
  const p95 = o.p95Ms === null ? '' : ` · p95 ${o.p95Ms} ms`
  return `${o.calls} call${o.calls === 1 ? '' : 's'} · ${o.rate}/s · ${Math.round(o.errorRate * 100)}% errors${p95}`
}

function labelOf(node: GraphNode): string {
  if (node.kind === 'outside') return node.id.slice('outside:'.length)
  return node.kind === 'page' ? `page ${node.endpoint ?? node.id}` : node.id
}

const MERMAID_SHAPES: Record<GraphNode['kind'], [string, string]> = {
  service: ['["', '"]'],
  fragment: ['(["', '"])'],
  page: ['[["', '"]]'],
  outside: ['(("', '"))'],
}

/** Mermaid reads `#quot;`-style entities in quoted labels; anything else in them is text. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`)
}

function mermaid(graph: CallGraph): string {
  const ids = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]))
  const lines = ['flowchart LR']
  for (const node of graph.nodes) {
    const [open, close] = MERMAID_SHAPES[node.kind]
    lines.push(`  ${ids.get(node.id)}${open}${mermaidText(labelOf(node))}${close}`)
  }
  for (const edge of graph.edges) {
    const arrow = edge.declared ? '-->' : '-.->'
    const label = edge.observed === undefined ? '' : `|"${mermaidText(edgeLabel(edge))}"|`
    lines.push(`  ${ids.get(edge.from)} ${arrow}${label} ${ids.get(edge.to)}`)
  }
  const classes: Record<string, string> = {
    internal: 'stroke-dasharray: 3 3',
    missing: 'stroke:#c62828',
    page: 'stroke:#2e7d32',
  }
  for (const [name, style] of Object.entries(classes)) {
    const members = graph.nodes.filter((n) => (name === 'page' ? n.kind === 'page' : n[name as 'internal' | 'missing']))
    if (members.length === 0) continue
    lines.push(`  classDef ${name} ${style}`)
    lines.push(`  class ${members.map((n) => ids.get(n.id)).join(',')} ${name}`)
  }
  return `${lines.join('\n')}\n`
}

const DOT_SHAPES: Record<GraphNode['kind'], string> = {
  service: 'box',
  fragment: 'box, style=rounded',
  page: 'note',
  outside: 'ellipse, style=dashed',
}

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`
}

function dot(graph: CallGraph): string {
  const lines = ['digraph nanoweb {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];']
  for (const node of graph.nodes) {
    const extra = node.missing === true ? ', color=red' : node.internal === true ? ', color=gray40' : ''
    lines.push(`  ${quoted(node.id)} [label=${quoted(labelOf(node))}, shape=${DOT_SHAPES[node.kind]}${extra}];`)
  }
  for (const edge of graph.edges) {
    const attrs = [
      ...(edge.declared ? [] : ['style=dashed']),
      ...(edge.observed === undefined ? [] : [`label=${quoted(edgeLabel(edge))}`, 'penwidth=2']),
      ...((edge.observed?.errors ?? 0) > 0 ? ['color=red'] : []),
    ]
    lines.push(`  ${quoted(edge.from)} -> ${quoted(edge.to)}${attrs.length === 0 ? '' : ` [${attrs.join(', ')}]`};`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
