import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { openSse } from '../helpers/sse.ts'

type State = { score: string; big: number }
const state = (): State => ((globalThis as { liveState?: State }).liveState ??= { score: '0-0', big: 0 })

const FILES: Record<string, string> = {
  'services/live/score.ts': `import { fragment, html } from 'nanoweb'
import { z } from 'zod'
export default fragment({
  input: z.object({ match: z.string() }),
  live: { on: 'scores' },
  render: ({ match }) => {
    const s = (globalThis.liveState ??= { score: '0-0', big: 0 })
    globalThis.scoreRenders = (globalThis.scoreRenders ?? 0) + 1
    return html\`<b class="score">\${match} \${s.score}</b>\${s.big > 0 ? 'x'.repeat(s.big) : ''}\`
  },
})
`,
  'services/live/clock.ts': `import { fragment, html } from 'nanoweb'
import { z } from 'zod'
export default fragment({
  input: z.object({ steady: z.boolean().optional() }),
  live: { every: '100ms' },
  render: ({ steady }) => {
    globalThis.clockRenders = (globalThis.clockRenders ?? 0) + 1
    return html\`<i>\${steady ? 'same' : Date.now()}</i>\`
  },
})
`,
  'services/live/goal.ts': `import { service } from 'nanoweb'
import { z } from 'zod'
export default service({
  input: z.object({ score: z.string() }), output: z.string(),
  run: ({ score }, ctx) => { globalThis.liveState.score = score; ctx.publish('scores', { score }); return score },
})
`,
  'pages/match.html': `<html><head></head><body><h1>Match</h1>
<nano-fragment src="live/score" match="{query.m|r7}"></nano-fragment>
<nano-fragment src="live/clock" steady="true"></nano-fragment></body></html>`,
}

async function start(t: import('node:test').TestContext, live: Record<string, number> = {}): Promise<NanoServer> {
  state().score = '0-0'
  state().big = 0
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, live: { streamsPerAddress: 100, ...live } })
  t.after(() => server.close())
  return server
}

async function liveUrl(server: NanoServer, path = '/match'): Promise<string> {
  const page = await request(`${server.url}${path}`)
  const src = /<script src="\/_nano\/live\.js" data-src="([^"]+)"/.exec(page.text)?.[1]
  assert.ok(src, 'a page with live fragments loads the live script')
  return server.url + src.replaceAll('&amp;', '&')
}

const scoreId = (match = 'r7') => `live/score~${Buffer.from(JSON.stringify({ match })).toString('base64url')}`

test('a page wraps live fragments and opens one stream for all of them', async (t) => {
  const server = await start(t)
  const page = await request(`${server.url}/match`)
  assert.match(
    page.text,
    new RegExp(`<div data-nano-live="${scoreId()}" style="display:contents"><b class="score">r7 0-0</b></div>`),
  )
  const url = await liveUrl(server)
  assert.match(url, /\/_nano\/live\?f=live%2Fscore~[\w-]+&f=live%2Fclock~[\w-]+&since=[\w]+-\d+$/)
  const js = await request(`${server.url}/_nano/live.js`)
  assert.match(js.headers.get('content-type') ?? '', /javascript/)
  assert.ok(js.text.length < 2048, `the browser script is ${js.text.length} bytes`)
})

test('the stream pushes a change once, as an SSE event with the new HTML; no change, no push', async (t) => {
  const server = await start(t)
  const sse = await openSse(await liveUrl(server))
  t.after(() => sse.close())
  assert.equal(sse.status, 200)
  await sleep(100)
  assert.equal(sse.events.length, 0, 'nothing changed since the page rendered')
  state().score = '1-0'
  server.runtime.publish('scores')
  const event = await sse.next()
  assert.equal(event.event, 'fragment')
  assert.match(event.id ?? '', /^\w+-\d+$/)
  assert.deepEqual(JSON.parse(event.data), { id: scoreId(), html: '<b class="score">r7 1-0</b>' })
  server.runtime.publish('scores')
  await sleep(150)
  assert.equal(sse.events.length, 1, 'a re-render with the same HTML is not pushed')
  await server.runtime.call('live/goal', { score: '2-0' })
  assert.match(JSON.parse((await sse.next()).data).html, /2-0/, 'ctx.publish from a service drives it too')
})

test('reconnecting with Last-Event-ID gets the latest state and nothing older', async (t) => {
  const server = await start(t)
  const url = await liveUrl(server)
  const first = await openSse(url)
  state().score = '1-0'
  server.runtime.publish('scores')
  const seen = await first.next()
  first.close()
  await sleep(50)
  const again = await openSse(url, { 'last-event-id': seen.id as string })
  t.after(() => again.close())
  await sleep(100)
  assert.equal(again.events.length, 0, 'nothing new since the last event seen')
  again.close()
  await sleep(50)
  state().score = '2-0'
  const third = await openSse(url, { 'last-event-id': seen.id as string })
  t.after(() => third.close())
  await sleep(100)
  const resumed = third.events.filter((e) => e.event === 'fragment').map((e) => JSON.parse(e.data).html)
  assert.deepEqual(
    resumed,
    ['<b class="score">r7 2-0</b>'],
    'the instance is rendered afresh for the returning viewer: only the latest',
  )
})

test('render once, fan out: 50 subscribers cost one render per change', async (t) => {
  const server = await start(t)
  const url = await liveUrl(server)
  const clients = await Promise.all(Array.from({ length: 50 }, () => openSse(url)))
  t.after(() => {
    for (const c of clients) c.close()
  })
  await sleep(100)
  const before = (globalThis as { scoreRenders?: number }).scoreRenders ?? 0
  state().score = '3-2'
  server.runtime.publish('scores')
  const received = await Promise.all(clients.map((c) => c.next()))
  assert.ok(received.every((e) => JSON.parse(e.data).html.includes('3-2')))
  assert.equal(((globalThis as { scoreRenders?: number }).scoreRenders ?? 0) - before, 1)
  assert.equal(server.app.live.stats().viewers, 50)
})

test('a live fragment stops rendering when its last viewer leaves', async (t) => {
  const server = await start(t)
  const sse = await openSse(
    `${server.url}/_nano/live?f=${encodeURIComponent(`live/clock~${Buffer.from('{}').toString('base64url')}`)}`,
  )
  const a = await sse.next()
  const b = await sse.next()
  assert.notEqual(JSON.parse(a.data).html, JSON.parse(b.data).html, 'every 100ms, pushed when it changed')
  sse.close()
  await sleep(100)
  const stats = server.app.live.stats()
  assert.equal(stats.viewers, 0)
  assert.equal(stats.watched, 0)
  const renders = (globalThis as { clockRenders?: number }).clockRenders ?? 0
  await sleep(350)
  assert.equal((globalThis as { clockRenders?: number }).clockRenders, renders, 'no renders without viewers')
})

test('a slow consumer is dropped instead of buffered without limit', async (t) => {
  const server = await start(t, { bufferLimit: 64 * 1024 })
  const url = new URL(await liveUrl(server))
  const socket = connect(server.port, '127.0.0.1')
  socket.pause()
  socket.on('error', () => {})
  t.after(() => socket.destroy())
  socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: x\r\n\r\n`)
  await sleep(100)
  assert.equal(server.app.live.stats().viewers, 1)
  state().big = 1_000_000
  let pushes = 0
  while (server.app.live.stats().viewers > 0 && pushes < 200) {
    pushes += 1
    state().score = `${pushes}-0`
    server.runtime.publish('scores')
    await sleep(10)
  }
  assert.equal(server.app.live.stats().viewers, 0, `still subscribed after ${pushes} pushes of 1 MB`)
  assert.ok(pushes > 1, 'the kernel buffers took some before the drop')
})

test('streams per client address are limited; unknown instances are 404', async (t) => {
  const server = await start(t, { streamsPerAddress: 2 })
  const url = await liveUrl(server)
  const a = await openSse(url)
  const b = await openSse(url)
  t.after(() => {
    a.close()
    b.close()
  })
  const c = await request(url)
  assert.equal(c.status, 429)
  assert.equal((c.body as { error: { code: string } }).error.code, 'NANO_E_TOO_MANY_STREAMS')
  assert.equal((await request(`${server.url}/_nano/live?f=nope~e30`)).status, 404)
  assert.equal((await request(`${server.url}/_nano/live`)).status, 400)
})
