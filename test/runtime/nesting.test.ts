import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { createServer, type NanoServer } from '../../src/index.ts'
import { letsAnyDepthThrough, MAX_NESTING, nestedDeeperThan } from '../../src/runtime/validate/nesting.ts'
import { post } from '../helpers/http.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'

const TREE = `const Tree = z.object({ get a() { return z.union([Tree, z.number()]).optional() } })`

const FILES = {
  'services/deep/any.ts': svc(`input: z.unknown(), output: z.string(), run: () => 'ok',`),
  'services/deep/echo.ts': svc(`input: z.unknown(), output: z.unknown(), run: (input) => input,`),
  'services/deep/cached.ts': svc(`input: z.unknown(), output: z.string(), cache: { ttl: '1m' }, run: () => 'ok',`),
  'services/deep/loose.ts': svc(`input: z.looseObject({ n: z.number() }), output: z.string(), run: () => 'ok',`),
  'services/deep/tree.ts': svc(`input: Tree, output: z.string(), run: () => 'ok',`, TREE),
  'services/deep/lazy.ts': svc(
    `input: Lazy, output: z.string(), run: () => 'ok',`,
    `const Lazy = z.lazy(() => z.object({ a: z.union([Lazy, z.number()]).optional() }))`,
  ),
  'services/deep/throws.ts': svc(
    `input: { '~standard': { version: 1, vendor: 'test', validate: () => { throw new Error('schema bug') } } },
    output: z.string(), run: () => 'ok',`,
  ),
}

function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`
}

async function start(t: import('node:test').TestContext) {
  const root = await tempProject(t, FILES)
  const logs = collectLogs()
  const server = await createServer({ root, port: 0, host: '127.0.0.1', logger: logs.sink as never })
  t.after(() => server.close())
  return { server, logs }
}

async function code(server: NanoServer, name: string, body: string): Promise<[number, string, string]> {
  const answer = await post(`${server.url}/api/${name}`, body)
  const error = (answer.body as { error?: { code: string; message: string } }).error
  return [answer.status, error?.code ?? '', error?.message ?? '']
}

test('input nested 10,000 levels deep is the client’s mistake: 400, whatever the schema', async (t) => {
  const { server, logs } = await start(t)
  for (const name of ['deep/any', 'deep/echo', 'deep/cached', 'deep/loose', 'deep/tree', 'deep/lazy']) {
    const [status, errorCode, message] = await code(server, name, nested(10_000))
    assert.equal(status, 400, `${name}: ${errorCode} ${message}`)
    assert.equal(errorCode, 'NANO_E_INVALID_INPUT')
    assert.match(message, /nested too deeply/)
  }
  assert.deepEqual(
    logs.records.filter((r) => r.level === 'error'),
    [],
  )
})

test('the depth limit holds on the compiled fast path too, and 256 levels still pass', async (t) => {
  const { server } = await start(t)
  for (let i = 0; i < 12; i++) assert.equal((await code(server, 'deep/any', nested(3)))[0], 200)
  assert.equal((await code(server, 'deep/any', nested(MAX_NESTING - 1)))[0], 200)
  assert.equal((await code(server, 'deep/tree', nested(MAX_NESTING - 1)))[0], 200)
  assert.equal((await code(server, 'deep/echo', nested(MAX_NESTING - 1)))[0], 200)
  assert.deepEqual((await code(server, 'deep/any', nested(MAX_NESTING + 1))).slice(0, 2), [400, 'NANO_E_INVALID_INPUT'])
  assert.deepEqual((await code(server, 'deep/any', nested(10_000))).slice(0, 2), [400, 'NANO_E_INVALID_INPUT'])
})

test('a schema that throws answers 500 and is logged', async (t) => {
  const { server, logs } = await start(t)
  const [status, errorCode] = await code(server, 'deep/throws', '{}')
  assert.deepEqual([status, errorCode], [500, 'NANO_E_INTERNAL'])
  const logged = logs.records.find((r) => r.level === 'error')
  assert.match(String(logged?.message), /deep\/throws/)
  assert.match(String((logged?.error as Error | undefined)?.message), /schema bug/)
})

test('only schemas that let any depth through are walked', () => {
  const Tree: z.ZodType = z.object({
    get a() {
      return z.union([Tree, z.number()]).optional()
    },
  })
  for (const bounded of [
    z.object({ city: z.string(), tags: z.array(z.string()).max(3), at: z.tuple([z.number(), z.number()]) }),
    z.strictObject({ n: z.number().default(1) }),
    z.record(z.string(), z.union([z.string(), z.null()])),
    z.string().transform((s) => s.length),
  ]) {
    assert.equal(letsAnyDepthThrough(bounded), false, JSON.stringify(bounded._zod.def.type))
  }
  for (const open of [
    z.unknown(),
    z.any(),
    z.looseObject({}),
    z.object({ a: z.array(z.record(z.string(), z.unknown())) }),
    Tree,
    z.lazy(() => z.string()),
    { '~standard': { version: 1, vendor: 'other', validate: (value: unknown) => ({ value }) } },
  ]) {
    assert.equal(letsAnyDepthThrough(open), true)
  }
})

test('nestedDeeperThan counts plain objects and arrays, and stops at the limit', () => {
  assert.equal(nestedDeeperThan(1, 0), false)
  assert.equal(nestedDeeperThan({}, 0), true)
  assert.equal(nestedDeeperThan({ a: [1] }, 2), false)
  assert.equal(nestedDeeperThan({ a: [[1]] }, 2), true)
  assert.equal(nestedDeeperThan({ at: new Date(), map: new Map([[1, { a: {} }]]) }, 1), false)
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  assert.equal(nestedDeeperThan(cycle, MAX_NESTING), true)
  assert.equal(nestedDeeperThan(JSON.parse(nested(100_000)), MAX_NESTING), true)
})
