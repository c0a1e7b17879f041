import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'

type Imports = Record<string, number>
const imported = (): Imports => ((globalThis as { readinessImports?: Imports }).readinessImports ??= {})

const countImport = (name: string): string =>
  `const seen = (globalThis.readinessImports ??= {}); seen['${name}'] = (seen['${name}'] ?? 0) + 1`

test('loading a service a caller uses never counts against the caller deadline', async (t) => {
  const root = await tempProject(t, {
    'services/a.ts': svc(
      `input: z.object({}), output: z.string(), uses: ['b'], timeout: '100ms',
       run: async (_, ctx) => 'a+' + (await ctx.call('b', {})),`,
    ),
    'services/b.ts': svc(
      `input: z.object({}), output: z.string(), run: () => 'b',`,
      `await new Promise((r) => setTimeout(r, 400)) // start-up work at import: 4 times a's timeout`,
    ),
  })
  const rt = createRuntime({ root, logger: false })
  assert.equal(await rt.call('a', {}), 'a+b', 'the first call waits for b to load, then runs within 100ms')
})

test('a service is ready only when everything it uses is loaded, cycles included', async (t) => {
  const root = await tempProject(t, {
    'services/ring/a.ts': svc(
      `input: z.object({ n: z.number() }), output: z.number(), uses: ['ring/b'],
       run: async ({ n }, ctx) => (n <= 0 ? 0 : 1 + (await ctx.call('ring/b', { n: n - 1 }))),`,
      countImport('ring/a'),
    ),
    'services/ring/b.ts': svc(
      `input: z.object({ n: z.number() }), output: z.number(), uses: ['ring/a', 'ring/c'],
       run: async ({ n }, ctx) => (n <= 0 ? 0 : 1 + (await ctx.call('ring/a', { n: n - 1 }))),`,
      countImport('ring/b'),
    ),
    'services/ring/c.ts': svc(`input: z.object({}), output: z.string(), run: () => 'c',`, countImport('ring/c')),
    'services/lonely.ts': svc(`input: z.object({}), output: z.string(), run: () => 'l',`, countImport('lonely')),
  })
  const rt = createRuntime({ root, logger: false })
  assert.equal(rt.loaded('ring/a'), undefined)
  await rt.resolve('ring/a')
  assert.deepEqual(
    Object.keys(imported())
      .filter((k) => k.startsWith('ring/') || k === 'lonely')
      .sort(),
    ['ring/a', 'ring/b', 'ring/c'],
    'resolving a loads its whole uses closure (a → b → a, c), and nothing else',
  )
  assert.notEqual(rt.loaded('ring/b'), undefined, 'b is ready too: its closure was loaded with a')
  assert.equal(await rt.call('ring/a', { n: 5 }), 5)
})

test('warm(names) loads ahead of the first call; warm() loads all; a broken file is logged, not thrown', async (t) => {
  const root = await tempProject(t, {
    'services/w/one.ts': svc(`input: z.object({}), output: z.string(), uses: ['w/two'], run: () => '1',`),
    'services/w/two.ts': svc(`input: z.object({}), output: z.string(), run: () => '2',`),
    'services/w/three.ts': svc(`input: z.object({}), output: z.string(), run: () => '3',`),
    'services/w/broken.ts': 'export default 42\n',
  })
  const records: { message: string; service?: unknown }[] = []
  const rt = createRuntime({ root, logger: (r) => records.push(r) })
  await rt.warm(['w/one'])
  assert.notEqual(rt.loaded('w/one'), undefined)
  assert.notEqual(rt.loaded('w/two'), undefined, 'what one uses is warmed with it')
  assert.equal(rt.loaded('w/three'), undefined)
  await rt.warm()
  assert.notEqual(rt.loaded('w/three'), undefined)
  assert.ok(records.some((r) => r.service === 'w/broken' && /could not be loaded/.test(r.message)))
})

test('a reload during a first import never stores the old code results under the new version', async (t) => {
  const slowV1 = svc(
    `input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => 'v1',`,
    `await new Promise((r) => setTimeout(r, 150))`,
  )
  const root = await tempProject(t, { 'services/ver.ts': slowV1 })
  const rt = createRuntime({ root, logger: false })
  const first = rt.call('ver', {})
  await new Promise((r) => setTimeout(r, 20))
  await writeFiles(root, {
    'services/ver.ts': svc(`input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => 'v2',`),
  })
  await rt.reload('ver')
  assert.equal(await first, 'v1', 'the call that started on v1 ends on v1')
  assert.equal(await rt.call('ver', {}), 'v2', 'the next call runs v2, not a result v1 cached')
})
