import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FiguresFeed } from '../../src/http/dashboard/events.ts'
import type { Exchange, StreamSink } from '../../src/http/exchange.ts'
import { createServer, type ObservedFigures } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { tempProject } from '../helpers/project.ts'
import { openSse } from '../helpers/sse.ts'
import { GRAPH_APP } from './graph-project.ts'

const ADMIN = 'key-admin-0123456789abcd'

test('GET /_nano/ is one self-contained page: its inline script carries the CSP nonce, no outside asset', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const response = await fetch(`${server.url}/_nano/`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
  const policy = response.headers.get('content-security-policy') ?? ''
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1]
  assert.ok(nonce !== undefined, `the page policy names a nonce: ${policy}`)
  assert.doesNotMatch(policy, /script-src[^;]*unsafe-inline/)
  const html = await response.text()
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1])
  assert.deepEqual(scripts, [` nonce="${nonce}"`], 'one inline script, with this response nonce')
  assert.doesNotMatch(
    html,
    /<link(?! rel="icon" href="data:,")|\ssrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg')/,
    'no outside asset (the SVG namespace aside)',
  )
  assert.match(html, /data-live="on"/)
  const again = await fetch(`${server.url}/_nano/`)
  assert.notEqual(/'nonce-([^']+)'/.exec(again.headers.get('content-security-policy') ?? '')?.[1], nonce)
  await again.arrayBuffer()
})

test('the figures stream sends figures at once and every second, counting the calls made since', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const sse = await openSse(`${server.url}/_nano/dashboard/events`)
  t.after(() => sse.close())
  assert.equal(sse.status, 200)
  const first = await sse.next(10_000)
  assert.equal(first.event, 'figures')
  const before = JSON.parse(first.data) as ObservedFigures
  assert.equal(before.services.weather?.calls ?? 0, 0)
  for (const city of ['Leeds', 'York', 'Atlantis']) {
    const r = await fetch(`${server.url}/api/weather`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ city }),
    })
    assert.equal(r.status, city === 'Atlantis' ? 500 : 200)
    await r.arrayBuffer()
  }
  let seen: ObservedFigures = before
  for (let i = 0; i < 30 && (seen.services.weather?.calls ?? 0) < 3; i++) {
    seen = JSON.parse((await sse.next(10_000)).data) as ObservedFigures
  }
  assert.equal(seen.services.weather?.calls, 3)
  assert.equal(seen.services.weather?.errors, 1)
  assert.ok(seen.at > before.at, 'a later snapshot')
})

test('metrics off: the page says so and the stream answers 404 with what to do', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  const page = await fetch(`${server.url}/_nano/`)
  assert.match(await page.text(), /data-live="off"/)
  const events = await fetch(`${server.url}/_nano/dashboard/events`)
  assert.equal(events.status, 404)
  const body = (await events.json()) as { error: { code: string; message: string } }
  assert.equal(body.error.code, 'NANO_E_NOT_FOUND')
  assert.match(body.error.message, /metrics are off/)
})

test('in production the dashboard, the graph and the stream need the admin rule', async (t) => {
  const root = await tempProject(t, {
    ...GRAPH_APP,
    'api-keys.json': JSON.stringify({ [ADMIN]: { id: 'root', roles: ['admin'] } }),
  })
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    production: true,
    auth: { apiKeys: 'api-keys.json' },
  })
  t.after(() => server.close())
  for (const path of ['/_nano/', '/_nano/graph', '/_nano/dashboard/events']) {
    const anonymous = await fetch(`${server.url}${path}`)
    assert.equal(anonymous.status, 401, path)
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'NANO_E_UNAUTHENTICATED')
  }
  const admin = { 'x-api-key': ADMIN }
  const page = await fetch(`${server.url}/_nano/`, { headers: admin })
  assert.equal(page.status, 200)
  assert.match(await page.text(), /nanoweb dashboard/)
  const graph = await fetch(`${server.url}/_nano/graph`, { headers: admin })
  assert.equal(((await graph.json()) as { nodes: unknown[] }).nodes.length, 5)
  const sse = await openSse(`${server.url}/_nano/dashboard/events`, admin)
  t.after(() => sse.close())
  assert.equal(sse.status, 200)
  assert.equal((await sse.next(10_000)).event, 'figures')
})

/** A stream sink that keeps what it is sent. */
function sink(): StreamSink & { chunks: string[]; ended: boolean; close(): void } {
  let onClose: () => void = () => {}
  const s = {
    chunks: [] as string[],
    ended: false,
    write: (chunk: string) => s.chunks.push(chunk),
    end: () => {
      s.ended = true
      onClose()
    },
    onClose: (listener: () => void) => {
      onClose = listener
    },
    buffered: () => 0,
    drop: () => s.end(),
    close: () => onClose(),
  }
  return s
}

const GET = {
  method: 'GET',
  path: '/_nano/dashboard/events',
  search: '',
  header: () => undefined,
} as unknown as Exchange

test('the feed holds at most maxStreams streams, runs its timer only while one is open, and ends them on close', () => {
  const clock = new ManualClock()
  let n = 0
  const figures = (): ObservedFigures => ({ since: 0, at: clock.now(), services: {}, edges: [], n: ++n }) as never
  const feed = new FiguresFeed({ figures, clock, everyMs: 1000, maxStreams: 2 })
  const a = sink()
  const b = sink()
  feed.handle(GET, {}).stream?.(a)
  feed.handle(GET, {}).stream?.(b)
  assert.equal(a.chunks.filter((c) => c.startsWith('event: figures')).length, 1, 'one event at once')
  assert.throws(() => feed.handle(GET, {}), { code: 'NANO_E_TOO_MANY_STREAMS' })
  clock.advance(3000)
  assert.equal(a.chunks.filter((c) => c.startsWith('event: figures')).length, 4, 'then one a second')
  assert.equal(n, 2 + 3, 'one snapshot per tick for every stream')
  a.close()
  b.close()
  clock.advance(1000)
  assert.equal(clock.pending, 0, 'no timer once no stream is open')
  const c = sink()
  feed.handle(GET, {}).stream?.(c)
  assert.equal(clock.pending, 1)
  feed.close()
  assert.equal(c.ended, true)
  assert.equal(clock.pending, 0)
})
