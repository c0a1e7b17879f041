import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, isNanoError } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'

/** Room for a first call on a busy machine (and still on the host thread); limits have tests of their own. */
const ROOMY = { cpu: '100ms' } as const

const UNTRUSTED_HELLO = svc(`trust: 'untrusted',
  description: 'Greets from an isolate',
  input: z.object({ name: z.string().min(1), times: z.number().int().default(1) }),
  output: z.object({ greeting: z.string(), process: z.string(), twice: z.number(), trace: z.string(), locale: z.string() }),
  uses: ['helper/double'],
  async run({ name, times }, ctx) {
    ctx.log.info('greeting', { name })
    const { twice } = await ctx.call('helper/double', { n: times })
    return { greeting: 'hi ' + name, process: typeof process, twice, trace: ctx.traceId, locale: ctx.request.locale ?? '' }
  },`)

const FILES = {
  'services/plugins/hello.ts': UNTRUSTED_HELLO,
  'services/helper/double.ts': svc(`input: z.object({ n: z.number() }), output: z.object({ twice: z.number() }),
    run: ({ n }) => ({ twice: n * 2 }),`),
  'services/plugins/sneaky.ts': svc(`trust: 'untrusted', input: z.object({}), output: z.string(),
    async run(_, ctx) {
      try { await ctx.call('helper/double', { n: 1 }); return 'called' } catch (e) { return e.code + ': ' + e.message }
    },`),
  'services/plugins/box.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({ trust: 'untrusted', input: z.object({ who: z.string() }), css: 'box.css', cache: { ttl: '1m' },
  render: ({ who }) => html\`<b>\${who}</b>\` })
`,
}

test('an untrusted service runs in an isolate through rt.call: input defaults, ctx.call, ctx.log, ctx.request, no process', async (t) => {
  const root = await tempProject(t, FILES)
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink as never, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const out = (await rt.call('plugins/hello', { name: 'Ada' }, { request: { locale: 'en-GB' } })) as Record<
    string,
    unknown
  >
  assert.equal(out.greeting, 'hi Ada')
  assert.equal(out.process, 'undefined', 'no process inside the isolate')
  assert.equal(out.twice, 2, 'the zod default (times: 1) applied inside, ctx.call bridged to the host')
  assert.equal(out.locale, 'en-GB')
  assert.match(String(out.trace), /^[0-9a-f]{32}$/)
  assert.ok(logs.records.some((r) => r.message === 'greeting' && r.name === 'Ada' && r.service === 'plugins/hello'))
  const def = await rt.resolve('plugins/hello')
  assert.equal(def.policy.trust, 'untrusted')
  assert.deepEqual(def.uses, ['helper/double'])
  assert.equal(def.description, 'Greets from an isolate')
})

test('the host validates input and output from the JSON Schemas the isolate computed', async (t) => {
  const root = await tempProject(t, {
    ...FILES,
    'services/plugins/liar.ts': svc(`trust: 'untrusted', input: z.object({}), output: z.object({ n: z.number() }),
      run: () => ({ n: 'not a number' }),`),
  })
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const bad = await rt.call('plugins/hello', { name: 7 } as never).catch((e: unknown) => e)
  assert.ok(isNanoError(bad) && bad.code === 'NANO_E_INVALID_INPUT', String(bad))
  assert.deepEqual(bad.issues?.[0]?.path, ['name'])
  const empty = await rt.call('plugins/hello', { name: '' }).catch((e: unknown) => e)
  assert.ok(isNanoError(empty) && empty.code === 'NANO_E_INVALID_INPUT')
  const liar = await rt.call('plugins/liar', {}).catch((e: unknown) => e)
  assert.ok(isNanoError(liar) && liar.code === 'NANO_E_INVALID_OUTPUT', String(liar))
})

test('ctx.call from an isolate is checked against uses: a call not in uses is NANO_E_FORBIDDEN_CALL', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const answer = await rt.call('plugins/sneaky', {})
  assert.match(String(answer), /^NANO_E_FORBIDDEN_CALL: 'plugins\/sneaky' may not call 'helper\/double'/)
})

test('an untrusted service over real HTTP: /api answers, the catalog shows its JSON Schemas, a fragment renders', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, host: '127.0.0.1', logger: false, isolateLimits: ROOMY })
  t.after(() => server.close())
  const a = await post(`${server.url}/api/plugins/hello`, { name: 'Bo', times: 3 })
  assert.equal(a.status, 200)
  assert.equal((a.body as { greeting: string }).greeting, 'hi Bo')
  assert.equal((a.body as { twice: number }).twice, 6)
  const invalid = await post(`${server.url}/api/plugins/hello`, { name: '' })
  assert.equal(invalid.status, 400)
  assert.equal((invalid.body as { error: { code: string } }).error.code, 'NANO_E_INVALID_INPUT')
  const catalog = await request(`${server.url}/_nano/catalog`)
  const entry = (
    catalog.body as { services: { name: string; input: Record<string, unknown>; output: unknown }[] }
  ).services.find((s) => s.name === 'plugins/hello')
  assert.ok(entry !== undefined, 'listed in the catalog')
  assert.deepEqual((entry.input as { required: string[] }).required, ['name'])
  assert.deepEqual(Object.keys((entry.input as { properties: object }).properties), ['name', 'times'])
  assert.equal((entry.output as { type: string }).type, 'object')
  const box = await request(`${server.url}/api/plugins/box?who=${encodeURIComponent('<Ada>')}`)
  assert.equal(box.status, 200)
  assert.equal(box.text, '<b>&lt;Ada&gt;</b>')
  const boxDef = (await server.runtime.resolve('plugins/box')) as unknown as Record<string, unknown>
  assert.equal(boxDef.kind, 'fragment')
  assert.deepEqual(boxDef.css, ['box.css'], "the fragment's assets come through")
  assert.deepEqual(boxDef.cache, { ttl: '1m', vary: [] }, 'and its cache policy')
  assert.equal(boxDef.idempotent, true)
  const openapi = await request(`${server.url}/_nano/openapi.json`)
  assert.ok(JSON.stringify(openapi.body).includes('/api/plugins/hello'))
})

test('the untrusted option runs services matched by name in isolates, whatever their files say', async (t) => {
  const root = await tempProject(t, {
    'services/plugins/plain.ts': svc(`input: z.object({}), output: z.string(), run: () => typeof process`),
    'services/own/plain.ts': svc(`input: z.object({}), output: z.string(), run: () => typeof process`),
  })
  const rt = createRuntime({ root, logger: false, untrusted: ['plugins/**'], isolateLimits: ROOMY })
  t.after(() => rt.close())
  assert.equal(await rt.call('plugins/plain', {}), 'undefined')
  assert.equal(await rt.call('own/plain', {}), 'object', 'others still run in this process')
  assert.equal((await rt.resolve('plugins/plain')).policy.trust, 'untrusted')
})

test('trust declared other than literally is refused, and its code never runs a call', async (t) => {
  const root = await tempProject(t, {
    'services/hidden.ts': svc(
      `trust: TRUST, input: z.object({}), output: z.string(), run: () => 'ran in the host'`,
      "const TRUST = ['un', 'trusted'].join('') as 'untrusted'",
    ),
  })
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const error = await rt.call('hidden', {}).catch((e: unknown) => e)
  assert.ok(isNanoError(error) && error.code === 'NANO_E_BAD_DEFINITION', String(error))
  assert.match(error.message, /services\/hidden\.ts: .*Write `trust: 'untrusted'` literally/)
})

test('an untrusted service importing a Node.js module is refused, naming the file and the module', async (t) => {
  const root = await tempProject(t, {
    'services/plugins/fs.ts': svc(
      `trust: 'untrusted', input: z.object({}), output: z.string(), run: () => String(readFileSync)`,
      "import { readFileSync } from 'node:fs'",
    ),
    'services/plugins/cp.ts': svc(
      `trust: 'untrusted', input: z.object({}), output: z.string(), run: () => String(exec)`,
      "import { exec } from 'child_process'",
    ),
  })
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  for (const [name, module] of [
    ['plugins/fs', 'node:fs'],
    ['plugins/cp', 'child_process'],
  ] as const) {
    const error = await rt.call(name, {}).catch((e: unknown) => e)
    assert.ok(isNanoError(error) && error.code === 'NANO_E_BAD_DEFINITION', String(error))
    assert.match(
      error.message,
      new RegExp(`services/${name}\\.ts: an untrusted service cannot import the Node\\.js module '${module}'`),
    )
  }
  const broken = await rt.broken()
  assert.deepEqual(broken.map((b) => b.name).sort(), ['plugins/cp', 'plugins/fs'])
})

test('a service with a large cpu limit runs off the host thread: ctx.call, timers, logs and errors work the same', async (t) => {
  const root = await tempProject(t, {
    ...FILES,
    'services/plugins/slow.ts': svc(
      `trust: 'untrusted', limits: { cpu: '2s' }, uses: ['helper/double'],
      input: z.object({ n: z.number(), fail: z.boolean().default(false) }), output: z.object({ twice: z.number(), waited: z.boolean() }),
      async run({ n, fail }, ctx) {
        ctx.log.info('slow start', { n })
        const waited = await new Promise((resolve) => setTimeout(() => resolve(true), 5))
        const { twice } = await ctx.call('helper/double', { n })
        if (fail) throw new NanoError('NANO_E_NOT_FOUND', 'no such thing')
        return { twice, waited }
      },`,
      "import { NanoError } from '@nanoweb/core'",
    ),
  })
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink as never, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const answers = await Promise.all([1, 2, 3].map((n) => rt.call('plugins/slow', { n })))
  assert.deepEqual(answers, [
    { twice: 2, waited: true },
    { twice: 4, waited: true },
    { twice: 6, waited: true },
  ])
  const error = await rt.call('plugins/slow', { n: 1, fail: true }).catch((e: unknown) => e)
  assert.ok(isNanoError(error) && error.code === 'NANO_E_NOT_FOUND' && error.message === 'no such thing', String(error))
  assert.equal(logs.records.filter((r) => r.message === 'slow start').length, 4)
})

test('a reload bundles the file afresh (nanoweb dev)', async (t) => {
  const root = await tempProject(t, {
    'services/plugins/v.ts': svc(`trust: 'untrusted', input: z.object({}), output: z.string(), run: () => 'one'`),
  })
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  assert.equal(await rt.call('plugins/v', {}), 'one')
  const { writeFile } = await import('node:fs/promises')
  await writeFile(
    `${root}/services/plugins/v.ts`,
    svc(`trust: 'untrusted', input: z.object({}), output: z.string(), run: () => 'two'`),
  )
  await rt.reload('plugins/v')
  assert.equal(await rt.call('plugins/v', {}), 'two')
})
