import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'

type Imports = Record<string, number>
const imports = (): Imports => ((globalThis as { imports?: Imports }).imports ??= {})

function sideEffecting(name: string, answer: string): string {
  return svc(
    `input: z.object({}), output: z.string(),
     run: async () => { await new Promise((r) => setTimeout(r, 5)); return '${answer}' },`,
    `const seen = (globalThis.imports ??= {}); seen['${name}'] = (seen['${name}'] ?? 0) + 1`,
  )
}

test('start-up only scans names: a service is imported on its first call, once under concurrency', async (t) => {
  const root = await tempProject(t, {
    'services/news/top.ts': sideEffecting('news/top', 'top'),
    'services/news/other.ts': sideEffecting('news/other', 'other'),
    'services/_lib/helper.ts': 'throw new Error("helpers under _ folders are not services")\n',
    'services/news/top.test.ts': 'throw new Error("tests are not services")\n',
  })
  const rt = createRuntime({ root, logger: false })
  assert.deepEqual(rt.names(), ['news/other', 'news/top'])
  assert.deepEqual(imports(), {}, 'nothing imported at start')
  const answers = await Promise.all(Array.from({ length: 20 }, () => rt.call('news/top', {})))
  assert.ok(answers.every((a) => a === 'top'))
  assert.deepEqual(imports(), { 'news/top': 1 }, 'imported once, and only the called service')
  await rt.catalog()
  assert.deepEqual(imports(), { 'news/top': 1, 'news/other': 1 })
})

test('reload(name) serves the changed file on the next call; running calls finish on the old version', async (t) => {
  const root = await tempProject(t, {
    'services/ver.ts': svc(`input: z.object({ wait: z.number() }), output: z.string(),
      run: async ({ wait }) => { await new Promise((r) => setTimeout(r, wait)); return 'v1' },`),
  })
  const rt = createRuntime({ root, logger: false })
  assert.equal(await rt.call('ver', { wait: 0 }), 'v1')
  const inFlight = rt.call('ver', { wait: 80 })
  await writeFiles(root, {
    'services/ver.ts': svc(`input: z.object({ wait: z.number() }), output: z.string(), run: () => 'v2',`),
  })
  await rt.reload('ver')
  assert.equal(await rt.call('ver', { wait: 0 }), 'v2')
  assert.equal(await inFlight, 'v1', 'the call that started before the reload ended on v1')
})

test('reload() without a name picks up added and removed files', async (t) => {
  const root = await tempProject(t, { 'services/a.ts': sideEffecting('a', 'a') })
  const rt = createRuntime({ root, logger: false })
  await assert.rejects(rt.call('b', {}), { code: 'NANO_E_NOT_FOUND' })
  await writeFiles(root, { 'services/b.ts': sideEffecting('b', 'b') })
  await rt.reload()
  assert.equal(await rt.call('b', {}), 'b')
  await assert.rejects(rt.reload('nope'), { code: 'NANO_E_NOT_FOUND' })
})

test('a cached result of the old version is not served after a reload', async (t) => {
  const root = await tempProject(t, {
    'services/c.ts': svc(`input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => 'old',`),
  })
  const rt = createRuntime({ root, logger: false })
  assert.equal(await rt.call('c', {}), 'old')
  await writeFiles(root, {
    'services/c.ts': svc(`input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => 'new',`),
  })
  await rt.reload('c')
  assert.equal(await rt.call('c', {}), 'new')
})

test('a broken file fails its own calls only', async (t) => {
  const root = await tempProject(t, {
    'services/ok.ts': sideEffecting('ok', 'fine'),
    'services/syntax.ts': 'export default service({ input: \n',
  })
  const rt = createRuntime({ root, logger: false })
  await assert.rejects(rt.call('syntax', {}), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'NANO_E_BAD_DEFINITION')
    assert.match(e.message, /services\/syntax\.ts/)
    return true
  })
  assert.equal(await rt.call('ok', {}), 'fine')
})
