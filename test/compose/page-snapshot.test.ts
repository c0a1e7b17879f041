import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NONCE } from '../../src/compose/interpolate.ts'
import { PageSnapshot } from '../../src/compose/page-snapshot.ts'
import { createServer, type NanoServer } from '../../src/index.ts'
import { tempProject } from '../helpers/project.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/frag/cached.ts': frag(`input: z.object({}), cache: { ttl: '1m' },
    render: () => html\`<p class="cached">\${Math.random()}</p>\`,`),
  'services/frag/count.ts': frag(`input: z.object({}),
    render: () => { globalThis.pageCount = (globalThis.pageCount ?? 0) + 1; return html\`<p class="count">\${globalThis.pageCount}</p>\` },`),
  'services/frag/same.ts': frag(
    `input: z.object({}), render: () => html\`<p class="same">\${'always' + ' this'}</p>\`,`,
  ),
  'services/frag/hello.ts': frag(`input: z.object({ who: z.string() }), cache: { ttl: '1m' },
    render: ({ who }) => html\`<p class="hello">Hello \${who}</p>\`,`),
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/cached"></nano-fragment>
<nano-fragment src="frag/count"></nano-fragment>
<nano-fragment src="frag/same"></nano-fragment>
<nano-fragment src="frag/hello" who="{query.who|world}"></nano-fragment>
<p>{query.who|nobody}</p>
</body></html>`,
  'pages/scripted.html': `<!doctype html><html><head><title>s</title></head><body>
<nano-fragment src="frag/cached"></nano-fragment>
<script>window.started = true</script>
</body></html>`,
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  return server
}

const get = async (server: NanoServer, path: string) => {
  const res = await fetch(`${server.url}${path}`)
  assert.equal(res.status, 200)
  return { body: await res.text(), csp: res.headers.get('content-security-policy') ?? '' }
}

test('a page rendered again writes each slot as it answers now: a changed slot is never served from the last page', async (t) => {
  const server = await start(t)
  const bodies: string[] = []
  for (let i = 0; i < 30; i++) bodies.push((await get(server, '/')).body)
  const counts = bodies.map((b) => Number(/<p class="count">(\d+)<\/p>/.exec(b)?.[1]))
  assert.deepEqual(
    counts,
    counts.map((_, i) => (counts[0] as number) + i),
    'the uncached slot shows every new value',
  )
  const cached = new Set(bodies.map((b) => /<p class="cached">([\d.]+)<\/p>/.exec(b)?.[1]))
  assert.equal(cached.size, 1, 'the cached slot repeats')
  assert.ok(bodies.every((b) => b.includes('<p class="same">always this</p>')))
  assert.ok(bodies.every((b) => b.includes('<p class="hello">Hello world</p>') && b.includes('<p>nobody</p>')))
  const [first, last] = [bodies[0] as string, bodies.at(-1) as string]
  assert.equal(
    last.replace(/<p class="count">\d+<\/p>/, ''),
    first.replace(/<p class="count">\d+<\/p>/, ''),
    'apart from the counter, the page is the same bytes',
  )
})

test('a request with values (a query) is rendered for its values, before and after pages without', async (t) => {
  const server = await start(t)
  for (let i = 0; i < 5; i++) await get(server, '/')
  const withQuery = (await get(server, '/?who=Ada')).body
  assert.match(withQuery, /<p class="hello">Hello Ada<\/p>/)
  assert.match(withQuery, /<p>Ada<\/p>/)
  const without = (await get(server, '/')).body
  assert.match(without, /<p class="hello">Hello world<\/p>/)
  assert.match(without, /<p>nobody<\/p>/)
  assert.equal((await get(server, '/?who=Bob')).body.includes('Hello Bob'), true)
})

test("a page with its own inline script gets this response's nonce every time", async (t) => {
  const server = await start(t)
  const nonces: string[] = []
  for (let i = 0; i < 5; i++) {
    const { body, csp } = await get(server, '/scripted')
    const inBody = /<script nonce="([^"]+)">window\.started = true<\/script>/.exec(body)?.[1]
    assert.ok(inBody, 'the inline script carries a nonce')
    assert.ok(csp.includes(`'nonce-${inBody}'`), 'the nonce is the one the policy names')
    nonces.push(inBody)
  }
  assert.equal(new Set(nonces).size, 5)
})

test('PageSnapshot keeps bytes for the same markup and live ids only, and none for text with a nonce', () => {
  const parts = [
    { kind: 'text', text: '<body>' },
    { kind: 'slot', slot: {} as never, index: 0 },
    { kind: 'body-end' },
    { kind: 'text', text: '</html>' },
  ] as const
  const snapshot = PageSnapshot.of(parts as never, [[Buffer.from('<body>')], [], [], [Buffer.from('</html>')]])
  assert.ok(snapshot)
  assert.equal(snapshot.end, 2)
  assert.equal(snapshot.bytesFor(['<p>a</p>'], [undefined], []), undefined, 'nothing kept yet')
  const bytes = Buffer.from('<body><p>a</p>')
  snapshot.keep(['<p>a</p>'], [undefined], bytes, [])
  assert.equal(snapshot.bytesFor([`<p>${'a'}</p>`], [undefined], []), bytes, 'equal markup, even another string')
  assert.equal(snapshot.bytesFor(['<p>b</p>'], [undefined], []), undefined)
  assert.equal(snapshot.bytesFor(['<p>a</p>'], ['live-1'], []), undefined)
  assert.equal(
    PageSnapshot.of(parts as never, [[Buffer.from('<script'), NONCE, Buffer.from('>')], [], [], []]),
    undefined,
  )
  assert.equal(PageSnapshot.of([{ kind: 'text', text: '<p>' }] as never, [[]]), undefined, 'no </body>')
})
