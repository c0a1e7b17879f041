import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRuntime, isNanoError } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

declare global {
  var __gate: { running: number; most: number; waiters: (() => void)[] } | undefined
}

const held = svc(
  `input: z.object({}), output: z.string(), concurrency: { limit: 1, queue: 1 },
  async run() {
    const gate = (globalThis.__gate ??= { running: 0, most: 0, waiters: [] })
    gate.running += 1
    gate.most = Math.max(gate.most, gate.running)
    await new Promise((resolve) => gate.waiters.push(resolve))
    gate.running -= 1
    return 'done'
  },`,
)

const fanOut = svc(
  `input: z.object({ n: z.number() }), output: z.array(z.string()), uses: ['work/held'],
  run: ({ n }, ctx) => Promise.all(Array.from({ length: n }, () => ctx.call('work/held', {}).catch((e) => e.code))),`,
)

const codeOf = (error: unknown) => (isNanoError(error) ? error.code : String(error))

test('the gate bounds calls from other services too, and an aborted waiter leaves the queue', async (t) => {
  const root = await tempProject(t, { 'services/work/held.ts': held, 'services/work/fan-out.ts': fanOut })
  const rt = createRuntime({ root, logger: false })
  t.after(() => rt.close())
  globalThis.__gate = { running: 0, most: 0, waiters: [] }
  const gate = globalThis.__gate
  const fanned = rt.call('work/fan-out' as never, { n: 5 } as never) as Promise<string[]>
  await until(() => (gate.running === 1 ? true : undefined), 'one call runs')
  const release = setInterval(() => {
    for (const go of gate.waiters.splice(0)) go()
  }, 5)
  t.after(() => clearInterval(release))
  const results = await fanned
  clearInterval(release)
  assert.deepEqual(results.toSorted(), ['NANO_E_OVERLOADED', 'NANO_E_OVERLOADED', 'NANO_E_OVERLOADED', 'done', 'done'])
  assert.equal(gate.most, 1)

  const first = rt.call('work/held' as never, {} as never)
  await until(() => (gate.running === 1 ? true : undefined), 'the first call runs')
  const controller = new AbortController()
  const waiting = rt.call('work/held' as never, {} as never, { signal: controller.signal }).catch(codeOf)
  assert.equal(await rt.call('work/held' as never, {} as never).catch(codeOf), 'NANO_E_OVERLOADED', 'queue full')
  controller.abort()
  assert.equal(await waiting, 'NANO_E_ABORTED')
  const next = rt.call('work/held' as never, {} as never).catch(codeOf)
  for (const go of gate.waiters.splice(0)) go()
  await first
  await until(() => (gate.waiters.length === 1 ? true : undefined), 'the queued call runs once the slot is free')
  for (const go of gate.waiters.splice(0)) go()
  assert.equal(await next, 'done')
})
