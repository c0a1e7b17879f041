import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, InProcessTransport, type User } from '../../src/index.ts'
import { startNats } from '../cluster/nats-server.ts'
import { post } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const ANN = 'key-ann-0123456789abcdef'
const BOB = 'key-bob-0123456789abcdef'

test('across nodes: the user travels with the call, the serving node checks it, refusals surface as 401/403', async (t) => {
  const transport = new InProcessTransport()
  const serving = await tempProject(t, {
    'services/drafts/edit.ts':
      svc(`access: { roles: ['editor'] }, input: z.object({ id: z.string() }), output: z.string(),
      run: ({ id }, ctx) => 'edited ' + id + ' by ' + ctx.request.user.id,`),
  })
  const gateway = await tempProject(t, {
    'api-keys.json': JSON.stringify({ [ANN]: { id: 'ann', roles: ['editor'] }, [BOB]: { id: 'bob' } }),
    'services/drafts/summary.ts': svc(`uses: ['drafts/edit'], input: z.object({}), output: z.string(),
      run: async (_, ctx) => 'summary: ' + (await ctx.call('drafts/edit', { id: 's1' })),`),
  })
  const node = createRuntime({ root: serving, transport, logger: false })
  t.after(() => node.close())
  const server = await createServer({
    runtime: createRuntime({ root: gateway, transport, logger: false }),
    port: 0,
    logger: false,
    auth: { apiKeys: 'api-keys.json' },
  })
  t.after(() => server.close())
  const ann = await post(`${server.url}/api/drafts/summary`, {}, { 'x-api-key': ANN })
  assert.equal(ann.body, 'summary: edited s1 by ann')
  const bob = await post(`${server.url}/api/drafts/summary`, {}, { 'x-api-key': BOB })
  assert.equal(bob.status, 403)
  assert.equal((bob.body as { error: { code: string } }).error.code, 'NANO_E_FORBIDDEN')
  const nobody = await post(`${server.url}/api/drafts/summary`, {})
  assert.equal(nobody.status, 401)
  const rt = server.runtime
  const annUser: User = { id: 'ann', roles: ['editor'], claims: {} }
  assert.equal(await rt.call('drafts/edit', { id: 'x' }, { request: { user: annUser } }), 'edited x by ann')
  await assert.rejects(
    rt.call('drafts/edit', { id: 'x' }),
    { code: 'NANO_E_UNAUTHENTICATED' },
    'trusted only in-process',
  )
})

test('over NATS: a gateway forwards the signed-in user; the node that runs the service checks it', {
  timeout: 90_000,
}, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, {
    'api-keys.json': JSON.stringify({ [ANN]: { id: 'ann', roles: ['editor'] }, [BOB]: { id: 'bob' } }),
    'services/drafts/edit.ts':
      svc(`access: { roles: ['editor'] }, input: z.object({ id: z.string() }), output: z.string(),
      run: ({ id }, ctx) => 'edited ' + id + ' by ' + ctx.request.user.id,`),
    'services/pub/summary.ts': svc(`uses: ['drafts/edit'], input: z.object({}), output: z.string(),
      run: async (_, ctx) => 'summary: ' + (await ctx.call('drafts/edit', { id: 's1' })),`),
  })
  const node = createRuntime({ root, nats: { servers: nats.url }, services: ['drafts/**'], logger: false })
  nats.after(() => node.close())
  await node.warm()
  const gateway = createServer({
    root,
    port: 0,
    logger: false,
    nats: { servers: nats.url },
    services: ['pub/**'],
    auth: { apiKeys: 'api-keys.json' },
  })
  nats.after(() => gateway.close())
  await gateway
  const ann = await until(
    async () => {
      const answer = await post(`${gateway.url}/api/pub/summary`, {}, { 'x-api-key': ANN })
      return answer.status === 200 ? answer : undefined
    },
    'the gateway reaches drafts/edit over NATS',
    30_000,
  )
  assert.equal(ann.body, 'summary: edited s1 by ann')
  const direct = await post(`${gateway.url}/api/drafts/edit`, { id: 'd' }, { authorization: `Bearer ${ANN}` })
  assert.equal(direct.body, 'edited d by ann')
  const bob = await post(`${gateway.url}/api/pub/summary`, {}, { 'x-api-key': BOB })
  assert.equal(bob.status, 403)
  assert.equal((bob.body as { error: { code: string } }).error.code, 'NANO_E_FORBIDDEN')
  assert.equal((await post(`${gateway.url}/api/drafts/edit`, { id: 'd' }, { 'x-api-key': BOB })).status, 403)
  const nobody = await post(`${gateway.url}/api/drafts/edit`, { id: 'd' })
  assert.equal(nobody.status, 401)
  assert.equal(nobody.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
})
