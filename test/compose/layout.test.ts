import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { streamGet } from '../helpers/stream.ts'

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const LAYOUT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><nano-slot name="head"><title>Site</title></nano-slot></head>
<body budget="2s">
<nano-fragment src="frag/label" text="masthead">masthead down</nano-fragment>
<nano-slot name="nav"><nav>default nav</nav></nano-slot>
<nano-slot><p>empty page</p></nano-slot>
<nano-fragment src="frag/label" text="footer">footer down</nano-fragment>
</body>
</html>
`

const FILES: Record<string, string> = {
  'services/frag/label.ts': frag(`input: z.object({ text: z.string() }), css: 'label.css',
    render: ({ text }) => html\`<p class="label">\${text}</p>\`,`),
  'services/frag/label.css': '.label { color: red }\n',
  'services/frag/slow.ts': frag(`input: z.object({ ms: z.number().int() }),
    render: async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return html\`<p class="slow">slow</p>\` },`),
  'pages/_layout.html': LAYOUT,
  'pages/index.html': '<main>\n  <h1>Home</h1>\n</main>\n',
  'pages/titled.html': `<!-- a page with parts -->
<template slot="head"><title>Titled {query.t|page}</title><meta name="description" content="d"></template>
<main>titled</main>`,
  'pages/empty.html': '\n  \n',
  'pages/slow.html': '<main><nano-fragment src="frag/slow" ms="600" defer>later</nano-fragment></main>',
  'pages/whole.html': '<!-- mine -->\n<!DOCTYPE html><html><head><title>Whole</title></head><body>whole</body></html>',
  'pages/upper.html': '  <HTML><body>upper</body></HTML>',
  'pages/story/[id].html': `<template slot="head"><title>Story {params.id}</title></template>
<main><h1>Story {params.id} for {query.who|nobody}</h1>
<nano-fragment src="frag/label" text="about {params.id}">no label</nano-fragment></main>`,
  'pages/story/ts/[id].ts': `import { page } from '@nanoweb/core'
export default page({
  budget: '500ms',
  data: ({ params }) => ({ shout: String(params.id).toUpperCase() }),
  template: '<template slot="head"><title>TS {data.shout}</title></template><main>ts {params.id} {data.shout}</main>',
})
`,
  'pages/sport/_layout.html': `<template slot="head"><nano-slot name="head"><title>Sport section</title></nano-slot><meta name="section" content="sport"></template>
<template slot="nav"><nav>sport nav</nav></template>
<section class="sport"><nano-slot></nano-slot></section>`,
  'pages/sport/index.html': '<template slot="head"><title>Sport</title></template><h1>Sport</h1>',
  'pages/sport/live/index.html': '<h1>Live</h1>',
  'pages/sport/live/[match].html': '<h1>Match {params.match}</h1>',
  'pages/admin/_layout.html': `<!doctype html><html><head><nano-slot name="head"><title>Admin</title></nano-slot></head>
<body><div class="admin"><nano-slot></nano-slot></div></body></html>`,
  'pages/admin/index.html': '<h1>Admin</h1>',
  'pages/admin/users/index.html': '<template slot="head"><title>Users</title></template><h1>Users</h1>',
  'pages/bad.html': '<template slot="sidebar"><p>nowhere</p></template><main>bad</main>',
}

async function start(t: import('node:test').TestContext, files: Record<string, string> = {}): Promise<NanoServer> {
  const root = await tempProject(t, { ...FILES, ...files })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  return server
}

const get = (server: NanoServer, path: string) => request(`http://127.0.0.1:${server.port}${path}`)

test('a page goes into the default slot of pages/_layout.html; the named slots show their fallbacks', async (t) => {
  const server = await start(t)
  const r = await get(server, '/')
  assert.equal(r.status, 200)
  assert.match(r.text, /^<!doctype html>\n<html lang="en">/)
  assert.match(r.text, /<title>Site<\/title>/)
  assert.match(r.text, /<nav>default nav<\/nav>\n<main>\n {2}<h1>Home<\/h1>\n<\/main>\n/, 'trimmed, else as written')
  assert.doesNotMatch(r.text, /empty page|nano-slot|<template/)
  assert.equal((await get(server, '/empty')).text.includes('<p>empty page</p>'), true, 'an empty page: the fallback')
})

test('named parts fill their slots, holes included; other slots keep their fallback', async (t) => {
  const server = await start(t)
  const r = await get(server, '/titled?t=%3Cyes%3E')
  assert.match(
    r.text,
    /<head><meta charset="utf-8"><title>Titled &lt;yes&gt;<\/title><meta name="description" content="d"><link /,
  )
  assert.doesNotMatch(r.text, /<title>Site/)
  assert.match(r.text, /<nav>default nav<\/nav>\n<!-- a page with parts -->\n\n<main>titled<\/main>/)
})

test('[param] pages and TypeScript pages fill holes inside slots', async (t) => {
  const server = await start(t)
  const story = await get(server, '/story/42?who=ann')
  assert.match(story.text, /<title>Story 42<\/title>/)
  assert.match(story.text, /<h1>Story 42 for ann<\/h1>/)
  assert.match(story.text, /<p class="label">about 42<\/p>/)
  const ts = await get(server, '/story/ts/abc')
  assert.match(ts.text, /<title>TS ABC<\/title>/)
  assert.match(ts.text, /<main>ts abc ABC<\/main>/)
  const budget = (path: string) => server.app.pages.match(path)?.entry.ready?.plan.budgetMs
  assert.equal(budget('/story/42'), 2000, "the layout's budget")
  assert.equal(budget('/story/ts/abc'), 500, "the TypeScript page's budget wins over the layout's")
})

test('the nearest layout wins; one that is not a whole document goes into the layout above', async (t) => {
  const server = await start(t)
  const sport = await get(server, '/sport')
  assert.match(sport.text, /^<!doctype html>/)
  assert.match(sport.text, /<head><meta charset="utf-8"><title>Sport<\/title><meta name="section" content="sport">/)
  assert.match(sport.text, /<nav>sport nav<\/nav>\n<section class="sport"><h1>Sport<\/h1><\/section>/)
  assert.doesNotMatch(sport.text, /default nav/)
  for (const [path, h1] of [
    ['/sport/live', 'Live'],
    ['/sport/live/r7', 'Match r7'],
  ] as const) {
    const r = await get(server, path)
    assert.match(r.text, /<title>Sport section<\/title><meta name="section" content="sport">/, `${path}: the fallback`)
    assert.match(r.text, new RegExp(`<section class="sport"><h1>${h1}</h1></section>`))
  }
  const admin = await get(server, '/admin')
  assert.match(admin.text, /^<!doctype html><html><head><title>Admin<\/title>/)
  assert.match(admin.text, /<div class="admin"><h1>Admin<\/h1><\/div>/)
  assert.doesNotMatch(admin.text, /masthead|Site/, 'a whole-document layout is not wrapped again')
  const users = await get(server, '/admin/users')
  assert.match(users.text, /<head><title>Users<\/title>/)
  assert.match(users.text, /<div class="admin"><h1>Users<\/h1><\/div>/)
})

test('a page that is a whole document is not wrapped', async (t) => {
  const server = await start(t)
  const whole = await get(server, '/whole')
  assert.equal(whole.text.startsWith('<!-- mine -->\n<!DOCTYPE html><html><head><title>Whole</title>'), true)
  assert.doesNotMatch(whole.text, /masthead|Site/)
  const upper = await get(server, '/upper')
  assert.match(upper.text, /^ {2}<HTML><body>upper/)
  assert.doesNotMatch(upper.text, /masthead/)
  assert.equal(server.app.pages.match('/_layout'), undefined, 'a layout is not a page')
})

test("the layout's fragments render, link their CSS once and stream around the page's", async (t) => {
  const server = await start(t)
  const r = await streamGet(server.port, '/slow')
  assert.equal(r.status, 200)
  assert.equal((r.body.match(/href="\/_nano\/assets\/frag\/label\.css"/g) ?? []).length, 1)
  const slowAt = r.arrivals.findIndex((a) => a.text.includes('class="slow"'))
  assert.ok(slowAt > 0, 'the slow fragment came later')
  const early = r.arrivals
    .slice(0, slowAt)
    .map((a) => a.text)
    .join('')
  assert.match(early, /<p class="label">masthead<\/p>/)
  assert.match(
    early,
    /<main><div id="nano-d1" data-nano-defer>later<\/div><\/main>/,
    'slots numbered over the document',
  )
  assert.match(early, /<p class="label">footer<\/p>/)
  assert.match(
    r.body,
    /<div id="nano-t1" data-nano-late><p class="slow">slow<\/p><\/div><script nonce="[\w-]+">nanoSwap\(1\)/,
  )
})

test('a part the layout has no slot for fails the page with NANO_E_BAD_DEFINITION naming the file', async (t) => {
  const server = await start(t)
  const r = await get(server, '/bad')
  assert.equal(r.status, 500)
  const found = server.app.pages.match('/bad')
  assert.ok(found)
  await assert.rejects(server.app.pages.compile(found.entry), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'NANO_E_BAD_DEFINITION')
    assert.match(error.message, /^pages\/bad\.html: <template slot="sidebar"> has no <nano-slot name="sidebar">/)
    assert.match(error.message, /pages\/_layout\.html/)
    return true
  })
  assert.equal((await get(server, '/')).status, 200, 'the other pages still work')
})

test('a broken layout fails its pages with NANO_E_BAD_DEFINITION naming the layout', async (t) => {
  const server = await start(t, {
    'pages/_layout.html':
      '<template slot="top"><nano-slot name="head"></nano-slot></template><div><nano-slot></nano-slot></div>',
    'pages/sport/_layout.html': '<section>no slot for the page</section>',
  })
  const reason = async (path: string): Promise<string> => {
    const found = server.app.pages.match(path)
    assert.ok(found)
    const error = await server.app.pages.compile(found.entry).then(
      () => assert.fail(`${path} compiled`),
      (e: Error & { code?: string }) => e,
    )
    assert.equal(error.code, 'NANO_E_BAD_DEFINITION')
    return error.message
  }
  assert.match(await reason('/'), /^pages\/_layout\.html: <template slot="top"> has no layout above it$/)
  assert.match(await reason('/sport'), /^pages\/sport\/_layout\.html: a layout needs one <nano-slot><\/nano-slot>/)
  assert.equal((await get(server, '/whole')).status, 200)
})

test('dev reload: a changed _layout.html shows on the next request', async (t) => {
  const server = await start(t)
  assert.match((await get(server, '/story/7')).text, /<title>Story 7<\/title>/)
  const root = server.runtime.root
  await writeFile(join(root, 'pages/_layout.html'), LAYOUT.replace('<body budget="2s">', '<body><p>new layout</p>'))
  server.app.pages.reload()
  const after = await get(server, '/story/7')
  assert.match(after.text, /<body><p>new layout<\/p>/)
  assert.match(after.text, /<h1>Story 7 for nobody<\/h1>/)
  assert.equal(server.app.pages.match('/story/7')?.entry.ready?.plan.budgetMs, undefined, 'the budget went with it')
  await writeFile(
    join(root, 'pages/story/_layout.html'),
    '<template slot="head"><nano-slot name="head"></nano-slot></template><article><nano-slot></nano-slot></article>',
  )
  server.app.pages.reload()
  assert.match((await get(server, '/story/7')).text, /<article><main><h1>Story 7/, 'a new layout is found')
})
