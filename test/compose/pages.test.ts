import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { streamGet } from '../helpers/stream.ts'

const frag = (body: string, prelude = ''): string =>
  `import { fragment, html, NanoError } from '@nanoweb/core'\nimport { z } from 'zod'\n${prelude}\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/frag/fast.ts': frag(`input: z.object({ label: z.string() }), css: 'box.css',
    render: ({ label }) => html\`<p class="fast">\${label}</p>\`,`),
  'services/frag/box.css': '.fast { color: red }\n',
  'services/frag/slow.ts': frag(`input: z.object({ ms: z.number().int(), label: z.string() }), css: 'box.css',
    render: async ({ ms, label }) => { await new Promise((r) => setTimeout(r, ms)); return html\`<p class="slow">\${label}</p>\` },`),
  'services/frag/fail.ts': frag(`input: z.object({}), render: () => { throw new Error('db down') },`),
  'services/frag/story.ts': frag(`input: z.object({ id: z.string() }),
    render: ({ id }) => { if (id !== 'known') throw new NanoError('NANO_E_NOT_FOUND', 'no story ' + id); return html\`<h1>Story \${id}</h1>\` },`),
  'services/frag/echo.ts':
    frag(`input: z.object({ text: z.string(), n: z.number().optional(), on: z.boolean().optional() }),
    render: ({ text, n, on }) => html\`<p class="echo" data-n=\${n} data-on=\${String(on)}>\${text}</p>\`,`),
  'services/frag/hello.ts': frag(`input: z.object({}), vary: ['locale'], cache: { ttl: '1m' },
    render: (_, ctx) => { globalThis.helloRenders = (globalThis.helloRenders ?? 0) + 1; return html\`<p>\${ctx.request.locale === 'fr' ? 'Bonjour' : 'Hello'}</p>\` },`),
  'services/frag/who.ts': frag(`input: z.object({}), cache: { ttl: '1m' },
    render: (_, ctx) => html\`<p class="who">\${ctx.request.userId ?? 'anonymous'} \${ctx.request.device ?? '?'} \${ctx.request.locale ?? '?'}</p>\`,`),
  'pages/who.html': `<html><head></head><body><nano-fragment src="frag/who"></nano-fragment></body></html>`,
  'services/news/title.ts': `import { service } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default service({ input: z.object({ id: z.string() }), output: z.object({ title: z.string() }), run: ({ id }) => ({ title: 'Title <' + id + '>' }) })\n`,
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/fast" label="first"></nano-fragment>
<nano-fragment src="frag/slow" ms="1200" label="slow"></nano-fragment>
<nano-fragment src="frag/fast" label="after"></nano-fragment>
</body></html>`,
  'pages/defer.html': `<html><head></head><body>
<nano-fragment src="frag/slow" ms="300" label="late" defer>loading…</nano-fragment>
<nano-fragment src="frag/slow" ms="50" label="early"></nano-fragment>
<footer>end</footer></body></html>`,
  'pages/fallbacks.html': `<html><head></head><body>
<nano-fragment src="frag/slow" ms="5000" label="x" timeout="60ms">too slow</nano-fragment>
<nano-fragment src="frag/fail">failed politely</nano-fragment>
<nano-fragment src="frag/fail"></nano-fragment>
<nano-fragment src="frag/missing">no such fragment</nano-fragment>
<nano-fragment src="frag/fast" label="ok"></nano-fragment>
</body></html>`,
  'pages/budget.html': `<html><head></head><body budget="80ms">
<nano-fragment src="frag/slow" ms="5000" label="a">fallback a</nano-fragment>
<nano-fragment src="frag/slow" ms="5000" label="b">fallback b</nano-fragment>
<nano-fragment src="frag/fast" label="quick"></nano-fragment>
</body></html>`,
  'pages/story/[id].html': `<html><head><title>{params.id}</title></head><body>
<nano-fragment src="frag/story" id="{params.id}" primary>Story unavailable</nano-fragment>
<nano-fragment src="frag/fast" label="sidebar for {params.id}"></nano-fragment>
</body></html>`,
  'pages/strict.html': `<html><body><nano-fragment src="frag/echo" text="x" n="{query.n|1}" primary>bad</nano-fragment></body></html>`,
  'pages/broken.html': `<html><body><nano-fragment src="frag/fail" primary>sorry</nano-fragment></body></html>`,
  'pages/echo.html': `<html><head></head><body><a href="/x?q={query.q}">link</a>
<nano-fragment src="frag/echo" text="{query.q|nothing}" n="{query.n|7}" on="{query.on|false}"></nano-fragment>
<nano-fragment src="frag/fast" label="one"></nano-fragment><nano-fragment src="frag/fast" label="two"></nano-fragment>
<nano-fragment src="frag/slow" ms="1" label="three"></nano-fragment></body></html>`,
  'pages/hello.html': `<html><head></head><body><nano-fragment src="frag/hello"></nano-fragment></body></html>`,
  'pages/titled/[id].ts': `import { page } from '@nanoweb/core'
export default page({
  uses: ['news/title'],
  async data({ params, call }) { return { title: (await call('news/title', { id: params.id })).title } },
  template: '<html><head><title>{data.title}</title></head><body><h1>{data.title}</h1><nano-fragment src="frag/fast" label="{data.title}"></nano-fragment></body></html>',
})
`,
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: process.env.DEBUG_LOGS ? undefined : false })
  t.after(() => server.close())
  return server
}

test('the page streams: head, CSS and the fragments before a slow one arrive before it finishes', async (t) => {
  const server = await start(t)
  const r = await streamGet(server.port, '/')
  assert.equal(r.status, 200)
  assert.match(r.head, /content-type: text\/html/i)
  assert.match(r.head, /link: <\/_nano\/assets\/frag\/box\.css>; rel=preload; as=style/i)
  const slowAt = r.arrivals.findIndex((a) => a.text.includes('class="slow"'))
  assert.ok(slowAt > 0, 'the slow fragment came in a later piece than the first bytes')
  const early = r.arrivals
    .slice(0, slowAt)
    .map((a) => a.text)
    .join('')
  assert.match(early, /<link rel="stylesheet" href="\/_nano\/assets\/frag\/box\.css">/)
  assert.match(early, /class="fast">first</)
  assert.doesNotMatch(early, /class="slow"/)
  assert.doesNotMatch(early, /after/, 'a fragment after the slow one waits for it (in order)')
  assert.ok(
    r.body.indexOf('>first<') < r.body.indexOf('>slow<') && r.body.indexOf('>slow<') < r.body.indexOf('>after<'),
  )
  assert.match(r.body, /<\/html>$/)
})

test('a deferred fragment streams out of order: placeholder first, content after later fragments', async (t) => {
  const server = await start(t)
  const r = await streamGet(server.port, '/defer')
  const body = r.body
  assert.match(body, /<div id="nano-d0" data-nano-defer>loading…<\/div>/)
  assert.ok(body.indexOf('early') < body.indexOf('>late<'), 'the later, faster fragment comes first')
  assert.ok(body.indexOf('<footer>end</footer>') < body.indexOf('>late<'))
  const earlyAt = r.arrivals.find((a) => a.text.includes('early'))?.at ?? -1
  const lateAt = r.arrivals.find((a) => a.text.includes('>late<'))?.at ?? -1
  assert.ok(earlyAt >= 0 && lateAt > earlyAt, `early at ${earlyAt} ms, late at ${lateAt} ms`)
  assert.match(
    body,
    /<div id="nano-t0" data-nano-late><p class="slow">late<\/p><\/div><script nonce="[\w-]+">nanoSwap\(0\)<\/script>/,
  )
  assert.ok(body.indexOf('nanoSwap(0)') < body.indexOf('</body>'))
})

test('timeout, failure and a missing fragment fall back; the page is still whole', async (t) => {
  const server = await start(t)
  const started = Date.now()
  const r = await streamGet(server.port, '/fallbacks')
  assert.ok(Date.now() - started < 4000, 'did not wait for the 5 s fragment')
  assert.equal(r.status, 200)
  assert.match(r.body, /too slow/)
  assert.match(r.body, /failed politely/)
  assert.match(r.body, /no such fragment/)
  assert.match(r.body, /class="fast">ok</)
  assert.doesNotMatch(r.body, /db down/)
})

test('the page budget gives every unfinished fragment its fallback', async (t) => {
  const server = await start(t)
  const started = Date.now()
  const r = await streamGet(server.port, '/budget')
  assert.ok(Date.now() - started < 4000, 'the 80 ms budget ended the page, not the 5 s fragments')
  assert.match(r.body, /fallback a[\s\S]*fallback b[\s\S]*quick/)
})

test('primary fragments decide the status; routes take params', async (t) => {
  const server = await start(t)
  const ok = await streamGet(server.port, '/story/known')
  assert.equal(ok.status, 200)
  assert.match(ok.body, /<title>known<\/title>/)
  assert.match(ok.body, /<h1>Story known<\/h1>/)
  assert.match(ok.body, /sidebar for known/)
  const missing = await streamGet(server.port, '/story/nope')
  assert.equal(missing.status, 404)
  assert.match(missing.body, /Story unavailable/)
  const broken = await streamGet(server.port, '/broken')
  assert.equal(broken.status, 500)
  assert.match(broken.body, /sorry/)
  const invalid = await streamGet(server.port, '/strict?n=lots')
  assert.equal(invalid.status, 400, 'a bad parameter in a primary fragment is the client’s mistake, not a 5xx')
  assert.equal((await streamGet(server.port, '/strict?n=3')).status, 200)
  const none = await request(`${server.url}/no/such/page`)
  assert.equal(none.status, 404)
})

test('escaping: an XSS probe in the query renders as text; attributes are coerced by the schema', async (t) => {
  const server = await start(t)
  const probe = '<script>alert(1)</script>"'
  const r = await streamGet(server.port, `/echo?q=${encodeURIComponent(probe)}&n=42&on=true`)
  assert.doesNotMatch(r.body, /<script>alert/)
  assert.match(r.body, /<p class="echo" data-n="42" data-on="true">&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;<\/p>/)
  assert.match(r.body, /href="\/x\?q=&lt;script&gt;/)
  const defaults = await streamGet(server.port, '/echo')
  assert.match(defaults.body, /data-n="7" data-on="false">nothing</)
})

test('assets are collected once per page, linked in the head and served', async (t) => {
  const server = await start(t)
  const r = await streamGet(server.port, '/echo')
  const links = r.body.match(/<link rel="stylesheet"[^>]*>/g) ?? []
  assert.deepEqual(
    links,
    ['<link rel="stylesheet" href="/_nano/assets/frag/box.css">'],
    'two fragments, three slots, one shared file: one link',
  )
  assert.ok(r.body.indexOf('box.css') < r.body.indexOf('</head>'))
  const css = await request(`${server.url}/_nano/assets/frag/box.css`)
  assert.equal(css.status, 200)
  assert.match(css.headers.get('content-type') ?? '', /text\/css/)
  assert.equal(css.text, '.fast { color: red }\n')
  assert.equal((await request(`${server.url}/_nano/assets/frag/fast.ts`)).status, 404, 'only declared files')
  assert.equal((await request(`${server.url}/_nano/assets/frag/..%2f..%2fpackage.json`)).status, 404)
})

test('ctx.request reaches fragments and enters the cache key only through vary', async (t) => {
  const server = await start(t)
  const renders = (): number => (globalThis as { helloRenders?: number }).helloRenders ?? 0
  const before = renders()
  const en = await streamGet(server.port, '/hello', { 'accept-language': 'en-GB,en;q=0.9' })
  const fr = await streamGet(server.port, '/hello', { 'accept-language': 'fr' })
  const en2 = await streamGet(server.port, '/hello', { 'accept-language': 'en-GB' })
  assert.match(en.body, /Hello/)
  assert.match(fr.body, /Bonjour/)
  assert.match(en2.body, /Hello/)
  assert.equal(renders() - before, 2, 'one render per locale: the second en-GB page was a cache hit')
})

test('the user id comes from the configured cookie; facts not in vary do not split the cache', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, user: { cookie: 'uid' } })
  t.after(() => server.close())
  const first = await streamGet(server.port, '/who', {
    cookie: 'theme=dark; uid=u42',
    'user-agent': 'Mozilla/5.0 (iPhone) Mobile',
    'accept-language': 'de-DE',
  })
  assert.match(first.body, /<p class="who">u42 mobile de-DE<\/p>/)
  const second = await streamGet(server.port, '/who', { cookie: 'uid=u7', 'accept-language': 'fr' })
  assert.match(second.body, /<p class="who">u42 mobile de-DE<\/p>/, 'no vary: one cached output for everyone')
})

test('a TypeScript page() computes data per request through the same plan', async (t) => {
  const server = await start(t)
  const r = await streamGet(server.port, '/titled/a1')
  assert.equal(r.status, 200, r.body)
  assert.match(r.body, /<title>Title &lt;a1&gt;<\/title>/)
  assert.match(r.body, /<h1>Title &lt;a1&gt;<\/h1>/)
  assert.match(r.body, /class="fast">Title &lt;a1&gt;</)
})

test('a fragment endpoint answers text/html', async (t) => {
  const server = await start(t)
  const r = await request(`${server.url}/api/frag/fast?label=hi%3Cb%3E`)
  assert.equal(r.status, 200)
  assert.match(r.headers.get('content-type') ?? '', /text\/html/)
  assert.equal(r.text, '<p class="fast">hi&lt;b&gt;</p>')
})
