import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, isNanoError, type NanoError } from '../../src/index.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'

const echo = svc(`
  input: z.object({ city: z.string().min(1), days: z.number().int().optional() }),
  output: z.object({ city: z.string() }),
  run: ({ city }) => ({ city }),
`)

async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<NanoError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )
  assert.ok(isNanoError(error), `not a NanoError: ${String(error)}`)
  assert.equal(error.code, code)
  assert.equal(error.status, status)
  return error
}

test('NANO_E_NOT_FOUND for an unknown service', async (t) => {
  const rt = createRuntime({ root: await tempProject(t, { 'services/geo/echo.ts': echo }), logger: false })
  const error = await rejectsWith(rt.call('geo/nope', {}), 'NANO_E_NOT_FOUND', 404)
  assert.match(error.message, /geo\/nope/)
})

test('NANO_E_INVALID_INPUT carries the schema issues with path and message', async (t) => {
  const rt = createRuntime({ root: await tempProject(t, { 'services/geo/echo.ts': echo }), logger: false })
  const error = await rejectsWith(rt.call('geo/echo', { city: '', days: 1.5 }), 'NANO_E_INVALID_INPUT', 400)
  const paths = error.issues?.map((i) => i.path.join('.')).sort()
  assert.deepEqual(paths, ['city', 'days'])
  for (const issue of error.issues ?? []) assert.ok(issue.message.length > 0)
  assert.deepEqual(error.toJSON().issues, error.issues)
})

test('NANO_E_INVALID_OUTPUT when a service returns the wrong shape', async (t) => {
  const root = await tempProject(t, {
    'services/bad/out.ts': svc(`input: z.object({}), output: z.object({ n: z.number() }), run: () => ({ n: 'one' }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const error = await rejectsWith(rt.call('bad/out', {}), 'NANO_E_INVALID_OUTPUT', 500)
  assert.deepEqual(error.issues?.[0]?.path, ['n'])
})

test('NANO_E_FORBIDDEN_CALL for a call to a service not declared in uses', async (t) => {
  const root = await tempProject(t, {
    'services/geo/echo.ts': echo,
    'services/sneaky.ts': svc(`input: z.object({}), output: z.unknown(),
      run: (_, ctx) => ctx.call('geo/echo', { city: 'x' }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const error = await rejectsWith(rt.call('sneaky', {}), 'NANO_E_FORBIDDEN_CALL', 403)
  assert.match(error.message, /sneaky.*geo\/echo.*uses/)
})

test('NANO_E_TIMEOUT when a service runs past its timeout', async (t) => {
  const root = await tempProject(t, {
    'services/slow.ts': svc(`input: z.object({}), output: z.string(), timeout: '30ms',
      run: () => new Promise((resolve) => setTimeout(() => resolve('late'), 3000)),`),
  })
  const rt = createRuntime({ root, logger: false })
  const started = Date.now()
  await rejectsWith(rt.call('slow', {}), 'NANO_E_TIMEOUT', 504)
  assert.ok(Date.now() - started < 2000, 'the call gave up at its deadline, not when the work ended')
})

test('NANO_E_CALL_DEPTH stops a cycle between two services', async (t) => {
  const root = await tempProject(t, {
    'services/ping.ts': svc(`input: z.object({ n: z.number() }), output: z.unknown(), uses: ['pong'],
      run: ({ n }, ctx) => ctx.call('pong', { n: n + 1 }),`),
    'services/pong.ts': svc(`input: z.object({ n: z.number() }), output: z.unknown(), uses: ['ping'],
      run: ({ n }, ctx) => ctx.call('ping', { n: n + 1 }),`),
  })
  const rt = createRuntime({ root, logger: false, maxCallDepth: 10 })
  const error = await rejectsWith(rt.call('ping', { n: 0 }), 'NANO_E_CALL_DEPTH', 508)
  assert.match(error.message, /10/)
})

test('NANO_E_CALL_DEPTH defaults to 32 levels of recursion', async (t) => {
  const root = await tempProject(t, {
    'services/down.ts': svc(`input: z.object({ n: z.number() }), output: z.number(), uses: ['down'],
      run: ({ n }, ctx) => (n === 0 ? 0 : ctx.call('down', { n: n - 1 })),`),
  })
  const rt = createRuntime({ root, logger: false })
  assert.equal(await rt.call('down', { n: 31 }), 0)
  await rejectsWith(rt.call('down', { n: 32 }), 'NANO_E_CALL_DEPTH', 508)
})

test('NANO_E_SERVICE_FAILED keeps the cause inside and sends no stack out', async (t) => {
  const root = await tempProject(t, {
    'services/boom.ts': svc(`input: z.object({}), output: z.string(),
      run: () => { throw new Error('db password is hunter2') },`),
  })
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink as never })
  const error = await rejectsWith(rt.call('boom', {}), 'NANO_E_SERVICE_FAILED', 500)
  assert.equal((error.cause as Error).message, 'db password is hunter2')
  const wire = JSON.stringify(error)
  assert.doesNotMatch(wire, /hunter2|at |stack/)
  assert.deepEqual(Object.keys(JSON.parse(wire)).sort(), ['code', 'message'])
  assert.equal(logs.records.filter((r) => r.level === 'error' && r.service === 'boom').length, 1)
})

test("a bad input a service sends onward is its own failure, not the outside caller's", async (t) => {
  const root = await tempProject(t, {
    'services/geo/echo.ts': echo,
    'services/careless.ts': svc(`input: z.object({}), output: z.unknown(), uses: ['geo/echo'],
      run: (_, ctx) => ctx.call('geo/echo', { city: '' }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const error = await rejectsWith(rt.call('careless', {}), 'NANO_E_SERVICE_FAILED', 500)
  assert.equal((error.cause as NanoError).code, 'NANO_E_INVALID_INPUT')
})

test('a NanoError a service throws on purpose passes through', async (t) => {
  const root = await tempProject(t, {
    'services/story.ts': svc(
      `input: z.object({ id: z.string() }), output: z.unknown(),
      run: ({ id }) => { throw new NanoError('NANO_E_NOT_FOUND', 'No story ' + id) },`,
      "import { NanoError } from '@nanoweb/core'",
    ),
  })
  const rt = createRuntime({ root, logger: false })
  const error = await rejectsWith(rt.call('story', { id: '42' }), 'NANO_E_NOT_FOUND', 404)
  assert.equal(error.message, 'No story 42')
})

test('NANO_E_BAD_DEFINITION names a file that does not export a service', async (t) => {
  const root = await tempProject(t, {
    'services/plain.ts': 'export default { run() { return 1 } }\n',
    'services/broken.ts': "import { service } from '@nanoweb/core'\nexport default service({ run: 1 } as never)\n",
  })
  const rt = createRuntime({ root, logger: false })
  const plain = await rejectsWith(rt.call('plain', {}), 'NANO_E_BAD_DEFINITION', 500)
  assert.match(plain.message, /services\/plain\.ts/)
  const broken = await rejectsWith(rt.call('broken', {}), 'NANO_E_BAD_DEFINITION', 500)
  assert.match(broken.message, /services\/broken\.ts.*input/)
  assert.deepEqual(await rt.catalog(), [], 'a file that does not load is left out of the catalog')
  const broken2 = await rt.broken()
  assert.deepEqual(
    broken2.map((b) => [b.name, b.file, b.error.code]),
    [
      ['broken', 'services/broken.ts', 'NANO_E_BAD_DEFINITION'],
      ['plain', 'services/plain.ts', 'NANO_E_BAD_DEFINITION'],
    ],
  )
  assert.ok(
    broken2.every((b) => !b.error.message.includes(root)),
    'no absolute server path in the message',
  )
})

test('a file with an invalid name fails with an error naming the file', async (t) => {
  for (const bad of ['services/Weather/current.ts', 'services/my service.ts', 'services/v1.2/x.ts']) {
    const root = await tempProject(t, { [bad]: echo })
    assert.throws(
      () => createRuntime({ root, logger: false }),
      (e: unknown) => isNanoError(e) && e.code === 'NANO_E_BAD_DEFINITION' && e.message.includes(bad),
    )
  }
})

test('NANO_E_CLOSED after close()', async (t) => {
  const rt = createRuntime({ root: await tempProject(t, { 'services/geo/echo.ts': echo }), logger: false })
  await rt.close()
  await rejectsWith(rt.call('geo/echo', { city: 'x' }), 'NANO_E_CLOSED', 503)
})
