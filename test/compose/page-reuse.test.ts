import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRuntime, createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { parseSamples, sample } from '../observe/prom-text.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/frag/long.ts': frag(`input: z.object({ city: z.string() }), cache: { ttl: '60s' },
    render: ({ city }) => html\`<p>\${city} \${Math.random()}</p>\`,`),
  'services/frag/short.ts': frag(`input: z.object({}), cache: { ttl: '300ms' },
    render: () => html\`<i>\${Math.random()}</i>\`,`),
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ n: z.number() }),
    cache: { ttl: '60s' }, run: ({ city }) => ({ n: city.length }),`),
  'services/greeting.ts': svc(`input: z.object({}), output: z.string(),
    cache: { ttl: '60s', vary: ['locale'] }, run: () => 'hello',`),
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/long" city="Leeds"></nano-fragment>
<nano-fragment src="frag/short"></nano-fragment>
</body></html>`,
}

const long = (page: string): string | undefined => /<p>Leeds [\d.]+<\/p>/.exec(page)?.[0]
const short = (page: string): string | undefined => /<i>[\d.]+<\/i>/.exec(page)?.[0]

/** A server over {@link FILES} whose page was served 30 times (kept by then), and the last page. */
async function keptPage(t: TestContext): Promise<{ root: string; server: NanoServer; page: string }> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  let page = ''
  for (let i = 0; i < 30; i++) page = await (await fetch(`${server.url}/`)).text()
  return { root, server, page }
}

test('a page of cache hits is written again from its kept render, counted as hits, never past an entry going stale', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const pages: string[] = []
  for (let i = 0; i < 30; i++) pages.push(await (await fetch(`${server.url}/`)).text())
  const first = pages[0] as string
  assert.ok(long(first) && short(first))
  assert.ok(
    pages.every((p) => long(p) === long(first)),
    'the 60 s entry answers every page',
  )
  const samples = parseSamples(await (await fetch(`${server.url}/_nano/metrics`)).text())
  assert.equal(sample(samples, 'nanoweb_calls_total', { service: 'frag/long', code: 'ok' }), 30)
  assert.equal(sample(samples, 'nanoweb_cache_total', { service: 'frag/long', result: 'miss' }), 1)
  assert.equal(
    sample(samples, 'nanoweb_cache_total', { service: 'frag/long', result: 'hit' }),
    29,
    'every later page counts its slot as a hit, kept or peeked',
  )
  const before = short(pages.at(-1) as string)
  await sleep(700)
  const later = await (await fetch(`${server.url}/`)).text()
  assert.notEqual(short(later), before, 'the 300 ms entry went stale: the page shows the new markup')
  assert.equal(long(later), long(first), 'the other slot is still its cache hit')
})

test('an entry refreshed before it goes stale (a live re-render, refresh: true) shows at once', async (t) => {
  const { server, page } = await keptPage(t)
  assert.equal(long(await (await fetch(`${server.url}/`)).text()), long(page))
  const refreshed = await server.runtime.invoke('frag/long', { city: 'Leeds' }, { refresh: true })
  assert.notEqual(refreshed, long(page))
  assert.equal(long(await (await fetch(`${server.url}/`)).text()), refreshed, 'the new entry, not the kept markup')
})

test('a service changed and reloaded since the page was kept is run afresh', async (t) => {
  const { root, server, page } = await keptPage(t)
  const kept = long(page)
  assert.equal(long(await (await fetch(`${server.url}/`)).text()), kept)
  await writeFile(
    join(root, 'services/frag/long.ts'),
    frag(`input: z.object({ city: z.string() }), cache: { ttl: '60s' },
    render: ({ city }) => html\`<p>\${city} \${Math.random()} v2</p>\`,`),
  )
  await server.runtime.reload('frag/long')
  const after = await (await fetch(`${server.url}/`)).text()
  assert.match(after, /<p>Leeds [\d.]+ v2<\/p>/, 'the new code rendered, not the kept page')
})

test('rt.peekKept gives until when the hit holds and a token; rt.hitAgain counts it again until a reload', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root })
  t.after(() => rt.close())
  for (let i = 0; i < 100 && rt.peekKept('geo', { city: 'Leeds' }) === undefined; i++) {
    await rt.call('geo', { city: 'Leeds' })
    await new Promise((resolve) => setImmediate(resolve))
  }
  const now = Date.now()
  const hit = rt.peekKept('geo', { city: 'Leeds' })
  assert.ok(hit)
  assert.deepEqual(hit.value, { n: 5 })
  assert.ok(hit.until > now && hit.until <= now + 60_000, 'until is the entry fresh-until time')
  const hits = (): number =>
    sample(parseSamples(rt.metrics()), 'nanoweb_cache_total', { service: 'geo', result: 'hit' }) ?? 0
  const counted = hits()
  assert.equal(rt.hitAgain('geo', hit.token, 'page'), true)
  assert.equal(hits(), counted + 1)
  await rt.reload('geo')
  assert.equal(rt.hitAgain('geo', hit.token, 'page'), false, 'reloaded: not the same service')
  assert.equal(hits(), counted + 1, 'nothing counted')

  for (let i = 0; i < 100 && rt.peekKept('greeting', {}) === undefined; i++) {
    await rt.call('greeting', {})
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.equal(rt.peekKept('greeting', {})?.until, 0, 'a cache that varies by request is not kept')
})
