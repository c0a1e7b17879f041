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
import {
  assertCallCarriesContext,
  assertStoreSharedBySameCode,
  countedService,
  PROBE,
  WEATHER,
} from '../helpers/transport.ts'

test('a call to a service another runtime runs crosses the transport as a plain descriptor', async (t) => {
  const transport = new InProcessTransport()
  const server = createRuntime({ root: await tempProject(t, { 'services/geo/probe.ts': PROBE }), transport })
  const client = createRuntime({
    root: await tempProject(t, {
      'services/weather.ts': WEATHER,
    }),
    transport,
    logger: false,
  })
  t.after(() => Promise.all([server.close(), client.close()]))
  await assertCallCarriesContext(client)
  await assert.rejects(client.call('weather', { city: '' }), (e: { code: string }) => {
    assert.equal(e.code, 'NANO_E_SERVICE_FAILED', 'input is validated where the service runs')
    return true
  })
  await assert.rejects(client.call('geo/probe', { city: '' }), { code: 'NANO_E_INVALID_INPUT' })
  await server.close()
  await assert.rejects(client.call('geo/probe', { city: 'x' }), { code: 'NANO_E_UNAVAILABLE' })
})

test('without a transport an unknown name is NANO_E_NOT_FOUND', async (t) => {
  const rt = createRuntime({ root: await tempProject(t, { 'services/geo/probe.ts': PROBE }), logger: false })
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
  const store = new MemoryCacheStore()
  const [one] = await assertStoreSharedBySameCode(t, [store, store], 'sharedRuns')
  await one.close()
  assert.ok(store.size >= 2, 'close() leaves an injected (shared) store alone')
  const own = createRuntime({ root: await tempProject(t, { 'services/c.ts': countedService('mine', 'sharedRuns') }) })
  await own.call('c', {})
  await own.close()
})
