import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, type Observer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { parseSamples, sample } from './prom-text.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/frag/cached.ts': frag(`input: z.object({ city: z.string() }), cache: { ttl: '60s' },
    render: ({ city }) => html\`<p>\${city} \${Math.random()}</p>\`,`),
  'services/frag/plain.ts': frag(`input: z.object({}), render: () => html\`<i>\${Math.random()}</i>\`,`),
  'services/frag/guarded.ts': frag(`input: z.object({}), cache: { ttl: '60s' }, access: 'user',
    render: () => html\`<b>g</b>\`,`),
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ n: z.number() }),
    cache: { ttl: '60s' }, run: ({ city }) => ({ n: city.length }),`),
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/cached" city="Leeds"></nano-fragment>
<nano-fragment src="frag/plain"></nano-fragment>
</body></html>`,
}

test('a page slot answered from the cache counts as a call and a hit, exactly as through invoke', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const pages: string[] = []
  // enough renders that the later ones take the fast path (once the slot's input check is compiled)
  for (let i = 0; i < 25; i++) pages.push(await (await fetch(`${server.url}/`)).text())
  const cachedMarkup = (page: string) => /<p>Leeds [\d.]+<\/p>/.exec(page)?.[0]
  assert.ok(cachedMarkup(pages[0] as string))
  assert.ok(
    pages.every((p) => cachedMarkup(p) === cachedMarkup(pages[0] as string)),
    'the cached markup repeats',
  )
  const plain = pages.map((p) => /<i>([\d.]+)<\/i>/.exec(p)?.[1])
  assert.equal(new Set(plain).size, 25, 'the uncached slot still renders every time')
  const samples = parseSamples(await (await fetch(`${server.url}/_nano/metrics`)).text())
  const calls = (service: string) => sample(samples, 'nanoweb_calls_total', { service, code: 'ok' })
  assert.equal(calls('frag/cached'), 25)
  assert.equal(calls('frag/plain'), 25)
  assert.equal(sample(samples, 'nanoweb_cache_total', { service: 'frag/cached', result: 'hit' }), 24)
  assert.equal(sample(samples, 'nanoweb_cache_total', { service: 'frag/cached', result: 'miss' }), 1)
  assert.equal(sample(samples, 'nanoweb_call_duration_seconds_count', { service: 'frag/cached' }), 25)
  assert.equal(sample(samples, 'nanoweb_calls_in_flight', { service: 'frag/cached' }), 0)
})

test('rt.peekKept answers only a fresh hit of a loaded, cached service without access rules', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, metrics: false })
  t.after(() => rt.close())
  assert.equal(rt.peekKept('geo', { city: 'Leeds' }), undefined, 'not loaded yet')
  assert.deepEqual(await rt.call('geo', { city: 'Leeds' }), { n: 5 })
  // a plain input is peeked once its schema's compiled check exists (after a few calls)
  for (let i = 0; i < 100 && rt.peekKept('geo', { city: 'Leeds' })?.value === undefined; i++) {
    await rt.call('geo', { city: 'Leeds' })
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.deepEqual(rt.peekKept('geo', { city: 'Leeds' })?.value, { n: 5 })
  assert.equal(rt.peekKept('geo', { city: 'York' }), undefined, 'another input is a miss')
  assert.equal(rt.peekKept('geo', { city: 7 }), undefined, 'an input the check refuses is left to invoke')
  assert.equal(rt.peekKept('geo', { city: 'Leeds' }, { refresh: true }), undefined)
  await rt.call('frag/plain', {})
  assert.equal(rt.peekKept('frag/plain', {}), undefined, 'not cached')
  for (let i = 0; i < 20; i++) await rt.call('frag/guarded', {})
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(rt.peekKept('frag/guarded', {}), undefined, 'access rules are checked by invoke')
  assert.equal(rt.peekKept('nope', {}), undefined)
})

test('an observer without hit() sees every slot call through start/end: the fast path is not taken', async (t) => {
  const root = await tempProject(t, FILES)
  const started: string[] = []
  const observer: Observer = { start: (c) => started.push(c.service), end: () => {} }
  const server = await createServer({ root, port: 0, logger: false, observer, metrics: false })
  t.after(() => server.close())
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${server.url}/`)).status, 200)
  assert.equal(started.filter((s) => s === 'frag/cached').length, 3)
  assert.equal(server.runtime.peekKept?.('frag/cached', { city: 'Leeds' }), undefined)
})

test('an observer with hit() hears each cached slot of a repeated page as a hit, not as start/end', async (t) => {
  const root = await tempProject(t, FILES)
  const seen: string[] = []
  const observer: Observer = {
    start: (c) => seen.push(`start ${c.service}`),
    end: () => {},
    hit: (service, caller) => seen.push(`hit ${service} by ${caller}`),
  }
  const server = await createServer({ root, port: 0, logger: false, observer, metrics: false })
  t.after(() => server.close())
  // the slot's input check is compiled after a few renders; from then on a repeat is a hit
  for (let i = 0; i < 40 && !seen.some((s) => s.startsWith('hit')); i++) {
    assert.equal((await fetch(`${server.url}/`)).status, 200)
  }
  seen.length = 0
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${server.url}/`)).status, 200)
  assert.deepEqual(
    seen.filter((s) => s.includes('frag/cached')),
    ['hit frag/cached by page', 'hit frag/cached by page', 'hit frag/cached by page'],
  )
  assert.equal(seen.filter((s) => s === 'start frag/plain').length, 3)
})
