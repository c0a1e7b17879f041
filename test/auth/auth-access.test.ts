import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { createServer, type NanoServer, type User } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

const ANN = 'key-ann-0123456789abcdef'
const BOB = 'key-bob-0123456789abcdef'
const CAROL = 'key-carol-0123456789abcd'
const KEYS = {
  [ANN]: { id: 'ann', roles: ['editor'] },
  [BOB]: { id: 'bob' },
  [`sha256:${createHash('sha256').update(CAROL).digest('hex')}`]: { id: 'carol', roles: ['admin'] },
}

const frag = (body: string): string =>
  `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`

const FILES = {
  'api-keys.json': JSON.stringify(KEYS),
  'services/drafts/list.ts': svc(`access: 'user', idempotent: true, input: z.object({}), output: z.string(),
    run: (_, ctx) => 'drafts of ' + ctx.request.user.id,`),
  'services/drafts/edit.ts':
    svc(`access: { roles: ['editor'] }, input: z.object({ id: z.string() }), output: z.string(),
    run: ({ id }, ctx) => 'edited ' + id + ' by ' + (ctx.request.user?.id ?? 'in-process'),`),
  'services/drafts/own.ts': svc(`access: (user, input) => user !== null && user.id === input.owner,
    input: z.object({ owner: z.string().default('nobody') }), output: z.string(), run: ({ owner }) => 'own ' + owner,`),
  'services/drafts/later.ts':
    svc(`access: async (user) => { await new Promise((r) => setTimeout(r, 5)); return user?.roles.includes('editor') === true },
    input: z.object({}), output: z.string(), run: () => 'later',`),
  'services/drafts/cached.ts':
    svc(`access: 'user', idempotent: true, cache: { ttl: '1m' }, input: z.object({}), output: z.string(),
    run: () => 'secret ' + (globalThis.cachedRuns = (globalThis.cachedRuns ?? 0) + 1),`),
  'services/drafts/summary.ts': svc(`uses: ['drafts/edit'], input: z.object({}), output: z.string(),
    run: async (_, ctx) => 'summary: ' + (await ctx.call('drafts/edit', { id: 's1' })),`),
  'services/frag/private.ts': frag(`access: 'user', input: z.object({}),
    render: (_, ctx) => html\`<p class="private">hello \${ctx.request.user.id}</p>\`,`),
  'services/frag/editors.ts': frag(
    `access: { roles: ['editor'] }, input: z.object({}), render: () => html\`<p class="editors">for editors</p>\`,`,
  ),
  'services/frag/public.ts': frag(`input: z.object({}), render: () => html\`<p class="public">for all</p>\`,`),
  'services/frag/ticker.ts': frag(
    `access: 'user', live: { on: 'ticks' }, input: z.object({}), render: () => html\`<p class="ticker">tick</p>\`,`,
  ),
  'pages/home.html': `<html><head></head><body>
<nano-fragment src="frag/private">please sign in</nano-fragment>
<nano-fragment src="frag/editors">editors only</nano-fragment>
<nano-fragment src="frag/public"></nano-fragment>
<nano-fragment src="frag/ticker">no ticker</nano-fragment>
</body></html>`,
  'pages/mine.html': `<html><head></head><body><nano-fragment src="frag/private" primary>sign in first</nano-fragment></body></html>`,
  'pages/desk.ts': `import { page } from '@nanoweb/core'
export default page({ access: { roles: ['editor'] }, template: '<html><body><h1>desk</h1></body></html>' })
`,
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, auth: { apiKeys: 'api-keys.json' } })
  t.after(() => server.close())
  return server
}

const as = (key: string): Record<string, string> => ({ 'x-api-key': key })
const codeOf = (body: unknown): string | undefined => (body as { error?: { code: string } }).error?.code

test('API keys: X-API-Key or Authorization: Bearer; a hashed entry works; an unknown key is 401 invalid_token', async (t) => {
  const server = await start(t)
  assert.equal((await post(`${server.url}/api/drafts/list`, {}, as(ANN))).body, 'drafts of ann')
  assert.equal(
    (await post(`${server.url}/api/drafts/list`, {}, { authorization: `Bearer ${BOB}` })).body,
    'drafts of bob',
  )
  assert.equal((await post(`${server.url}/api/drafts/list`, {}, as(CAROL))).body, 'drafts of carol')
  const unknown = await post(`${server.url}/api/drafts/list`, {}, as('key-nobody-0123456789ab'))
  assert.equal(unknown.status, 401)
  assert.equal(codeOf(unknown.body), 'NANO_E_UNAUTHENTICATED')
  assert.match(unknown.headers.get('www-authenticate') ?? '', /error="invalid_token".*API key is not known/)
  const hashed = await post(
    `${server.url}/api/drafts/list`,
    {},
    as(`sha256:${createHash('sha256').update(CAROL).digest('hex')}`),
  )
  assert.equal(hashed.status, 401, 'the digest in the file is not itself a key')
})

test("access on /api: 'user', roles, a function of the validated input, an async function", async (t) => {
  const server = await start(t)
  const anonymous = await request(`${server.url}/api/drafts/list`)
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
  assert.equal((await request(`${server.url}/api/drafts/list`, { headers: as(ANN) })).body, 'drafts of ann')
  const bobEdits = await post(`${server.url}/api/drafts/edit`, { id: 'd1' }, as(BOB))
  assert.equal(bobEdits.status, 403)
  assert.equal(codeOf(bobEdits.body), 'NANO_E_FORBIDDEN')
  assert.equal(bobEdits.headers.get('www-authenticate'), null)
  assert.match(JSON.stringify(bobEdits.body), /'bob' may not use 'drafts\/edit'/)
  assert.equal((await post(`${server.url}/api/drafts/edit`, { id: 'd1' }, as(ANN))).body, 'edited d1 by ann')
  assert.equal((await post(`${server.url}/api/drafts/edit`, { id: 'd1' })).status, 401)
  assert.equal((await post(`${server.url}/api/drafts/own`, { owner: 'bob' }, as(BOB))).body, 'own bob')
  assert.equal((await post(`${server.url}/api/drafts/own`, { owner: 'ann' }, as(BOB))).status, 403)
  assert.equal((await post(`${server.url}/api/drafts/own`, {}, as(BOB))).status, 403, 'the rule sees the default')
  assert.equal((await post(`${server.url}/api/drafts/own`, { owner: 'bob' })).status, 401)
  const bad = await post(`${server.url}/api/drafts/own`, { owner: 7 }, as(BOB))
  assert.equal(bad.status, 400, 'input is validated before the rule runs')
  assert.equal((await post(`${server.url}/api/drafts/later`, {}, as(ANN))).body, 'later')
  assert.equal((await post(`${server.url}/api/drafts/later`, {}, as(BOB))).status, 403)
})

test('a cached result of a guarded service is never served to a caller the rule refuses', async (t) => {
  const server = await start(t)
  const first = await post(`${server.url}/api/drafts/cached`, {}, as(ANN))
  assert.equal(first.status, 200)
  const anonymous = await post(`${server.url}/api/drafts/cached`, {})
  assert.equal(anonymous.status, 401)
  assert.doesNotMatch(anonymous.text, /secret/)
  assert.equal((await post(`${server.url}/api/drafts/cached`, {}, as(BOB))).body, first.body, 'still cached')
  const viaGet = await request(`${server.url}/api/drafts/cached`, { headers: as(BOB) })
  assert.equal(viaGet.status, 200)
  assert.match(viaGet.headers.get('cache-control') ?? '', /^private, max-age=60/, 'no shared cache keeps it')
})

test('ctx.call on behalf of a request checks the callee: 403/401 surface as such; rt.call without a request is trusted', async (t) => {
  const server = await start(t)
  assert.equal((await post(`${server.url}/api/drafts/summary`, {}, as(ANN))).body, 'summary: edited s1 by ann')
  const bob = await post(`${server.url}/api/drafts/summary`, {}, as(BOB))
  assert.equal(bob.status, 403)
  assert.equal(codeOf(bob.body), 'NANO_E_FORBIDDEN')
  const nobody = await post(`${server.url}/api/drafts/summary`, {})
  assert.equal(nobody.status, 401)
  assert.equal(nobody.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
  const rt = server.runtime
  assert.equal(await rt.call('drafts/summary', {}), 'summary: edited s1 by in-process')
  const bobUser: User = { id: 'bob', roles: [], claims: {} }
  await assert.rejects(rt.call('drafts/edit', { id: 'x' }, { request: { user: bobUser } }), {
    code: 'NANO_E_FORBIDDEN',
  })
  await assert.rejects(rt.call('drafts/summary', {}, { request: {} }), { code: 'NANO_E_UNAUTHENTICATED' })
})

test('a page shows the fallback of a fragment the viewer may not see, and the rest', async (t) => {
  const server = await start(t)
  const anonymous = await request(`${server.url}/home`)
  assert.equal(anonymous.status, 200)
  assert.match(anonymous.text, /please sign in/)
  assert.match(anonymous.text, /editors only/)
  assert.match(anonymous.text, /<p class="public">for all<\/p>/)
  assert.doesNotMatch(anonymous.text, /class="private"|class="editors"/)
  const bob = await request(`${server.url}/home`, { headers: as(BOB) })
  assert.match(bob.text, /<p class="private">hello bob<\/p>/)
  assert.match(bob.text, /editors only/)
  assert.doesNotMatch(bob.text, /class="editors"/)
  const ann = await request(`${server.url}/home`, { headers: as(ANN) })
  assert.match(ann.text, /<p class="editors">for editors<\/p>/)
  assert.match(ann.text, /<p class="ticker">tick<\/p>/)
  assert.doesNotMatch(ann.text, /data-nano-live/, 'a guarded fragment is not streamed live to anyone')
})

test('a primary fragment the viewer may not see makes the page 401; page({ access }) answers 401/403 pages', async (t) => {
  const server = await start(t)
  const mine = await request(`${server.url}/mine`)
  assert.equal(mine.status, 401)
  assert.equal(mine.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
  assert.match(mine.text, /sign in first/)
  assert.equal((await request(`${server.url}/mine`, { headers: as(BOB) })).status, 200)
  const desk = await request(`${server.url}/desk`)
  assert.equal(desk.status, 401)
  assert.match(desk.headers.get('content-type') ?? '', /text\/html/)
  assert.match(desk.text, /NANO_E_UNAUTHENTICATED/)
  assert.equal(desk.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
  const bobDesk = await request(`${server.url}/desk`, { headers: as(BOB) })
  assert.equal(bobDesk.status, 403)
  assert.match(bobDesk.text, /NANO_E_FORBIDDEN/)
  const annDesk = await request(`${server.url}/desk`, { headers: as(ANN) })
  assert.equal(annDesk.status, 200)
  assert.match(annDesk.text, /<h1>desk<\/h1>/)
  const badKey = await request(`${server.url}/desk`, { headers: as('key-nobody-0123456789ab') })
  assert.equal(badKey.status, 401)
  assert.match(badKey.headers.get('www-authenticate') ?? '', /invalid_token/)
})

test('the auth function form: its user is ctx.request.user; what it throws as NanoError is answered', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    auth: async (req) => {
      const name = req.header('X-Demo-User')
      if (name === 'mallory')
        throw new (await import('../../src/index.ts')).NanoError('NANO_E_UNAUTHENTICATED', 'banned')
      return name === undefined ? null : { id: name, roles: name === 'ann' ? ['editor'] : [], claims: {} }
    },
  })
  t.after(() => server.close())
  assert.equal(
    (await post(`${server.url}/api/drafts/edit`, { id: 'f' }, { 'x-demo-user': 'ann' })).body,
    'edited f by ann',
  )
  assert.equal((await post(`${server.url}/api/drafts/edit`, { id: 'f' }, { 'x-demo-user': 'bob' })).status, 403)
  assert.equal((await post(`${server.url}/api/drafts/edit`, { id: 'f' })).status, 401)
  const banned = await post(`${server.url}/api/drafts/list`, {}, { 'x-demo-user': 'mallory' })
  assert.equal(banned.status, 401)
  assert.equal(codeOf(banned.body), 'NANO_E_UNAUTHENTICATED')
})
