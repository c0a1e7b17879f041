import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, isNanoError, systemClock } from '../../src/index.ts'
import { Deadline } from '../../src/runtime/deadline.ts'
import { svc, tempProject } from '../helpers/project.ts'

const probe =
  svc(`input: z.object({}), output: z.object({ deadline: z.number(), traceId: z.string(), caller: z.string().optional() }),
  timeout: '10s',
  run: (_, ctx) => ({ deadline: ctx.deadline, traceId: ctx.traceId, caller: ctx.caller }),`)

test('a callee never gets more time than its caller has left', async (t) => {
  const root = await tempProject(t, {
    'services/probe.ts': probe,
    'services/outer.ts': svc(`input: z.object({}), output: z.unknown(), uses: ['probe'], timeout: '200ms',
      run: async (_, ctx) => ({ mine: ctx.deadline, trace: ctx.traceId, inner: await ctx.call('probe', {}) }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const before = Date.now()
  const out = (await rt.call('outer', {})) as {
    mine: number
    trace: string
    inner: { deadline: number; traceId: string; caller: string }
  }
  assert.ok(out.mine >= before + 200 && out.mine <= Date.now() + 200, 'outer deadline is now + its 200ms timeout')
  assert.equal(out.inner.deadline, out.mine, 'the 10s callee inherits the 200ms caller deadline')
  assert.equal(out.inner.traceId, out.trace, 'one trace id for the whole call tree')
  assert.equal(out.inner.caller, 'outer')
  assert.match(out.trace, /^[0-9a-f]{32}$/)
})

test('a callee with a shorter timeout gets the earlier deadline; the caller option caps the root', async (t) => {
  const root = await tempProject(t, {
    'services/probe.ts': probe.replace("timeout: '10s'", "timeout: '50ms'"),
    'services/outer.ts': svc(`input: z.object({}), output: z.unknown(), uses: ['probe'],
      run: async (_, ctx) => ({ mine: ctx.deadline, inner: await ctx.call('probe', {}) }),`),
  })
  const rt = createRuntime({ root, logger: false })
  const before = Date.now()
  const out = (await rt.call('outer', {}, { timeout: '5s', traceId: 'ab'.repeat(16), caller: 'http' })) as {
    mine: number
    inner: { deadline: number; traceId: string }
  }
  assert.ok(out.mine >= before + 5000 && out.mine <= Date.now() + 5000)
  assert.ok(out.inner.deadline < out.mine && out.inner.deadline <= Date.now() + 50)
  assert.equal(out.inner.traceId, 'ab'.repeat(16), 'a given trace id is continued')
  const open = (await rt.call('outer', {})) as { mine: number }
  assert.equal(open.mine, Number.POSITIVE_INFINITY, 'no timeout anywhere: no deadline')
})

test('the deadline aborts ctx.signal, and a timeout deep down fails the whole tree', async (t) => {
  const root = await tempProject(t, {
    'services/wait.ts': svc(`input: z.object({}), output: z.string(),
      run: (_, ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => { globalThis.abortedWith = ctx.signal.reason.code; resolve('aborted') })
      }),`),
    'services/top.ts': svc(`input: z.object({}), output: z.unknown(), uses: ['wait'], timeout: '40ms',
      run: (_, ctx) => ctx.call('wait', {}),`),
  })
  const rt = createRuntime({ root, logger: false })
  await assert.rejects(rt.call('top', {}), { code: 'NANO_E_TIMEOUT' })
  assert.equal((globalThis as { abortedWith?: string }).abortedWith, 'NANO_E_TIMEOUT')
})

test('an outside AbortSignal aborts the call with NANO_E_ABORTED', async (t) => {
  const root = await tempProject(t, {
    'services/forever.ts': svc(`input: z.object({}), output: z.string(), run: () => new Promise(() => {}),`),
  })
  const rt = createRuntime({ root, logger: false })
  const controller = new AbortController()
  const call = rt.call('forever', {}, { signal: controller.signal })
  setTimeout(() => controller.abort(), 10)
  await assert.rejects(call, { code: 'NANO_E_ABORTED', status: 499 })
})

test('a deadline already passed fails at once without running the service', async (t) => {
  const root = await tempProject(t, {
    'services/count.ts': svc(
      `input: z.object({}), output: z.number(), run: () => (globalThis.counted = (globalThis.counted ?? 0) + 1),`,
    ),
  })
  const rt = createRuntime({ root, logger: false })
  await assert.rejects(rt.call('count', {}, { deadline: Date.now() - 1 }), { code: 'NANO_E_TIMEOUT' })
  assert.equal((globalThis as { counted?: number }).counted, undefined)
})

test('Deadline.abort ends it now, before or after anyone waits, with NANO_E_ABORTED or the reason given', async () => {
  const early = new Deadline({ at: Date.now() + 60_000, setBy: 'page', clock: systemClock })
  early.abort()
  assert.equal(early.passed, true)
  assert.equal(early.signal.aborted, true)
  await assert.rejects(early.expired(), (error: unknown) => isNanoError(error) && error.code === 'NANO_E_ABORTED')

  const armed = new Deadline({ at: Date.now() + 60_000, setBy: 'page', clock: systemClock })
  const signal = armed.signal
  const waiting = assert.rejects(armed.expired(), /client left/)
  armed.abort(new Error('client left'))
  assert.equal(signal.aborted, true)
  await waiting
  armed.abort(new Error('again'))
  assert.match(String(signal.reason), /client left/, 'the first reason stands')
})
