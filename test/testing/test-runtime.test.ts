import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { isNanoError } from '../../src/define/errors.ts'
import { html } from '../../src/index.ts'
import { type RecordedCall, testRuntime } from '../../src/testing/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

const LOOKUP = svc(
  `input: z.object({ city: z.string().min(1) }),
  output: z.object({ lat: z.number(), lon: z.number() }),
  run() { throw new Error('the real places/locate ran') },`,
)

const CURRENT = svc(`input: z.object({ city: z.string() }),
  output: z.object({ city: z.string(), lat: z.number(), lon: z.number(), tempC: z.number() }),
  uses: ['places/locate'],
  async run({ city }, ctx) {
    const { lat, lon } = await ctx.call('places/locate', { city })
    return { city, lat, lon, tempC: Math.round(lat + lon) }
  },`)

const CARD = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ city: z.string() }),
  uses: ['climate/now'],
  async render({ city }, ctx) {
    const w = await ctx.call('climate/now', { city })
    return html\`<div class="weather">\${w.city}: \${w.tempC}°C at \${w.lat},\${w.lon}</div>\`
  },
})
`

const BANNER = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({ input: z.object({ text: z.string() }), render: ({ text }) => html\`<p class="banner">\${text}</p>\` })
`

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weather</title></head>
<body>
<nano-fragment src="cards/banner" text="Today"><p>no banner</p></nano-fragment>
<nano-fragment src="cards/climate" city="Leeds"><p>weather unavailable</p></nano-fragment>
</body></html>
`

async function project(t: TestContext, extra: Record<string, string> = {}): Promise<string> {
  return tempProject(t, {
    'services/places/locate.ts': LOOKUP,
    'services/climate/now.ts': CURRENT,
    'services/cards/climate.ts': CARD,
    'services/cards/banner.ts': BANNER,
    'pages/index.html': PAGE,
    ...extra,
  })
}

/** The code of a recorded call's error, if it failed with one. */
function codeOf(call: RecordedCall | undefined): string | undefined {
  return (call?.error as { code?: string } | undefined)?.code
}

const fakeLookup = ({ city }: { city: string }) => ({ lat: city.length, lon: 2 })

test('a fake replaces a dependency: the caller runs for real, the real dependency never runs', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': fakeLookup } })
  assert.deepEqual(await rt.call('climate/now', { city: 'Leeds' }), { city: 'Leeds', lat: 5, lon: 2, tempC: 7 })
  assert.deepEqual(await rt.call('places/locate', { city: 'York' }), { lat: 4, lon: 2 })
  assert.deepEqual(
    rt.calls('places/locate').map((c) => c.output),
    [
      { lat: 5, lon: 2 },
      { lat: 4, lon: 2 },
    ],
  )
})

test('without the fake the real dependency runs (the project is honest about it)', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root })
  await assert.rejects(rt.call('places/locate', { city: 'Leeds' }), (error: unknown) => {
    assert.ok(isNanoError(error))
    assert.equal(error.code, 'NANO_E_SERVICE_FAILED')
    return true
  })
  const cause = (rt.calls('places/locate')[0]?.error as { cause?: unknown } | undefined)?.cause
  assert.match(String(cause), /the real places\/locate ran/)
})

test("a fake's input is checked by the real schema: bad input never reaches it", async (t) => {
  const root = await project(t, {
    'services/climate/careless.ts': svc(`input: z.object({}), output: z.object({ code: z.string() }),
  uses: ['places/locate'],
  async run(_, ctx) {
    try { await ctx.call('places/locate', { city: '' }); return { code: 'none' } } catch (e) { return { code: e.code } }
  },`),
  })
  const seen: unknown[] = []
  await using rt = await testRuntime({
    root,
    fakes: {
      'places/locate': (input) => {
        seen.push(input)
        return fakeLookup(input)
      },
    },
  })
  assert.deepEqual(await rt.call('climate/careless', {}), { code: 'NANO_E_INVALID_INPUT' })
  await assert.rejects(rt.call('places/locate', { city: 42 } as never), { code: 'NANO_E_INVALID_INPUT' })
  assert.deepEqual(seen, [], 'the fake never ran')
  const [nested, direct] = rt.calls('places/locate')
  assert.equal(nested?.caller, 'climate/careless')
  assert.equal(codeOf(nested), 'NANO_E_INVALID_INPUT')
  assert.equal(direct?.caller, 'test')
})

test("a fake's output is checked by the real schema: a wrong shape fails with NANO_E_INVALID_OUTPUT naming the fake", async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': () => ({ lat: 'north', lon: 2 }) } })
  await assert.rejects(rt.call('places/locate', { city: 'Leeds' }), (error: unknown) => {
    assert.ok(isNanoError(error))
    assert.equal(error.code, 'NANO_E_INVALID_OUTPUT')
    assert.match(error.message, /fake of 'places\/locate'/)
    assert.match(error.message, /lat: /)
    assert.deepEqual(error.issues?.[0]?.path, ['lat'])
    return true
  })
  await assert.rejects(rt.call('climate/now', { city: 'Leeds' }), { code: 'NANO_E_INVALID_OUTPUT' })
})

test('calls() lists every call in order, nested ones included, with input, output, error and caller', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': fakeLookup } })
  await rt.call('climate/now', { city: 'Leeds' })
  await assert.rejects(rt.call('climate/now', { city: 1 } as never))
  assert.deepEqual(rt.calls(), [
    {
      service: 'climate/now',
      caller: 'test',
      input: { city: 'Leeds' },
      output: { city: 'Leeds', lat: 5, lon: 2, tempC: 7 },
    },
    { service: 'places/locate', caller: 'climate/now', input: { city: 'Leeds' }, output: { lat: 5, lon: 2 } },
    { service: 'climate/now', caller: 'test', input: { city: 1 }, error: rt.calls()[2]?.error },
  ])
  assert.equal(codeOf(rt.calls()[2]), 'NANO_E_INVALID_INPUT')
  assert.deepEqual(
    rt.calls('places/locate').map((c) => c.input),
    [{ city: 'Leeds' }],
  )
  rt.reset()
  assert.deepEqual(rt.calls(), [])
  await rt.call('climate/now', { city: 'Ab' }, { caller: 'cron' })
  assert.deepEqual(
    rt.calls().map((c) => `${c.caller} → ${c.service}`),
    ['cron → climate/now', 'climate/now → places/locate'],
  )
})

test('render() gives the HTML of one fragment, its dependencies faked; a plain service is refused', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': fakeLookup } })
  assert.equal(
    await rt.render('cards/climate', { city: '<Leeds>' }),
    '<div class="weather">&lt;Leeds&gt;: 9°C at 7,2</div>',
  )
  await assert.rejects(rt.render('climate/now', { city: 'Leeds' }), /is a service, not a fragment/)
  await assert.rejects(rt.render('cards/climate', {}), { code: 'NANO_E_INVALID_INPUT' })
})

test('a fake of a fragment returns html (or text, escaped) as a render does', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({
    root,
    fakes: { 'cards/banner': ({ text }) => html`<b>${text}</b>`, 'cards/climate': () => '<i>' },
  })
  assert.equal(await rt.render('cards/banner', { text: 'a&b' }), '<b>a&amp;b</b>')
  assert.equal(await rt.render('cards/climate', { city: 'x' }), '&lt;i&gt;')
})

test('page() gives the whole page with its fragments rendered; each fragment call is recorded with caller page', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': fakeLookup } })
  const page = await rt.page('/')
  assert.match(page, /^<!doctype html>/i)
  assert.match(page, /<p class="banner">Today<\/p>/)
  assert.match(page, /<div class="weather">Leeds: 7°C at 5,2<\/div>/)
  assert.doesNotMatch(page, /weather unavailable|no banner|<nano-fragment/)
  assert.match(page, /<\/html>\s*$/)
  assert.deepEqual(
    rt.calls().map((c) => `${c.caller} → ${c.service}`),
    ['page → cards/banner', 'page → cards/climate', 'cards/climate → climate/now', 'climate/now → places/locate'],
  )
  await assert.rejects(rt.page('/nowhere'), (error: unknown) => {
    assert.ok(isNanoError(error))
    assert.equal(error.code, 'NANO_E_NOT_FOUND')
    assert.match(error.message, /GET \/nowhere answered 404/)
    return true
  })
})

test('a page whose fragment fails shows its fallback, and the failure is in calls()', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root })
  const page = await rt.page('/')
  assert.match(page, /<p class="banner">Today<\/p>/)
  assert.match(page, /weather unavailable/)
  const [lookup] = rt.calls('places/locate')
  assert.equal(codeOf(lookup), 'NANO_E_SERVICE_FAILED')
})

test('a fake for a name with no service fails at once, naming the near names', async (t) => {
  const root = await project(t)
  await assert.rejects(testRuntime({ root, fakes: { 'places/locat': fakeLookup } }), (error: unknown) => {
    assert.ok(isNanoError(error))
    assert.equal(error.code, 'NANO_E_NOT_FOUND')
    assert.match(error.message, /cannot fake 'places\/locat'/)
    assert.match(error.message, /Did you mean 'places\/locate'\?/)
    return true
  })
  await assert.rejects(testRuntime({ root, fakes: { 'places/locate': { lat: 1 } as never } }), /must be a function/)
})

test('fetch() answers /api requests through the real gateway, recorded with caller http; logs() keeps the log records', async (t) => {
  const root = await project(t)
  await using rt = await testRuntime({ root, fakes: { 'places/locate': fakeLookup } })
  const response = await rt.fetch('/api/climate/now', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Hull' }),
  })
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { city: 'Hull', lat: 4, lon: 2, tempC: 6 })
  assert.deepEqual(
    rt.calls().map((c) => `${c.caller} → ${c.service}`),
    ['http → climate/now', 'climate/now → places/locate'],
  )
  rt.reset()
  const plain = await testRuntime({ root })
  t.after(() => plain.close())
  await assert.rejects(plain.call('climate/now', { city: 'Hull' }), { code: 'NANO_E_SERVICE_FAILED' })
  assert.ok(
    plain.logs().some((r) => r.level === 'error' && r.service === 'places/locate' && /failed/.test(r.message)),
    JSON.stringify(plain.logs()),
  )
  await plain.close()
  await assert.rejects(plain.call('places/locate', { city: 'Hull' }), { code: 'NANO_E_CLOSED' })
})
