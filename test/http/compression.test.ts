import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { raw, streamDecoded } from './raw.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`
const LONG = 'All the news that fits, and then some more of it. '.repeat(60)

const FILES: Record<string, string> = {
  'services/big.ts': svc(`idempotent: true, input: z.object({}), output: z.object({ text: z.string() }),
    run: () => ({ text: ${JSON.stringify(LONG)} }),`),
  'services/small.ts': svc(`idempotent: true, input: z.object({}), output: z.object({ ok: z.boolean() }),
    run: () => ({ ok: true }),`),
  'services/frag/fast.ts': frag(`input: z.object({ label: z.string() }),
    render: ({ label }) => html\`<p class="fast">\${label}</p>\`,`),
  'services/frag/slow.ts': frag(`input: z.object({ ms: z.number().int(), label: z.string() }),
    render: async ({ ms, label }) => { await new Promise((r) => setTimeout(r, ms)); return html\`<p class="slow">\${label}</p>\` },`),
  'services/frag/counter.ts': frag(`input: z.object({ n: z.number() }), live: { on: 'counters' },
    render: ({ n }) => html\`<b>\${n}</b>\`,`),
  'pages/streamed.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/fast" label="early-fragment"></nano-fragment>
<nano-fragment src="frag/slow" ms="900" label="slow-fragment"></nano-fragment>
<nano-fragment src="frag/fast" label="after-slow"></nano-fragment>
</body></html>`,
  'pages/whole.html': `<!doctype html><html><head><title>t</title></head><body><p>${LONG}</p>
<nano-fragment src="frag/fast" label="x"></nano-fragment></body></html>`,
  'public/app.js': `console.log(${JSON.stringify(LONG)})\n`,
  'public/tiny.txt': 'tiny\n',
  'public/pic.png': LONG,
  'public/font.woff2': LONG,
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  return server
}

test('Accept-Encoding picks brotli or gzip by q-value, brotli on a tie; identity when none is acceptable', async (t) => {
  const server = await start(t)
  const url = `${server.url}/api/big`
  const cases: [string | undefined, string | undefined][] = [
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.8, br;q=0.8', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['gzip;q=0, br;q=0', undefined],
    ['identity', undefined],
    ['identity;q=0', undefined],
    ['deflate', undefined],
    [undefined, undefined],
  ]
  for (const [accept, coding] of cases) {
    const a = await raw(url, { headers: accept === undefined ? {} : { 'accept-encoding': accept } })
    assert.equal(a.status, 200)
    assert.equal(a.headers['content-encoding'], coding, `accept-encoding: ${accept}`)
    assert.equal(a.headers.vary, 'Accept-Encoding', `Vary whatever was accepted (${accept})`)
    assert.deepEqual(JSON.parse(a.text), { text: LONG })
    assert.equal(Number(a.headers['content-length']), a.body.length)
    if (coding !== undefined) assert.ok(a.body.length < LONG.length / 4, `${coding} compresses`)
  }
})

test('small answers, compressed formats and event streams are sent as they are', async (t) => {
  const server = await start(t)
  const br = { 'accept-encoding': 'br, gzip' }
  const small = await raw(`${server.url}/api/small`, { headers: br })
  assert.equal(small.headers['content-encoding'], undefined)
  assert.equal(small.headers.vary, undefined, 'below the threshold the answer never varies')
  assert.equal(small.text, '{"ok":true}')
  const tiny = await raw(`${server.url}/tiny.txt`, { headers: br })
  assert.equal(tiny.headers['content-encoding'], undefined)
  for (const path of ['/pic.png', '/font.woff2']) {
    const a = await raw(`${server.url}${path}`, { headers: br })
    assert.equal(a.status, 200)
    assert.equal(a.headers['content-encoding'], undefined, path)
    assert.equal(a.headers.vary, undefined, path)
    assert.equal(a.text, LONG)
  }
  const id = encodeURIComponent(`frag/counter~${Buffer.from(JSON.stringify({ n: 1 })).toString('base64url')}`)
  const controller = new AbortController()
  const sse = await fetch(`${server.url}/_nano/live?f=${id}`, { headers: br, signal: controller.signal })
  assert.equal(sse.status, 200)
  assert.match(sse.headers.get('content-type') ?? '', /text\/event-stream/)
  assert.equal(sse.headers.get('content-encoding'), null, 'SSE is never compressed')
  controller.abort()
})

test('a public text file is compressed once and kept; the compressed copy has a weak ETag that revalidates', async (t) => {
  const server = await start(t)
  const first = await raw(`${server.url}/app.js`, { headers: { 'accept-encoding': 'br' } })
  assert.equal(first.headers['content-encoding'], 'br')
  assert.equal(first.headers.vary, 'Accept-Encoding')
  assert.equal(first.text, `console.log(${JSON.stringify(LONG)})\n`)
  const etag = first.headers.etag as string
  assert.match(etag, /^W\/"/)
  const gz = await raw(`${server.url}/app.js`, { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(gz.headers['content-encoding'], 'gzip')
  assert.equal(gz.text, first.text)
  const plain = await raw(`${server.url}/app.js`)
  assert.equal(plain.headers['content-encoding'], undefined)
  assert.equal(plain.headers.etag, etag.slice(2), 'identity keeps the strong tag')
  for (const tag of [etag, etag.slice(2)]) {
    const again = await raw(`${server.url}/app.js`, { headers: { 'accept-encoding': 'br', 'if-none-match': tag } })
    assert.equal(again.status, 304)
    assert.equal(again.body.length, 0)
    assert.equal(again.headers.vary, 'Accept-Encoding')
  }
  const head = await raw(`${server.url}/app.js`, { method: 'HEAD', headers: { 'accept-encoding': 'br' } })
  assert.equal(head.headers['content-encoding'], 'br')
  assert.equal(head.headers['content-length'], first.headers['content-length'])
  assert.equal(head.body.length, 0)
})

test('a page rendered at once is compressed whole; HEAD has the same headers', async (t) => {
  const server = await start(t)
  const a = await raw(`${server.url}/whole`, { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(a.status, 200)
  assert.equal(a.headers['content-encoding'], 'gzip')
  assert.match(a.text, /All the news that fits/)
  assert.match(a.text, /<p class="fast">x<\/p>/)
  const head = await raw(`${server.url}/whole`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } })
  assert.equal(head.headers['content-encoding'], 'gzip')
  assert.equal(head.body.length, 0)
})

for (const coding of ['gzip', 'br'] as const) {
  test(`a streamed page compressed with ${coding}: the client decodes the head and early fragment before the slow one is rendered`, async (t) => {
    const server = await start(t)
    const r = await streamDecoded(server.port, '/streamed', coding)
    assert.match(r.head, /^HTTP\/1\.1 200/)
    assert.match(r.head, new RegExp(`content-encoding: ${coding}`, 'i'))
    assert.match(r.head, /vary: Accept-Encoding/i)
    assert.match(r.head, /transfer-encoding: chunked/i)
    const when = (needle: string): number => {
      let text = ''
      for (const piece of r.pieces) {
        text += piece.text
        if (text.includes(needle)) return piece.at
      }
      return Number.POSITIVE_INFINITY
    }
    const early = when('early-fragment')
    const slow = when('slow-fragment')
    assert.ok(when('<title>t</title>') <= early, 'the head comes first')
    assert.ok(early < 600, `the early fragment was readable at ${early} ms, before the slow one (900 ms) finished`)
    assert.ok(slow >= 850, `the slow fragment came at ${slow} ms`)
    assert.ok(when('after-slow') >= slow)
    assert.ok(r.text.indexOf('early-fragment') < r.text.indexOf('slow-fragment'))
    assert.match(r.text, /<\/html>\s*$/)
  })
}

test('server.fetch compresses as the node server does, streamed pages included', async (t) => {
  const server = await start(t)
  const { brotliDecompressSync, gunzipSync } = await import('node:zlib')
  const json = await server.fetch(new Request('http://x/api/big', { headers: { 'accept-encoding': 'gzip' } }))
  assert.equal(json.headers.get('content-encoding'), 'gzip')
  assert.equal(json.headers.get('vary'), 'Accept-Encoding')
  assert.deepEqual(JSON.parse(gunzipSync(Buffer.from(await json.arrayBuffer())).toString()), { text: LONG })
  const page = await server.fetch(new Request('http://x/streamed', { headers: { 'accept-encoding': 'br' } }))
  assert.equal(page.headers.get('content-encoding'), 'br')
  const html = brotliDecompressSync(Buffer.from(await page.arrayBuffer())).toString()
  assert.match(html, /early-fragment[\s\S]*slow-fragment[\s\S]*after-slow/)
  const plain = await server.fetch(new Request('http://x/api/big'))
  assert.equal(plain.headers.get('content-encoding'), null)
  assert.deepEqual(await plain.json(), { text: LONG })
  const file = await server.fetch(new Request('http://x/pic.png'))
  assert.equal(file.headers.get('content-type'), 'image/png')
  assert.equal(await file.text(), LONG)
})
