import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { svc, tempProject } from '../helpers/project.ts'

type Gate = { open: () => void; wait: Promise<void>; runs: number }
function gate(name: string): Gate {
  let open = (): void => {}
  const wait = new Promise<void>((resolve) => {
    open = resolve
  })
  const g = { open, wait, runs: 0 }
  ;(globalThis as Record<string, unknown>)[name] = g
  return g
}

const gated = (name: string, cache: string): string =>
  svc(`input: z.object({}), output: z.object({ run: z.number() }), cache: ${cache},
    run: async (_, ctx) => { const g = globalThis['${name}']; g.runs += 1; const run = g.runs; await g.wait; return { run } },`)

test('one caller with a short deadline never fails the others sharing its cached computation', async (t) => {
  const root = await tempProject(t, { 'services/slow.ts': gated('sharedGate1', "{ ttl: '1h' }") })
  const rt = createRuntime({ root, logger: false })
  const g = gate('sharedGate1')
  const impatient = rt.call('slow', {}, { timeout: '30ms' })
  const patient = rt.call('slow', {})
  await assert.rejects(impatient, { code: 'NANO_E_TIMEOUT' })
  g.open()
  assert.deepEqual(await patient, { run: 1 }, 'the patient caller gets the shared result')
  assert.equal(g.runs, 1, 'single flight: one computation for both')
  assert.deepEqual(await rt.call('slow', {}, { timeout: '1ms' }), { run: 1 }, 'and it was cached')
})

test('a caller that aborts leaves the shared computation running for the others', async (t) => {
  const root = await tempProject(t, { 'services/slow.ts': gated('sharedGate2', "{ ttl: '1h' }") })
  const rt = createRuntime({ root, logger: false })
  const g = gate('sharedGate2')
  const controller = new AbortController()
  const leaving = rt.call('slow', {}, { signal: controller.signal })
  const staying = rt.call('slow', {})
  controller.abort()
  await assert.rejects(leaving, { code: 'NANO_E_ABORTED' })
  g.open()
  assert.deepEqual(await staying, { run: 1 })
})

test('a stale-while-revalidate refresh runs under its own context, not the deadline of the caller that triggered it', async (t) => {
  const root = await tempProject(t, {
    'services/swr.ts': gated('sharedGate3', "{ ttl: '1s', staleWhileRevalidate: '1h' }"),
  })
  const clock = new ManualClock()
  const rt = createRuntime({ root, logger: false, clock })
  const g = gate('sharedGate3')
  g.open()
  assert.deepEqual(await rt.call('swr', {}), { run: 1 })
  const g2 = gate('sharedGate3')
  g2.runs = 1
  clock.advance(1500)
  assert.deepEqual(await rt.call('swr', {}, { timeout: '10ms' }), { run: 1 }, 'stale value served at once')
  clock.advance(50)
  g2.open()
  await g2.wait
  for (let i = 0; i < 20 && g2.runs < 2; i++) await new Promise((r) => setImmediate(r))
  let fresh: unknown
  for (let i = 0; i < 50; i++) {
    fresh = await rt.call('swr', {})
    if ((fresh as { run: number }).run === 2) break
    await new Promise((r) => setImmediate(r))
  }
  assert.deepEqual(fresh, { run: 2 }, 'the refresh finished after the trigger deadline had passed, and was stored')
})

test('a service timeout still bounds the shared computation', async (t) => {
  const root = await tempProject(t, {
    'services/hang.ts': svc(`input: z.object({}), output: z.string(), cache: { ttl: '1h' }, timeout: '40ms',
      run: (_, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),`),
  })
  const rt = createRuntime({ root, logger: false })
  const [a, b] = await Promise.allSettled([rt.call('hang', {}), rt.call('hang', {})])
  assert.equal(a.status, 'rejected')
  assert.equal(b.status, 'rejected')
  assert.equal((a as PromiseRejectedResult).reason.code, 'NANO_E_TIMEOUT')
  assert.equal((b as PromiseRejectedResult).reason.code, 'NANO_E_TIMEOUT')
})
