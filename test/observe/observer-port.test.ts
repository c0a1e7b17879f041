import assert from 'node:assert/strict'
import { AsyncLocalStorage } from 'node:async_hooks'
import { test } from 'node:test'
import { createServer, type ObservedCall, type ObservedWork, type Observer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES: Record<string, string> = {
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => ({ lat: city.length }),`),
  'services/weather.ts':
    svc(`uses: ['geo'], input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
  'services/frag/box.ts': frag(`input: z.object({ city: z.string() }),
    render: async ({ city }) => html\`<p>\${city}</p>\`,`),
  'services/frag/broken.ts': frag(`input: z.object({}), render: () => { throw new Error('no') },`),
  'pages/index.html': `<!doctype html><html><head><title>t</title></head><body>
<nano-fragment src="frag/box" city="Leeds"></nano-fragment>
<nano-fragment src="frag/broken">gone</nano-fragment>
</body></html>`,
}

/** An observer that writes down every hook, in order, with who was current in `run` (as a tracer's context does). */
function recorder(): { events: string[]; observer: Observer } {
  const events: string[] = []
  const current = new AsyncLocalStorage<string>()
  const label = (s: ObservedCall | ObservedWork): string => ('kind' in s ? `${s.kind}:${s.name}` : `call:${s.service}`)
  const observer: Observer = {
    requests: true,
    start: (c) => events.push(`start ${c.service} by ${c.caller} under ${current.getStore() ?? '-'}`),
    end: (c, error) => events.push(`end ${c.service}${error === undefined ? '' : ' failed'}`),
    run: (subject, fn) => current.run(label(subject), fn),
    begin: (w) => events.push(`begin ${w.kind} ${w.name} parent=${w.parentSpanId ?? '-'}`),
    finish: (w, status) => events.push(`finish ${w.kind} ${w.name} ${status}`),
    fallback: (fragment, page, reason) => events.push(`fallback ${fragment} ${page} ${reason}`),
  }
  return { events, observer }
}

test('an observer given to createServer sees requests, pages, calls and fallbacks, nested in order', async (t) => {
  const root = await tempProject(t, FILES)
  const { events, observer } = recorder()
  const server = await createServer({ root, port: 0, logger: false, observer, metrics: false })
  t.after(() => server.close())
  const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const api = await fetch(`${server.url}/api/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: parent },
    body: '{"city":"Leeds"}',
  })
  assert.deepEqual(await api.json(), { lat: 5 })
  assert.deepEqual(events.splice(0), [
    'begin request POST /api/weather parent=00f067aa0ba902b7',
    'start weather by http under request:POST /api/weather',
    'start geo by weather under call:weather',
    'end geo',
    'end weather',
    'finish request POST /api/weather 200',
  ])
  const page = await fetch(`${server.url}/`)
  assert.match(await page.text(), /<p>Leeds<\/p>/)
  assert.equal(events[0], 'begin request GET / parent=-')
  assert.equal(events[1], 'begin page / parent=-')
  assert.ok(events.includes('start frag/box by page under page:/'), events.join('\n'))
  assert.ok(events.includes('end frag/broken failed'), events.join('\n'))
  assert.ok(
    events.some((e) => e.startsWith('fallback frag/broken pages/index.html')),
    events.join('\n'),
  )
  const pageFinish = events.indexOf('finish page / 200')
  assert.ok(pageFinish > events.indexOf('end frag/box'), 'the page finishes after its fragments')
  assert.equal(events.at(-1), 'finish request GET / 200')
})
