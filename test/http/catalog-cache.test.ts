import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer } from '../../src/index.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'
import { raw } from './raw.ts'

const one = svc(`input: z.object({}), output: z.string(), run: () => 'a',`)

test('the catalog and the OpenAPI document are built once per change of the runtime', async (t) => {
  const root = await tempProject(t, { 'services/a.ts': one, 'services/b.ts': one })
  const runtime = createRuntime({ root, logger: false })
  let builds = 0
  const catalog = runtime.catalog.bind(runtime)
  runtime.catalog = () => {
    builds += 1
    return catalog()
  }
  const server = await createServer({ runtime, port: 0 })
  t.after(() => server.close())
  const names = async (path: string, encoding = 'identity'): Promise<string[]> => {
    const answer = await raw(`${server.url}${path}`, { headers: { 'accept-encoding': encoding } })
    assert.equal(answer.status, 200)
    const body = JSON.parse(answer.text) as { services?: { name: string }[]; paths?: Record<string, unknown> }
    return body.services?.map((s) => s.name) ?? Object.keys(body.paths ?? {})
  }
  const first = await Promise.all(Array.from({ length: 5 }, () => names('/_nano/catalog')))
  for (const list of first) assert.deepEqual(list, ['a', 'b'])
  for (let i = 0; i < 5; i++)
    assert.deepEqual(await names('/_nano/openapi.json', i % 2 ? 'br' : 'gzip'), ['/api/a', '/api/b'])
  assert.equal(builds, 2, 'one build for the catalog, one for OpenAPI')

  await writeFiles(root, { 'services/c.ts': one })
  assert.deepEqual(await names('/_nano/catalog'), ['a', 'b'], 'nothing changed for the runtime yet')
  await runtime.reload()
  assert.deepEqual(await names('/_nano/catalog'), ['a', 'b', 'c'])
  assert.deepEqual(await names('/_nano/openapi.json', 'br'), ['/api/a', '/api/b', '/api/c'])
  assert.equal(builds, 4)
  const compressed = await raw(`${server.url}/_nano/openapi.json`, { headers: { 'accept-encoding': 'br' } })
  assert.equal(compressed.headers['content-encoding'], 'br')
  assert.match(String(compressed.headers.vary), /Accept-Encoding/)
  assert.equal(compressed.headers['x-content-type-options'], 'nosniff')
  const head = await raw(`${server.url}/_nano/catalog`, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.body.length, 0)
})
