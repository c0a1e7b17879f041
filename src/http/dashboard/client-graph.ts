/**
 * The dashboard's graph drawing, as browser JavaScript (no build step): `drawGraph(svg, graph,
 * onPick)` lays the {@link CallGraph} out in layers (each node one column right of its furthest
 * caller) and draws it as SVG: a `<g class="node" data-id data-kind>` per node, a path per edge
 * (`observed` ones thicker, `failing` ones red, undeclared ones dashed), each with a tooltip.
 *
 * @example
 * `<script nonce="${nonce}">${GRAPH_JS}</script>`
 */
export const GRAPH_JS = `
const SVG_NS = 'http://www.w3.org/2000/svg'
const ROW = 46
const GAP = 70

function svgEl(name, attrs, parent) {
  const el = document.createElementNS(SVG_NS, name)
  for (const key of Object.keys(attrs)) el.setAttribute(key, String(attrs[key]))
  if (parent) parent.appendChild(el)
  return el
}

function columnsOf(graph) {
  const depth = new Map(graph.nodes.map((n) => [n.id, 0]))
  const limit = graph.nodes.length
  for (let round = 0; round < limit; round++) {
    let changed = false
    for (const e of graph.edges) {
      const next = (depth.get(e.from) ?? 0) + 1
      if (e.from !== e.to && next < limit && next > (depth.get(e.to) ?? 0)) {
        depth.set(e.to, next)
        changed = true
      }
    }
    if (!changed) break
  }
  const columns = []
  for (const n of graph.nodes) {
    const d = depth.get(n.id) ?? 0
    while (columns.length <= d) columns.push([])
    columns[d].push(n)
  }
  return columns.filter((c) => c.length > 0)
}

function labelOf(node) {
  if (node.kind === 'outside') return 'from ' + node.id.replace(/^outside:/, '')
  return node.kind === 'page' ? 'page ' + (node.endpoint || node.id) : node.id
}

function edgeTitle(e) {
  let text = e.from + ' → ' + e.to + (e.declared ? ' (declared)' : ' (not declared)')
  const o = e.observed
  if (o) text += '\\n' + o.calls + ' calls, ' + o.rate + '/s, ' + Math.round(o.errorRate * 100) + '% errors, p95 ' + (o.p95Ms === null ? '–' : o.p95Ms + ' ms')
  return text
}

function drawGraph(svg, graph, onPick) {
  while (svg.firstChild) svg.removeChild(svg.firstChild)
  const defs = svgEl('defs', {}, svg)
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, defs)
  svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker)
  const place = new Map()
  let x = 10
  let height = 0
  for (const column of columnsOf(graph)) {
    const width = Math.max(...column.map((n) => labelOf(n).length * 7.2 + 24))
    column.forEach((n, i) => place.set(n.id, { x, y: 10 + i * ROW, w: width }))
    height = Math.max(height, 10 + column.length * ROW)
    x += width + GAP
  }
  svg.setAttribute('viewBox', '0 0 ' + Math.max(x, 200) + ' ' + Math.max(height, 60))
  svg.setAttribute('width', String(Math.max(x, 200)))
  svg.setAttribute('height', String(Math.max(height, 60)))
  const edges = svgEl('g', { class: 'edges' }, svg)
  for (const e of graph.edges) {
    const a = place.get(e.from)
    const b = place.get(e.to)
    if (!a || !b) continue
    const x1 = a.x + a.w
    const y1 = a.y + 15
    const x2 = b.x
    const y2 = b.y + 15
    const bend = Math.max(40, Math.abs(x2 - x1) / 2)
    const classes = ['edge']
    if (e.observed) classes.push('observed')
    if (e.observed && e.observed.errors > 0) classes.push('failing')
    if (!e.declared) classes.push('undeclared')
    const path = svgEl('path', { d: 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + bend) + ' ' + y1 + ', ' + (x2 - bend) + ' ' + y2 + ', ' + x2 + ' ' + y2, class: classes.join(' '), 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }, edges)
    svgEl('title', {}, path).textContent = edgeTitle(e)
  }
  const nodes = svgEl('g', { class: 'nodes' }, svg)
  for (const n of graph.nodes) {
    const p = place.get(n.id)
    const g = svgEl('g', { class: 'node kind-' + n.kind + (n.internal ? ' internal' : '') + (n.missing ? ' missing' : ''), 'data-id': n.id, 'data-kind': n.kind, transform: 'translate(' + p.x + ',' + p.y + ')' }, nodes)
    svgEl('rect', { width: p.w, height: 30, rx: n.kind === 'fragment' ? 15 : 4 }, g)
    svgEl('text', { x: 12, y: 19 }, g).textContent = labelOf(n)
    svgEl('title', {}, g).textContent = n.id + (n.description ? '\\n' + n.description : '') + (n.missing ? '\\n(not in the catalog)' : '')
    g.addEventListener('click', () => onPick(n))
  }
}
`
