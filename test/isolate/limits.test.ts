import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, createServer, isNanoError } from '../../src/index.ts'
import { post } from '../helpers/http.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

/** A service that counts its calls in module state: a new isolate starts again at 1. */
const counted = (body: string, spec = ''): string =>
  svc(
    `trust: 'untrusted', ${spec}
  input: z.object({ attack: z.boolean().default(false) }), output: z.number(),
  async run({ attack }) {
    calls += 1
    if (attack) { ${body} }
    return calls
  },`,
    'let calls = 0',
  )

const FILES = {
  'services/plugins/spin.ts': counted('for (;;) {}', "limits: { cpu: '50ms' },"),
  'services/plugins/later-spin.ts': counted(
    'await Promise.resolve(); await new Promise((r) => setTimeout(r, 5)); for (;;) {}',
    "limits: { cpu: '50ms' },",
  ),
  'services/plugins/hog.ts': counted(
    'const chunks = []; for (let i = 0; i < 1024; i++) chunks.push(new Array(131072).fill(i)); return chunks.length',
    "limits: { memory: '32MB', cpu: '10s' },",
  ),
  'services/plugins/buffer.ts': counted('new ArrayBuffer(2 ** 30)', "limits: { memory: '32MB' },"),
  'services/plugins/never.ts': counted('await new Promise(() => {})', "timeout: '150ms',"),
  'services/plugins/listener.ts': svc(`trust: 'untrusted', timeout: '100ms', input: z.object({}), output: z.string(),
    run(_, ctx) {
      ctx.signal.addEventListener('abort', () => ctx.log.warn('saw abort', { code: ctx.signal.reason.code }))
      return new Promise(() => {})
    },`),
  'services/ping.ts': svc(`input: z.object({}), output: z.string(), run: () => 'pong'`),
}

async function limitFailure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const error = await promise.then(
    (value) => assert.fail(`expected NANO_E_LIMIT, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  )
  assert.ok(isNanoError(error), String(error))
  return error as Error & { code: string }
}

test('an infinite loop goes over the cpu limit: NANO_E_LIMIT naming it, and the next call gets a new isolate', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  assert.equal(await rt.call('plugins/spin', {}), 1)
  assert.equal(await rt.call('plugins/spin', {}), 2)
  const error = await limitFailure(rt.call('plugins/spin', { attack: true }))
  assert.equal(error.code, 'NANO_E_LIMIT')
  assert.match(error.message, /'plugins\/spin' went over its cpu limit \(50ms of CPU time per call\)/)
  assert.equal(await rt.call('plugins/spin', {}), 1, 'a fresh isolate')
  const later = await limitFailure(rt.call('plugins/later-spin', { attack: true }))
  assert.equal(later.code, 'NANO_E_LIMIT', 'a loop after an await is caught too')
  assert.equal(await rt.call('plugins/later-spin', {}), 1)
})

test('an isolate over its memory limit: NANO_E_LIMIT naming it, and the next call works', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  assert.equal(await rt.call('plugins/hog', {}), 1)
  const error = await limitFailure(rt.call('plugins/hog', { attack: true }))
  assert.equal(error.code, 'NANO_E_LIMIT')
  assert.match(error.message, /went over its memory limit \(32MB of memory\)/)
  assert.equal(await rt.call('plugins/hog', {}), 1)
  const buffer = await limitFailure(rt.call('plugins/buffer', { attack: true }))
  assert.equal(buffer.code, 'NANO_E_LIMIT', 'a 1 GiB ArrayBuffer is refused as over the memory limit')
  assert.equal(typeof (await rt.call('plugins/buffer', {})), 'number', 'the next call works')
})

test('a promise that never settles ends with NANO_E_TIMEOUT at the service timeout; the isolate is still usable', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  const error = await rt.call('plugins/never', { attack: true }).catch((e: unknown) => e)
  assert.ok(isNanoError(error) && error.code === 'NANO_E_TIMEOUT', String(error))
  assert.equal(await rt.call('plugins/never', {}), 2, 'same isolate: the hung call was dropped, not the isolate')
  const caller = await rt.call('plugins/spin', {}, { timeout: '1ms' }).catch((e: unknown) => e)
  assert.ok(caller === 1 || (isNanoError(caller) && caller.code === 'NANO_E_TIMEOUT'))
})

test('ctx.signal inside the isolate aborts when the call times out on the host', async (t) => {
  const root = await tempProject(t, FILES)
  const logs = collectLogs()
  const rt = createRuntime({ root, logger: logs.sink as never })
  t.after(() => rt.close())
  const error = await rt.call('plugins/listener', {}).catch((e: unknown) => e)
  assert.ok(isNanoError(error) && error.code === 'NANO_E_TIMEOUT', String(error))
  const seen = await until(() => logs.records.find((r) => r.message === 'saw abort'), 'the abort listener ran')
  assert.equal(seen.code, 'NANO_E_TIMEOUT')
  assert.equal(seen.service, 'plugins/listener')
})

test('an idle isolate is disposed after isolateIdle, and the next call makes a new one', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, logger: false, isolateIdle: '100ms' })
  t.after(() => rt.close())
  assert.equal(await rt.call('plugins/spin', {}), 1)
  assert.equal(await rt.call('plugins/spin', {}), 2, 'kept while in use')
  await new Promise((resolve) => setTimeout(resolve, 400))
  await until(async () => ((await rt.call('plugins/spin', {})) === 1 ? true : undefined), 'the isolate was recreated')
})

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number
}

test('during cpu and memory attacks another endpoint keeps answering 200 (its p99 is printed)', async (t) => {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, host: '127.0.0.1', logger: false })
  t.after(() => server.close())
  assert.equal((await post(`${server.url}/api/ping`, {})).status, 200)
  for (const attack of ['plugins/spin', 'plugins/hog']) {
    await post(`${server.url}/api/${attack}`, {})
    let attacking = true
    const attacks = (async () => {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await post(`${server.url}/api/${attack}`, { attack: true })).status)
      attacking = false
      return statuses
    })()
    const latencies: number[] = []
    const statuses = new Set<number>()
    while (attacking) {
      const start = performance.now()
      statuses.add((await post(`${server.url}/api/ping`, {})).status)
      latencies.push(performance.now() - start)
    }
    assert.deepEqual(await attacks, [500, 500, 500, 500, 500], `${attack}: each attack ends NANO_E_LIMIT`)
    assert.deepEqual([...statuses], [200], `${attack}: ping answered 200 throughout`)
    const sorted = [...latencies].sort((a, b) => a - b)
    const median = sorted[sorted.length >> 1] as number
    console.log(
      `${attack} attack: ping p50 ${median.toFixed(1)} ms, p99 ${p99(latencies).toFixed(1)} ms, max ${(sorted.at(-1) as number).toFixed(1)} ms over ${latencies.length} requests`,
    )
  }
})
