import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator'
import { configProblems } from '../../src/cli/config-schema.ts'
import { adminGuard, isAdminRoute } from '../../src/http/auth/admin.ts'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

const ADMIN = 'key-admin-0123456789abcd'
const BOB = 'key-bob-0123456789abcdef'

const FILES = {
  'api-keys.json': JSON.stringify({ [ADMIN]: { id: 'root', roles: ['admin'] }, [BOB]: { id: 'bob', roles: ['ops'] } }),
  'services/news/list.ts': svc(`idempotent: true, input: z.object({}), output: z.array(z.string()), run: () => ['a'],`),
  'services/news/draft.ts': svc(
    `access: { roles: ['editor'] }, input: z.object({ id: z.string() }), output: z.string(), run: ({ id }) => id,`,
  ),
  'services/payroll/ledger.ts': svc(`visibility: 'internal', input: z.object({ salaryBandSecret: z.string() }),
    output: z.object({ payrollTotalSecret: z.number() }), run: () => ({ payrollTotalSecret: 1 }),`),
}

async function start(t: import('node:test').TestContext, options: Record<string, unknown>): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, auth: { apiKeys: 'api-keys.json' }, ...options })
  t.after(() => server.close())
  return server
}

const as = (key: string) => ({ headers: { 'x-api-key': key } })

test('in production, catalog and OpenAPI need the admin rule; health, ready, live script and assets stay public', async (t) => {
  const server = await start(t, { production: true })
  const anonymous = await request(`${server.url}/_nano/catalog`)
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
  assert.equal((await request(`${server.url}/_nano/openapi.json`)).status, 401)
  const bob = await request(`${server.url}/_nano/catalog`, as(BOB))
  assert.equal(bob.status, 403)
  assert.equal((bob.body as { error: { code: string } }).error.code, 'NANO_E_FORBIDDEN')
  const admin = await request(`${server.url}/_nano/catalog`, as(ADMIN))
  assert.equal(admin.status, 200)
  assert.ok(Array.isArray((admin.body as { services: unknown[] }).services))
  assert.equal((await request(`${server.url}/_nano/openapi.json`, as(ADMIN))).status, 200)
  assert.equal((await request(`${server.url}/_nano/health`)).status, 200)
  assert.notEqual((await request(`${server.url}/_nano/ready`)).status, 401)
  assert.equal((await request(`${server.url}/_nano/live.js`)).status, 200)
  assert.equal((await request(`${server.url}/_nano/nothing-here`)).status, 404)
})

test('a custom admin rule; outside production the admin routes are open', async (t) => {
  const ops = await start(t, { production: true, admin: { roles: ['ops'] } })
  assert.equal((await request(`${ops.url}/_nano/catalog`, as(BOB))).status, 200)
  assert.equal((await request(`${ops.url}/_nano/catalog`, as(ADMIN))).status, 403)
  const dev = await start(t, { production: false })
  assert.equal((await request(`${dev.url}/_nano/catalog`)).status, 200)
})

test('production follows NODE_ENV unless the option says otherwise; routes that stay public', () => {
  const before = process.env.NODE_ENV
  try {
    process.env.NODE_ENV = 'production'
    assert.notEqual(adminGuard({}), undefined)
    assert.equal(adminGuard({ production: false }), undefined)
    process.env.NODE_ENV = 'development'
    assert.equal(adminGuard({}), undefined)
  } finally {
    if (before === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = before
  }
  assert.throws(() => adminGuard({ production: true, admin: 'root' as never }), /`access` must be/)
  for (const path of ['/_nano/catalog', '/_nano/openapi.json', '/_nano/metrics', '/_nano/dashboard'])
    assert.equal(isAdminRoute(path), true, path)
  for (const path of ['/_nano/health', '/_nano/ready', '/_nano/live', '/_nano/live.js', '/_nano/assets/a/b.css'])
    assert.equal(isAdminRoute(path), false, path)
})

test('the OpenAPI document leaves internal services and their schemas out, and marks guarded operations', async (t) => {
  const server = await start(t, {})
  const answer = await request(`${server.url}/_nano/openapi.json`)
  assert.equal(answer.status, 200)
  assert.doesNotMatch(answer.text, /payroll|salaryBandSecret|payrollTotalSecret/)
  const doc = answer.body as {
    paths: Record<string, { post: { security?: unknown; responses: Record<string, unknown> } }>
    components: { securitySchemes?: Record<string, unknown> }
  }
  const result = await new OpenApiValidator().validate(doc as never)
  assert.equal(result.valid, true, JSON.stringify(result.errors))
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/api/news/draft', '/api/news/list'])
  assert.deepEqual(doc.paths['/api/news/draft']?.post.security, [{ bearer: [] }, { apiKey: [] }])
  assert.ok(doc.paths['/api/news/draft']?.post.responses['403'])
  assert.equal(doc.paths['/api/news/list']?.post.security, undefined)
  assert.ok(doc.components.securitySchemes?.bearer)
  const catalog = (await request(`${server.url}/_nano/catalog`)).body as {
    services: { name: string; access?: unknown }[]
  }
  assert.deepEqual(catalog.services.find((s) => s.name === 'news/draft')?.access, { roles: ['editor'] })
})

test('config: auth, admin and production are checked with messages that say what to fix', () => {
  assert.deepEqual(configProblems({ auth: { jwt: { jwks: './jwks.json', issuer: 'x', audience: ['a', 'b'] } } }), [])
  assert.deepEqual(configProblems({ auth: { apiKeys: './keys.json' }, admin: 'user', production: true }), [])
  assert.deepEqual(configProblems({ auth: () => null, admin: () => true }), [])
  assert.ok(
    configProblems({ auth: { jwt: { secret: 'short' } } }).includes(
      'auth.jwt.secret must be a shared secret of at least 32 characters (got "short")',
    ),
  )
  assert.ok(configProblems({ admin: 'root' }).some((p) => p.startsWith('admin must be an access rule')))
  assert.ok(configProblems({ production: 'yes' }).includes('production must be true or false (got "yes")'))
  assert.ok(configProblems({ auth: {} }).some((p) => p.startsWith('auth must be')))
})

test('bad auth options fail at start', async (t) => {
  const root = await tempProject(t, { ...FILES, 'short-keys.json': '{"abc":{"id":"x"}}', 'bad.json': '[1' })
  const make = (auth: unknown) => () => createServer({ root, logger: false, auth: auth as never })
  assert.throws(make({}), /auth must be/)
  assert.throws(make({ apiKeys: 'missing.json' }), /not a readable JSON file/)
  assert.throws(make({ apiKeys: 'bad.json' }), /not a readable JSON file/)
  assert.throws(make({ apiKeys: 'short-keys.json' }), /at least 16 characters/)
})
