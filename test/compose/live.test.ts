import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { openSse } from '../helpers/sse.ts'
import { until } from '../helpers/wait.ts'

type State = { score: string; big: number }
type Hooks = { liveState?: State; liveRendered?: (name: string) => void; scoreRenders?: number; clockRenders?: number }
const hooks = globalThis as Hooks
const state = (): State => (hooks.liveState ??= { score: '0-0', big: 0 })

const waiting: { name: string; resolve: () => void }[] = []
hooks.liveRendered = (name) => {
  for (const w of waiting.filter((w) => w.name === name)) {
    waiting.splice(waiting.indexOf(w), 1)
    w.resolve()
  }
}
/** Resolves when the fragment `live/<name>` next runs its render (an event, not a span of time). */
const nextRender = (name: 'score' | 'clock'): Promise<void> => new Promise((resolve) => waiting.push({ name, resolve }))

const FILES: Record<string, string> = {
  'services/live/score.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ match: z.string() }),
  live: { on: 'scores' },
  render: ({ match }) => {
    const s = (globalThis.liveState ??= { score: '0-0', big: 0 })
    globalThis.scoreRenders = (globalThis.scoreRenders ?? 0) + 1
    globalThis.liveRendered?.('score')
    if (s.score === 'down') throw new Error('the score feed is down')
    return html\`<b class="score">\${match} \${s.score}</b>\${s.big > 0 ? 'x'.repeat(s.big) : ''}\`
  },
})
`,
  'services/live/clock.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ steady: z.boolean().optional() }),
  live: { every: '100ms' },
  render: ({ steady }) => {
    globalThis.clockRenders = (globalThis.clockRenders ?? 0) + 1
    globalThis.liveRendered?.('clock')
    return html\`<i>\${steady ? 'same' : globalThis.clockRenders}</i>\`
  },
})
`,
  'services/live/goal.ts': `import { service } from '@nanoweb/core'
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

async function start(
  t: import('node:test').TestContext,
  live: Record<string, number> = {},
  clock?: ManualClock,
): Promise<NanoServer> {
  state().score = '0-0'
  state().big = 0
  const root = await tempProject(t, FILES)
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    live: { streamsPerAddress: 100, ...live },
    ...(clock === undefined ? {} : { clock }),
  })
  t.after(() => server.close())
  return server
}

async function liveUrl(server: NanoServer, path = '/match'): Promise<string> {
  const page = await request(`${server.url}${path}`)
  const src = /<script nonce="[\w-]+" src="\/_nano\/live\.js" data-src="([^"]+)"/.exec(page.text)?.[1]
  assert.ok(src, 'a page with live fragments loads the live script')
  return server.url + src.replaceAll('&amp;', '&')
}

const idOf = (name: string, input: unknown) => `${name}~${Buffer.from(JSON.stringify(input)).toString('base64url')}`
const scoreId = (match = 'r7') => idOf('live/score', { match })
const htmlOf = (data: string): string => JSON.parse(data).html
const quiet = (server: NanoServer) =>
  until(() => (server.app.live.stats().rendering === 0 ? true : undefined), 'no render under way')
const viewers = (server: NanoServer, n: number) =>
  until(() => (server.app.live.stats().viewers === n ? true : undefined), `${n} viewers`)

/**
 * Three pages show `live/score` as the hub holds it without rendering it; after a change, the next
 * page shows the new score: one render for the change, however many pages.
 */
async function pagesShowTheHubsCopy(server: NanoServer): Promise<void> {
  const before = hooks.scoreRenders ?? 0
  for (let i = 0; i < 3; i++) assert.match((await request(`${server.url}/match`)).text, /<b class="score">r7 0-0<\/b>/)
  assert.equal(hooks.scoreRenders, before, 'the pages took the hub\u2019s HTML')
  const changed = nextRender('score')
  state().score = '1-0'
  server.runtime.publish('scores')
  await changed
  await quiet(server)
  assert.match(
    (await request(`${server.url}/match`)).text,
    /<b class="score">r7 1-0<\/b>/,
    'its trigger made it current',
  )
  assert.equal(hooks.scoreRenders, before + 1, 'one render for the change, however many pages')
}

test('a page wraps live fragments and opens one stream for all of them', async (t) => {
  const server = await start(t)
  const page = await request(`${server.url}/match`)
  assert.match(
    page.text,
    new RegExp(`<div data-nano-live="${scoreId()}" style="display:contents"><b class="score">r7 0-0</b></div>`),
  )
  const url = await liveUrl(server)
  assert.match(url, /\/_nano\/live\?f=live%2Fscore~[\w-]+&f=live%2Fclock~[\w-]+&since=[0-9a-f]+-\d+$/)
  const js = await request(`${server.url}/_nano/live.js`)
  assert.match(js.headers.get('content-type') ?? '', /javascript/)
  assert.ok(js.text.length < 2048, `the browser script is ${js.text.length} bytes`)
})

test('the stream pushes a change once, as an SSE event with the new HTML; no change, no push', async (t) => {
  const server = await start(t)
  const url = await liveUrl(server)
  const sse = await openSse(url)
  t.after(() => sse.close())
  assert.equal(sse.status, 200)
  await viewers(server, 1)
  await quiet(server)
  state().score = '1-0'
  server.runtime.publish('scores')
  const event = await sse.next()
  assert.equal(event.event, 'fragment')
  assert.match(event.id ?? '', /^[0-9a-f]+-\d+$/)
  assert.deepEqual(
    JSON.parse(event.data),
    { id: scoreId(), html: '<b class="score">r7 1-0</b>' },
    'the first event is the change: the render when the page showed it (same HTML) pushed nothing',
  )
  const same = nextRender('score')
  server.runtime.publish('scores')
  await same
  await server.runtime.call('live/goal', { score: '2-0' })
  assert.match(
    htmlOf((await sse.next()).data),
    /2-0/,
    'the next event is the change ctx.publish made: the re-render with the same HTML was not pushed',
  )
})

test('reconnecting with Last-Event-ID gets the latest state and nothing older', async (t) => {
  const server = await start(t)
  const url = await liveUrl(server)
  const first = await openSse(url)
  state().score = '1-0'
  server.runtime.publish('scores')
  const seen = await first.next()
  first.close()
  await viewers(server, 0)
  const attached = nextRender('score')
  const again = await openSse(url, { 'last-event-id': seen.id as string })
  t.after(() => again.close())
  await attached
  state().score = '1-1'
  server.runtime.publish('scores')
  const latest = await again.next()
  assert.equal(htmlOf(latest.data), '<b class="score">r7 1-1</b>', 'nothing older came before it')
  again.close()
  await viewers(server, 0)
  state().score = '2-0'
  const third = await openSse(url, { 'last-event-id': latest.id as string })
  t.after(() => third.close())
  assert.equal(
    htmlOf((await third.next()).data),
    '<b class="score">r7 2-0</b>',
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
  await viewers(server, 50)
  await quiet(server)
  const before = hooks.scoreRenders ?? 0
  state().score = '3-2'
  server.runtime.publish('scores')
  const received = await Promise.all(clients.map((c) => c.next()))
  assert.ok(received.every((e) => htmlOf(e.data).includes('3-2')))
  assert.equal((hooks.scoreRenders ?? 0) - before, 1)
  assert.equal(server.app.live.stats().viewers, 50)
})

test('a live fragment renders on its schedule only while someone watches (injected clock)', async (t) => {
  const clock = new ManualClock()
  const server = await start(t, {}, clock)
  const sse = await openSse(`${server.url}/_nano/live?f=${encodeURIComponent(idOf('live/clock', {}))}`)
  const a = await sse.next()
  const tick = nextRender('clock')
  clock.advance(100)
  await tick
  const b = await sse.next()
  assert.notEqual(htmlOf(a.data), htmlOf(b.data), 'every 100ms, pushed when it changed')
  sse.close()
  await viewers(server, 0)
  const stats = server.app.live.stats()
  assert.deepEqual([stats.watched, stats.idle], [0, 1])
  await quiet(server)
  const renders = hooks.clockRenders
  clock.advance(5_000)
  assert.equal(hooks.clockRenders, renders, 'no renders without viewers')
  clock.advance(30_000)
  assert.equal(server.app.live.stats().instances, 0, 'dropped once idle for the grace (30 s by default)')
})

test('a slow consumer is dropped instead of buffered without limit', async (t) => {
  const server = await start(t, { bufferLimit: 64 * 1024 })
  const url = new URL(await liveUrl(server))
  const socket = connect(server.port, '127.0.0.1')
  socket.pause()
  socket.on('error', () => {})
  t.after(() => socket.destroy())
  socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: x\r\n\r\n`)
  await viewers(server, 1)
  state().big = 1_000_000
  let pushes = 0
  while (server.app.live.stats().viewers > 0 && pushes < 200) {
    pushes += 1
    state().score = `${pushes}-0`
    const rendered = nextRender('score')
    server.runtime.publish('scores')
    await rendered
    await quiet(server)
  }
  assert.equal(server.app.live.stats().viewers, 0, `still subscribed after ${pushes} pushes of 1 MB`)
  assert.ok(pushes > 1, 'the kernel buffers took some before the drop')
})

test('streams per client address are limited; unknown instances are 404; junk is refused', async (t) => {
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
  const code = async (query: string) => {
    const answer = await request(`${server.url}/_nano/live${query}`)
    return `${answer.status} ${(answer.body as { error?: { code: string } }).error?.code}`
  }
  assert.equal(await code('?f=nope~e30'), '404 NANO_E_NOT_FOUND')
  assert.equal(await code(''), '400 NANO_E_BAD_REQUEST')
  assert.equal(await code(`?f=${encodeURIComponent(idOf('live/score', { match: 1 }))}`), '400 NANO_E_INVALID_INPUT')
  const junk = idOf('live/score', { match: 'r7', junk: 1 })
  assert.equal(await code(`?f=${encodeURIComponent(junk)}`), '400 NANO_E_BAD_REQUEST')
})

test('pages that show a live fragment again keep it current for the next pages: one render per change, not per page', async (t) => {
  const server = await start(t)
  assert.match((await request(`${server.url}/match`)).text, /<b class="score">r7 0-0<\/b>/)
  await quiet(server)
  assert.equal(server.app.live.stats().kept, 0, 'shown once: held, not rendered on its triggers')
  await request(`${server.url}/match`)
  await quiet(server)
  assert.equal(server.app.live.stats().kept, 2, 'shown again: both live slots of the page, nobody watching')
  await pagesShowTheHubsCopy(server)
})

test('pages naming ever new inputs of a live fragment make the hub render nothing of its own', async (t) => {
  const server = await start(t)
  for (let i = 0; i < 20; i++) await request(`${server.url}/match?m=m${i}`)
  await quiet(server)
  const { instances, kept } = server.app.live.stats()
  assert.deepEqual([instances, kept], [21, 1], 'twenty scores held; kept current: only the clock, on every page')
  const before = hooks.scoreRenders ?? 0
  server.runtime.publish('scores')
  await quiet(server)
  assert.equal(hooks.scoreRenders, before, 'no instance shown once renders on its trigger')
})

test('a live instance is kept current for pages until idleGrace after the last page showed it (injected clock)', async (t) => {
  const clock = new ManualClock()
  const server = await start(t, {}, clock)
  await request(`${server.url}/match`)
  await request(`${server.url}/match`)
  await quiet(server)
  const before = hooks.scoreRenders ?? 0
  clock.advance(29_000)
  await request(`${server.url}/match`)
  clock.advance(29_000)
  await request(`${server.url}/match`)
  assert.equal(hooks.scoreRenders, before, 'each page renews the 30 s')
  assert.equal(server.app.live.stats().kept, 2)
  await quiet(server)
  clock.advance(30_000)
  assert.equal(server.app.live.stats().instances, 0, 'dropped 30 s after the last page, its schedule stopped')
  const clockRenders = hooks.clockRenders
  clock.advance(1_000)
  assert.equal(hooks.clockRenders, clockRenders, 'no renders once dropped')
  await request(`${server.url}/match`)
  assert.ok((hooks.scoreRenders ?? 0) > before, 'the next page renders it again')
})

test('a kept instance whose last render failed is not shown: pages render the fragment themselves until it renders again', async (t) => {
  const server = await start(t)
  await request(`${server.url}/match`)
  await request(`${server.url}/match`)
  await quiet(server)
  const failed = nextRender('score')
  state().score = 'down'
  server.runtime.publish('scores')
  await failed
  await quiet(server)
  assert.equal(server.app.live.shown('live/score', { match: 'r7' }), undefined)
  const page = await request(`${server.url}/match`)
  assert.doesNotMatch(page.text, /r7 0-0/, 'not the HTML from before the change')
  const recovered = nextRender('score')
  state().score = '2-0'
  server.runtime.publish('scores')
  await recovered
  await quiet(server)
  const before = hooks.scoreRenders ?? 0
  assert.match((await request(`${server.url}/match`)).text, /<b class="score">r7 2-0<\/b>/)
  assert.equal(hooks.scoreRenders, before, 'current again: taken from the hub')
})

test('a page shows a watched instance as its viewers see it, without rendering it again, and its next change at once', async (t) => {
  const server = await start(t)
  const sse = await openSse(await liveUrl(server))
  t.after(() => sse.close())
  await viewers(server, 1)
  await quiet(server)
  await pagesShowTheHubsCopy(server)
})

test('once its last viewer leaves, an instance stops rendering; the next page renders it and keeps it current again', async (t) => {
  const server = await start(t)
  const sse = await openSse(await liveUrl(server))
  await viewers(server, 1)
  sse.close()
  await viewers(server, 0)
  await quiet(server)
  assert.equal(server.app.live.shown('live/score', { match: 'r7' }), undefined)
  assert.equal(server.app.live.stats().kept, 0)
  const before = hooks.scoreRenders ?? 0
  await request(`${server.url}/match`)
  assert.ok((hooks.scoreRenders ?? 0) > before, 'the page rendered it')
  await quiet(server)
  assert.equal(server.app.live.shown('live/score', { match: 'r7' })?.html, '<b class="score">r7 0-0</b>')
})
