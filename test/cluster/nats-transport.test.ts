import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { connectNatsTransport } from '../../src/cluster/connect.ts'
import { NatsTransport } from '../../src/cluster/nats-transport.ts'
import { type CallDescriptor, createRuntime } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { assertCallCarriesContext, PROBE, WEATHER } from '../helpers/transport.ts'
import { startNats } from './nats-server.ts'

const fails = svc(
  `input: z.object({}), output: z.string(), run: () => { throw new NanoError('NANO_E_NOT_FOUND', 'No story 42') },`,
  `import { NanoError } from '@nanoweb/core'`,
)
const slow = svc(
  `input: z.object({}), output: z.string(), run: () => new Promise((r) => setTimeout(() => r('late'), 1500)),`,
)

function descriptor(service: string, deadline: number | null = null): CallDescriptor {
  return { service, version: undefined, depth: 1, deadline, traceId: 'cd'.repeat(16), caller: 'test', request: {} }
}

/** A serving runtime and a calling runtime, each on its own NATS connection. */
async function cluster(t: TestContext) {
  const nats = await startNats(t)
  const serverNc = await nats.connect()
  const serverTransport = new NatsTransport({ connection: serverNc })
  const server = createRuntime({
    root: await tempProject(t, {
      'services/geo/probe.ts': PROBE,
      'services/geo/fails.ts': fails,
      'services/geo/slow.ts': slow,
    }),
    transport: serverTransport,
    logger: false,
  })
  await serverNc.flush()
  const clientNc = await nats.connect()
  const transport = new NatsTransport({ connection: clientNc })
  await transport.discover()
  const client = createRuntime({
    root: await tempProject(t, {
      'services/weather.ts': WEATHER,
    }),
    transport,
    logger: false,
  })
  nats.after(async () => {
    await Promise.all([server.close(), client.close()])
    await Promise.all([serverTransport.close(), transport.close()])
  })
  return { nats, server, client, transport, clientNc }
}

test('a call crosses NATS with its deadline, trace id, caller and request facts', async (t) => {
  const { client, transport } = await cluster(t)
  assert.ok(transport.has('geo/probe'), 'discovery found the service')
  assert.ok(!transport.has('geo/nowhere'), 'a name nobody serves is not listed')
  await assertCallCarriesContext(client)
  const direct = (await client.call('geo/probe', { city: 'York' }, { timeout: '2s' })) as Record<string, unknown>
  assert.equal(direct.city, 'York', 'rt.call reaches a remote service')
  assert.equal(direct.caller, undefined)
  assert.ok(typeof direct.deadline === 'number' && direct.deadline <= Date.now() + 2000)
})

test('input is validated where the service runs, and errors keep their code and service', async (t) => {
  const { client } = await cluster(t)
  await assert.rejects(
    client.call('geo/probe', { city: '' }),
    (e: { code: string; status: number; issues: unknown }) => {
      assert.equal(e.code, 'NANO_E_INVALID_INPUT')
      assert.equal(e.status, 400)
      assert.ok(Array.isArray(e.issues) && e.issues.length > 0, 'the issues travel')
      return true
    },
  )
  await assert.rejects(client.call('weather', { city: '' }), { code: 'NANO_E_SERVICE_FAILED' })
  await assert.rejects(client.call('geo/fails', {}), (e: { code: string; message: string; service: string }) => {
    assert.equal(e.code, 'NANO_E_NOT_FOUND')
    assert.equal(e.message, 'No story 42')
    assert.equal(e.service, 'geo/fails', 'the raising service is kept')
    return true
  })
})

test('a name no node runs is NANO_E_UNAVAILABLE at once', async (t) => {
  const { client, transport, server } = await cluster(t)
  let start = performance.now()
  await assert.rejects(client.call('geo/nowhere', {}), { code: 'NANO_E_UNAVAILABLE' })
  await assert.rejects(transport.call(descriptor('geo/nowhere'), {}, undefined), { code: 'NANO_E_UNAVAILABLE' })
  assert.ok(performance.now() - start < 500, 'no responders is not a timeout')
  await server.close()
  start = performance.now()
  await assert.rejects(client.call('geo/probe', { city: 'x' }), { code: 'NANO_E_UNAVAILABLE' })
  await assert.rejects(transport.call(descriptor('geo/probe'), { city: 'x' }, undefined), {
    code: 'NANO_E_UNAVAILABLE',
  })
  assert.ok(performance.now() - start < 500)
  for (let i = 0; i < 50 && transport.has('geo/probe'); i += 1) await new Promise((r) => setTimeout(r, 10))
  assert.equal(transport.has('geo/probe'), false, 'the withdrawn service is forgotten')
})

test('a callee slower than the deadline is NANO_E_TIMEOUT; an abort cancels', async (t) => {
  const { client, transport } = await cluster(t)
  let start = performance.now()
  await assert.rejects(client.call('geo/slow', {}, { timeout: '100ms' }), { code: 'NANO_E_TIMEOUT' })
  assert.ok(performance.now() - start < 1000)
  start = performance.now()
  await assert.rejects(transport.call(descriptor('geo/slow', Date.now() + 100), {}, undefined), {
    code: 'NANO_E_TIMEOUT',
  })
  assert.ok(performance.now() - start < 1000, 'the transport times out by itself at the deadline')
  const controller = new AbortController()
  setTimeout(() => controller.abort(new Error('stop')), 50)
  start = performance.now()
  await assert.rejects(transport.call(descriptor('geo/slow'), {}, controller.signal), { message: 'stop' })
  assert.ok(performance.now() - start < 1000)
})

test('nodes serving one service share its calls (queue group)', async (t) => {
  const nats = await startNats(t)
  const tag = (name: string): string => svc(`input: z.object({}), output: z.string(), run: () => '${name}',`)
  const transports: NatsTransport[] = []
  const runtimes: ReturnType<typeof createRuntime>[] = []
  for (const name of ['one', 'two']) {
    const transport = await connectNatsTransport({ servers: nats.url })
    transports.push(transport)
    runtimes.push(
      createRuntime({ root: await tempProject(t, { 'services/who.ts': tag(name) }), transport, logger: false }),
    )
  }
  const caller = await connectNatsTransport({ servers: nats.url })
  transports.push(caller)
  const client = createRuntime({ root: await tempProject(t, {}), transport: caller, logger: false })
  nats.after(async () => {
    await Promise.all([client, ...runtimes].map((rt) => rt.close()))
    await Promise.all(transports.map((tr) => tr.close()))
  })
  for (let i = 0; i < 50 && !caller.has('who'); i += 1) await new Promise((r) => setTimeout(r, 10))
  const seen = new Map<string, number>()
  for (let i = 0; i < 100; i += 1) {
    const who = (await client.call('who', {})) as string
    seen.set(who, (seen.get(who) ?? 0) + 1)
  }
  assert.ok((seen.get('one') ?? 0) > 0 && (seen.get('two') ?? 0) > 0, `both nodes served: ${[...seen]}`)
})

test('a node that starts later is learnt from its announcement; closing withdraws it', async (t) => {
  const nats = await startNats(t)
  const caller = await connectNatsTransport({ servers: nats.url })
  const late = await connectNatsTransport({ servers: nats.url })
  nats.after(() => Promise.all([caller.close(), late.close()]))
  assert.equal(caller.has('geo/probe'), false)
  const server = createRuntime({ root: await tempProject(t, { 'services/geo/probe.ts': PROBE }), transport: late })
  for (let i = 0; i < 100 && !caller.has('geo/probe'); i += 1) await new Promise((r) => setTimeout(r, 5))
  assert.ok(caller.has('geo/probe'), 'the announcement arrived')
  assert.equal(
    ((await caller.call(descriptor('geo/probe'), { city: 'Hull' }, undefined)) as { city: string }).city,
    'Hull',
  )
  await server.close()
  for (let i = 0; i < 100 && caller.has('geo/probe'); i += 1) await new Promise((r) => setTimeout(r, 5))
  assert.equal(caller.has('geo/probe'), false, 'the withdrawal arrived')
})
