import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CallGraph, GraphEdge } from '../../src/http/graph/model.ts'
import { createServer } from '../../src/index.ts'
import { tempProject } from '../helpers/project.ts'
import { GRAPH_APP } from './graph-project.ts'

async function graphOf(url: string): Promise<CallGraph> {
  const response = await fetch(`${url}/_nano/graph`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  return (await response.json()) as CallGraph
}

function edge(graph: CallGraph, from: string, to: string): GraphEdge {
  const found = graph.edges.find((e) => e.from === from && e.to === to)
  assert.ok(found !== undefined, `no edge ${from} → ${to} in ${JSON.stringify(graph.edges)}`)
  return found
}

async function post(url: string, city: string): Promise<number> {
  const response = await fetch(`${url}/api/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city }),
  })
  await response.arrayBuffer()
  return response.status
}

test('GET /_nano/graph: a node per service and page, declared edges from uses and from pages', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const graph = await graphOf(server.url)
  assert.equal(graph.observing, true, 'metrics are on by default')
  assert.deepEqual(
    graph.nodes.map((n) => [n.id, n.kind]),
    [
      ['frag/box', 'fragment'],
      ['geo', 'service'],
      ['weather', 'service'],
      ['page:/', 'page'],
      ['page:/report', 'page'],
    ],
  )
  const geo = graph.nodes.find((n) => n.id === 'geo')
  assert.deepEqual(geo, { id: 'geo', kind: 'service', description: 'Where a city is', internal: true })
  const weather = graph.nodes.find((n) => n.id === 'weather')
  assert.equal(weather?.endpoint, '/api/weather')
  assert.deepEqual(
    graph.edges.map((e) => [e.from, e.to, e.declared, e.observed === undefined]),
    [
      ['frag/box', 'weather', true, true],
      ['page:/', 'frag/box', true, true],
      ['page:/report', 'weather', true, true],
      ['weather', 'geo', true, true],
    ],
  )
})

test('after calls through the API and pages, observed edges carry calls, errors, rate and p95', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  assert.deepEqual(
    [await post(server.url, 'Leeds'), await post(server.url, 'Hull'), await post(server.url, 'Atlantis')],
    [200, 200, 500],
  )
  const home = await fetch(`${server.url}/`)
  assert.match(await home.text(), /<p class="box">Leeds 5<\/p>/)
  const report = await fetch(`${server.url}/report`)
  assert.match(await report.text(), /<p>4<\/p>/)

  const graph = await graphOf(server.url)
  const fromHttp = edge(graph, 'outside:http', 'weather')
  assert.equal(fromHttp.declared, false, 'nothing declares outside callers')
  assert.equal(fromHttp.observed?.calls, 3)
  assert.equal(fromHttp.observed?.errors, 1)
  assert.equal(fromHttp.observed?.errorRate, 0.333)
  assert.ok((fromHttp.observed?.rate ?? 0) > 0, 'a rate per second')
  assert.ok((fromHttp.observed?.p95Ms ?? 0) > 0, 'a p95 in ms')

  const toGeo = edge(graph, 'weather', 'geo')
  assert.equal(toGeo.declared, true, 'the observed edge is merged with the declared one')
  assert.deepEqual([toGeo.observed?.calls, toGeo.observed?.errors], [5, 1], '3 API calls, the fragment, the page data')

  const fromFragment = edge(graph, 'frag/box', 'weather')
  assert.deepEqual([fromFragment.declared, fromFragment.observed?.calls, fromFragment.observed?.errors], [true, 1, 0])
  const fromPage = edge(graph, 'outside:page', 'frag/box')
  assert.deepEqual([fromPage.declared, fromPage.observed?.calls], [false, 1])
  assert.equal(edge(graph, 'page:/', 'frag/box').observed, undefined, 'the declared page edge stays declared only')
  const outside = graph.nodes.filter((n) => n.kind === 'outside').map((n) => n.id)
  assert.ok(outside.includes('outside:http') && outside.includes('outside:page'), outside.join())
  assert.ok(typeof graph.since === 'number' && typeof graph.at === 'number' && graph.at >= graph.since)
})

test('with metrics off the graph is the declared one, and says it observes nothing', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  assert.equal(await post(server.url, 'Leeds'), 200)
  const graph = await graphOf(server.url)
  assert.equal(graph.observing, false)
  assert.equal(graph.since, undefined)
  assert.equal(graph.edges.length, 4)
  assert.ok(
    graph.edges.every((e) => e.declared && e.observed === undefined),
    JSON.stringify(graph.edges),
  )
  assert.ok(!graph.nodes.some((n) => n.kind === 'outside'))
})
