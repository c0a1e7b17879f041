import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  type CallObserver,
  createRuntime,
  InProcessTransport,
  MemoryCacheStore,
  type ObservedCall,
} from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

const probe = svc(`input: z.object({ city: z.string().min(1) }), output: z.object({
    city: z.string(), deadline: z.number().nullable(), traceId: z.string(), caller: z.string().optional(), locale: z.string().optional() }),
  run: ({ city }, ctx) => ({ city, deadline: Number.isFinite(ctx.deadline) ? ctx.deadline : null, traceId: ctx.traceId, caller: ctx.caller, locale: ctx.request.locale }),`)

test('a call to a service another runtime runs crosses the transport as a plain descriptor', async (t) => {
  const transport = new InProcessTransport()
  const server = createRuntime({ root: await tempProject(t, { 'services/geo/probe.ts': probe }), transport })
  const client = createRuntime({
    root: await tempProject(t, {
      'services/weather.ts':
        svc(`input: z.object({ city: z.string() }), output: z.unknown(), uses: ['geo/probe'], timeout: '5s',
        run: (input, ctx) => ctx.call('geo/probe', input),`),
    }),
    transport,
    logger: false,
  })
  t.after(() => Promise.all([server.close(), client.close()]))
  const before = Date.now()
  const out = (await client.call(
    'weather',
    { city: 'Leeds' },
    { traceId: 'ab'.repeat(16), request: { locale: 'fr' } },
  )) as Record<string, unknown>
  assert.equal(out.city, 'Leeds')
  assert.equal(out.traceId, 'ab'.repeat(16), 'trace context travels')
  assert.equal(out.caller, 'weather', 'the caller travels')
  assert.equal(out.locale, 'fr', 'request facts travel')
  assert.ok(typeof out.deadline === 'number' && out.deadline >= before + 5000, 'the deadline travels')
  await assert.rejects(client.call('weather', { city: '' }), (e: { code: string }) => {
    assert.equal(e.code, 'NANO_E_SERVICE_FAILED', 'input is validated where the service runs')
    return true
  })
  await assert.rejects(client.call('geo/probe', { city: '' }), { code: 'NANO_E_INVALID_INPUT' })
  await server.close()
  await assert.rejects(client.call('geo/probe', { city: 'x' }), { code: 'NANO_E_UNAVAILABLE' })
})

test('without a transport an unknown name is NANO_E_NOT_FOUND', async (t) => {
  const rt = createRuntime({ root: await tempProject(t, { 'services/geo/probe.ts': probe }), logger: false })
  await assert.rejects(rt.call('geo/nowhere', {}), { code: 'NANO_E_NOT_FOUND' })
})

test('the observer sees every call once: synchronous, asynchronous, failed, nested', async (t) => {
  const root = await tempProject(t, {
    'services/sync.ts': svc(`input: z.object({}), output: z.string(), run: () => 'now',`),
    'services/later.ts': svc(`input: z.object({}), output: z.string(), uses: ['sync'],
      run: async (_, ctx) => 'later ' + (await ctx.call('sync', {})),`),
    'services/bad.ts': svc(`input: z.object({ n: z.number() }), output: z.string(), run: () => 'x',`),
  })
  const seen: string[] = []
  const observer: CallObserver = {
    start: (call: ObservedCall) => {
      call.state = seen.length
      seen.push(`start ${call.service} ${call.caller ?? '-'} ${call.depth}`)
    },
    end: (call: ObservedCall, error: unknown) =>
      seen.push(`end ${call.service} #${call.state} ${error === undefined ? 'ok' : (error as { code: string }).code}`),
  }
  const rt = createRuntime({ root, observer, logger: false })
  await rt.call('sync', {}, { caller: 'http' })
  assert.equal(rt.invoke('sync', {}), 'now', 'still synchronous with an observer')
  await rt.call('later', {})
  await assert.rejects(rt.call('bad', {}))
  assert.deepEqual(seen, [
    'start sync http 1',
    'end sync #0 ok',
    'start sync - 1',
    'end sync #2 ok',
    'start later - 1',
    'start sync later 2',
    'end sync #5 ok',
    'end later #4 ok',
    'start bad - 1',
    'end bad #8 NANO_E_INVALID_INPUT',
  ])
})

test('cache keys are content hashes: runtimes sharing a store share results of the same code only', async (t) => {
  const counted = (answer: string): string =>
    svc(
      `input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => { globalThis.sharedRuns = (globalThis.sharedRuns ?? 0) + 1; return '${answer}' },`,
    )
  const store = new MemoryCacheStore()
  const one = createRuntime({ root: await tempProject(t, { 'services/c.ts': counted('same') }), cacheStore: store })
  const two = createRuntime({ root: await tempProject(t, { 'services/c.ts': counted('same') }), cacheStore: store })
  const other = createRuntime({ root: await tempProject(t, { 'services/c.ts': counted('other') }), cacheStore: store })
  const runs = (): number => (globalThis as { sharedRuns?: number }).sharedRuns ?? 0
  const before = runs()
  assert.equal(await one.call('c', {}), 'same')
  assert.equal(await two.call('c', {}), 'same')
  assert.equal(runs() - before, 1, 'the second runtime got the first one result from the shared store')
  assert.equal(await other.call('c', {}), 'other', 'different code never gets another version result')
  assert.equal(runs() - before, 2)
  await one.close()
  assert.ok(store.size >= 2, 'close() leaves an injected (shared) store alone')
  const own = createRuntime({ root: await tempProject(t, { 'services/c.ts': counted('mine') }) })
  await own.call('c', {})
  await own.close()
})
