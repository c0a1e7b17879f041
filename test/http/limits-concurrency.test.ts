import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { post } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

interface Held {
  running: number
  most: number
  started: number
  waiters: (() => void)[]
}

declare global {
  var __held: Record<string, Held> | undefined
}

/** A service whose calls wait until the test lets them go, counting how many run at once. */
const heldService = (key: string, extra: string) =>
  svc(
    `input: z.object({}), output: z.string(), ${extra},
  async run() {
    const held = ((globalThis.__held ??= {})['${key}'] ??= { running: 0, most: 0, started: 0, waiters: [] })
    held.running += 1
    held.started += 1
    held.most = Math.max(held.most, held.running)
    await new Promise((resolve) => held.waiters.push(resolve))
    held.running -= 1
    return 'done'
  },`,
  )

const heldOf = (key: string): Held => {
  globalThis.__held ??= {}
  globalThis.__held[key] ??= { running: 0, most: 0, started: 0, waiters: [] }
  return globalThis.__held[key]
}

test('concurrency 2, queue 2: of 8 parallel calls 4 are refused at once with 503 NANO_E_OVERLOADED, 4 run, 2 at a time', async (t) => {
  const root = await tempProject(t, {
    'services/slow/work.ts': heldService('work', 'concurrency: { limit: 2, queue: 2 }'),
  })
  const server = await createServer({ root, port: 0, logger: false, warm: 'all' })
  t.after(() => server.close())
  await server.app.warm()
  const held = heldOf('work')
  const answers = Array.from({ length: 8 }, () => post(`${server.url}/api/slow/work`, {}))
  const settled: Awaited<(typeof answers)[number]>[] = []
  for (const answer of answers) void answer.then((a) => settled.push(a))
  await until(() => (settled.length === 4 ? true : undefined), 'the overflow was answered')
  assert.deepEqual(
    settled.map((a) => a.status),
    [503, 503, 503, 503],
  )
  for (const refused of settled) {
    assert.equal((refused.body as { error: { code: string } }).error.code, 'NANO_E_OVERLOADED')
    assert.equal(refused.headers.get('retry-after'), '1')
    assert.match((refused.body as { error: { message: string } }).error.message, /slow\/work.*concurrency 2, queue 2/)
  }
  assert.equal(held.running, 2)
  while (settled.length < 8) {
    held.waiters.splice(0).forEach((go) => {
      go()
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  assert.deepEqual(
    settled.slice(4).map((a) => [a.status, a.body]),
    Array(4).fill([200, 'done']),
  )
  assert.equal(held.started, 4, 'the refused calls never reached the service')
  assert.equal(held.most, 2, 'never more than the limit at once')
})

test('a call waiting in the queue leaves it when its deadline passes (504), and the queue frees up', async (t) => {
  const root = await tempProject(t, {
    'services/slow/timed.ts': heldService('timed', "concurrency: { limit: 1, queue: 1 }, timeout: '300ms'"),
  })
  const server = await createServer({ root, port: 0, logger: false, warm: 'all' })
  t.after(() => server.close())
  await server.app.warm()
  const held = heldOf('timed')
  const first = post(`${server.url}/api/slow/timed`, {})
  await until(() => (held.running === 1 ? true : undefined), 'the first call runs')
  const queued = await post(`${server.url}/api/slow/timed`, {})
  assert.equal(queued.status, 504, 'the queued call timed out waiting')
  assert.equal((queued.body as { error: { code: string } }).error.code, 'NANO_E_TIMEOUT')
  assert.equal(held.started, 1, 'it never ran')
  const timedOut = await first
  assert.equal(timedOut.status, 504, 'the running call timed out too, but its run still holds the slot')
  assert.equal(held.running, 1)
  const stillQueued = await post(`${server.url}/api/slow/timed`, {})
  assert.equal(stillQueued.status, 504, 'the next call waits behind the unfinished run, then times out')
  assert.equal(held.started, 1)
  held.waiters.splice(0).forEach((go) => {
    go()
  })
  await until(() => (held.running === 0 ? true : undefined), 'the first run ended')
  const next = post(`${server.url}/api/slow/timed`, {})
  await until(() => (held.started === 2 ? true : undefined), 'a call runs once the slot is free')
  held.waiters.splice(0).forEach((go) => {
    go()
  })
  await next
})
