/**
 * The dashboard's own JavaScript (no build step; uses `drawGraph` of the graph script): loads the
 * catalog and the graph, fills the searchable catalog (name, description, endpoint, uses, used
 * by, schemas), draws the graph, and keeps the figures table live from the event stream. URLs
 * come from the `data-*` attributes of `<main id="dashboard">`.
 *
 * @example
 * `<script nonce="${nonce}">${GRAPH_JS}${APP_JS}</script>`
 */
export const APP_JS = `
const root = document.getElementById('dashboard')
const state = { services: [], graph: { nodes: [], edges: [] }, previous: undefined }

function el(name, attrs, text) {
  const node = document.createElement(name)
  for (const key of Object.keys(attrs || {})) node.setAttribute(key, attrs[key])
  if (text !== undefined) node.textContent = text
  return node
}

function setStatus(text, kind) {
  const status = document.getElementById('status')
  status.textContent = text
  status.className = 'status ' + kind
}

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(url + ' answered ' + response.status)
  return response.json()
}

function usedBy() {
  const by = new Map()
  for (const e of state.graph.edges) {
    if (!by.has(e.to)) by.set(e.to, new Set())
    by.get(e.to).add(e.from.replace(/^outside:/, '').replace(/^page:/, 'page '))
  }
  return by
}

function nameList(names) {
  const dd = el('dd')
  if (names.length === 0) dd.textContent = '–'
  for (const name of names) {
    const link = el('button', { type: 'button', class: 'name-link' }, name)
    link.addEventListener('click', () => search(name))
    dd.appendChild(link)
  }
  return dd
}

function card(service, by) {
  const article = el('article', { class: 'service', 'data-name': service.name })
  const head = el('h3')
  head.appendChild(el('span', { class: 'name' }, service.name))
  head.appendChild(el('span', { class: 'badge' }, service.kind))
  head.appendChild(el('span', { class: 'badge ' + service.visibility }, service.visibility))
  article.appendChild(head)
  article.appendChild(el('p', { class: 'description' }, service.description || 'No description.'))
  const dl = el('dl')
  dl.appendChild(el('dt', {}, 'endpoint'))
  dl.appendChild(el('dd', {}, service.endpoint === null ? 'internal (no endpoint)' : (service.idempotent ? 'GET|POST ' : 'POST ') + service.endpoint))
  dl.appendChild(el('dt', {}, 'uses'))
  dl.appendChild(nameList(service.uses))
  dl.appendChild(el('dt', {}, 'used by'))
  dl.appendChild(nameList([...(by.get(service.name) || [])].sort()))
  article.appendChild(dl)
  const details = el('details')
  details.appendChild(el('summary', {}, 'input and output schemas'))
  details.appendChild(el('h4', {}, 'input'))
  details.appendChild(el('pre', {}, JSON.stringify(service.input, null, 2)))
  details.appendChild(el('h4', {}, 'output'))
  details.appendChild(el('pre', {}, JSON.stringify(service.output, null, 2)))
  article.appendChild(details)
  article.dataset.text = [service.name, service.description || '', service.endpoint || '', service.kind, ...service.uses].join(' ').toLowerCase()
  return article
}

function renderCatalog() {
  const list = document.getElementById('catalog')
  list.replaceChildren()
  const by = usedBy()
  for (const service of state.services) list.appendChild(card(service, by))
  filter()
}

function filter() {
  const words = document.getElementById('search').value.toLowerCase().split(/\\s+/).filter(Boolean)
  let shown = 0
  for (const article of document.querySelectorAll('#catalog .service')) {
    const match = words.every((w) => article.dataset.text.includes(w))
    article.hidden = !match
    if (match) shown++
    const node = document.querySelector('#graph .node[data-id="' + CSS.escape(article.dataset.name) + '"]')
    if (node) node.classList.toggle('dim', !match)
  }
  document.getElementById('count').textContent = shown + ' of ' + state.services.length + ' services'
}

function search(text) {
  document.getElementById('search').value = text
  filter()
}

function redraw() {
  drawGraph(document.getElementById('graph'), state.graph, (node) => search(node.kind === 'service' || node.kind === 'fragment' ? node.id : ''))
  filter()
}

function row(name) {
  const tbody = document.querySelector('#figures tbody')
  let tr = tbody.querySelector('tr[data-service="' + CSS.escape(name) + '"]')
  if (tr) return tr
  tr = el('tr', { 'data-service': name })
  tr.appendChild(el('th', { scope: 'row' }, name))
  for (const col of ['calls', 'rate', 'errors', 'p95', 'cache', 'inflight']) tr.appendChild(el('td', { 'data-col': col }, '–'))
  const rows = [...tbody.children]
  const after = rows.find((r) => r.dataset.service > name)
  tbody.insertBefore(tr, after || null)
  return tr
}

function showFigures(figures) {
  const before = state.previous
  const seconds = before ? Math.max((figures.at - before.at) / 1000, 0.001) : 0
  for (const name of Object.keys(figures.services).sort()) {
    const f = figures.services[name]
    const was = before && before.services[name]
    const rate = before ? (f.calls - (was ? was.calls : 0)) / seconds : 0
    const cached = f.cache.hit + f.cache.stale + f.cache.miss
    const cells = {
      calls: String(f.calls),
      rate: rate.toFixed(1),
      errors: f.errors + (f.calls > 0 ? ' (' + Math.round((f.errors / f.calls) * 100) + '%)' : ''),
      p95: f.p95Seconds === null ? '–' : (f.p95Seconds * 1000).toFixed(1) + ' ms',
      cache: cached === 0 ? '–' : Math.round(((f.cache.hit + f.cache.stale) / cached) * 100) + '%',
      inflight: String(f.inFlight),
    }
    const tr = row(name)
    tr.classList.toggle('failing', f.errors > 0)
    for (const col of Object.keys(cells)) tr.querySelector('[data-col="' + col + '"]').textContent = cells[col]
  }
  state.previous = figures
  setStatus('live · updated ' + new Date(figures.at).toLocaleTimeString(), 'live')
}

async function loadGraph() {
  state.graph = await getJson(root.dataset.graph)
  redraw()
}

async function start() {
  document.getElementById('search').addEventListener('input', filter)
  try {
    const [catalog] = await Promise.all([getJson(root.dataset.catalog), loadGraph()])
    state.services = catalog.services
    renderCatalog()
  } catch (error) {
    setStatus('could not load: ' + error.message, 'off')
    return
  }
  if (root.dataset.live !== 'on') {
    setStatus('metrics are off on this server: no live figures (start it without metrics: false)', 'off')
    document.getElementById('figures-off').hidden = false
    return
  }
  const events = new EventSource(root.dataset.events)
  events.addEventListener('figures', (event) => showFigures(JSON.parse(event.data)))
  events.addEventListener('error', () => setStatus('disconnected: reconnecting…', 'off'))
  setInterval(() => loadGraph().catch(() => {}), 5000)
}

start()
`
