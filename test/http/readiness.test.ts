import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const slowFragment = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
await new Promise((r) => setTimeout(r, 300))
export default fragment({ input: z.object({}), render: () => html\`<p>slow to load</p>\` })
`

test('/_nano/ready answers 503 until every page is loaded, then 200; /_nano/health is 200 throughout', async (t) => {
  const root = await tempProject(t, {
    'services/f/slow.ts': slowFragment,
    'pages/index.html': '<html><body><nano-fragment src="f/slow"></nano-fragment></body></html>',
  })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const early = await request(`${server.url}/_nano/ready`)
  assert.equal(early.status, 503)
  assert.deepEqual(early.body, { ready: false })
  assert.equal((await request(`${server.url}/_nano/health`)).status, 200)
  const ready = await until(async () => {
    const r = await request(`${server.url}/_nano/ready`)
    return r.status === 200 ? r : undefined
  }, '/_nano/ready to answer 200')
  assert.deepEqual(ready.body, { ready: true })
  assert.notEqual(server.runtime.loaded('f/slow'), undefined, 'the page fragment was loaded by warm-up')
})

test("warm: false reports ready at once and loads nothing ahead; warm: 'all' loads every service", async (t) => {
  const root = await tempProject(t, {
    'services/a.ts': svc(`input: z.object({}), output: z.string(), run: () => 'a',`),
    'pages/index.html': '<html><body>no fragments</body></html>',
  })
  const lazy = await createServer({ root, port: 0, logger: false, warm: false })
  t.after(() => lazy.close())
  assert.equal((await request(`${lazy.url}/_nano/ready`)).status, 200)
  assert.equal(lazy.runtime.loaded('a'), undefined)
  const eager = await createServer({ root, port: 0, logger: false, warm: 'all' })
  t.after(() => eager.close())
  await until(() => ((eager.app as { ready: boolean }).ready ? true : undefined), 'warm-up done')
  assert.notEqual(eager.runtime.loaded('a'), undefined)
})

test('one service file that does not compile never takes down the catalog or OpenAPI', async (t) => {
  const root = await tempProject(t, {
    'services/ok.ts': svc(`input: z.object({}), output: z.string(), run: () => 'ok',`),
    'services/broken.ts': 'export default service({ input: \n',
  })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const catalog = await request(`${server.url}/_nano/catalog`)
  assert.equal(catalog.status, 200)
  const body = catalog.body as {
    services: { name: string }[]
    broken: { name: string; file: string; error: { code: string; message: string } }[]
  }
  assert.deepEqual(
    body.services.map((s) => s.name),
    ['ok'],
  )
  assert.equal(body.broken[0]?.name, 'broken')
  assert.equal(body.broken[0]?.error.code, 'NANO_E_BAD_DEFINITION')
  assert.ok(!catalog.text.includes(root), 'no absolute server path leaves the process')
  const openapi = await request(`${server.url}/_nano/openapi.json`)
  assert.equal(openapi.status, 200)
  assert.ok('/api/ok' in (openapi.body as { paths: object }).paths)
  assert.equal((await post(`${server.url}/api/ok`, {})).body, 'ok')
})

test('an unexpected error on the /api path is answered 500 NANO_E_INTERNAL and logged with its cause', async (t) => {
  const root = await tempProject(t, {
    'services/big.ts': svc(`input: z.object({}), output: z.unknown(), run: () => ({ n: 10n }),`),
  })
  const { records, sink } = collectLogs()
  const server = await createServer({ root, port: 0, logger: sink })
  t.after(() => server.close())
  const r = await post(`${server.url}/api/big`, {})
  assert.equal(r.status, 500)
  assert.equal((r.body as { error: { code: string } }).error.code, 'NANO_E_INTERNAL')
  assert.doesNotMatch(r.text, /BigInt/, 'the cause stays inside')
  const logged = records.find((rec) => rec.message === 'request failed')
  assert.ok(logged, 'logged')
  assert.match(String((logged.error as Error).message), /BigInt/)
  assert.match(String(logged.traceId), /^[0-9a-f]{32}$/)
})
