import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { ManualClock } from '../helpers/clock.ts'
import { collectLogs, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const FILES = {
  'services/t/counter.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ n: z.number() }),
  live: { on: 'counters' },
  render: ({ n }) => html\`<b>\${n}</b>\`,
})
`,
}

const fresh = (n: number, extra: Record<string, unknown> = {}) =>
  `f=${encodeURIComponent(`t/counter~${Buffer.from(JSON.stringify({ n, ...extra })).toString('base64url')}`)}`

test('thousands of HEAD and GET requests naming fresh ids: the instance count stays bounded', async (t) => {
  const clock = new ManualClock()
  const logs = collectLogs()
  const root = await tempProject(t, FILES)
  const server = await createServer({
    root,
    port: 0,
    clock,
    logger: logs.sink as never,
    live: { maxInstances: 100, streamsPerAddress: 1000, idleGrace: '5s' },
  })
  t.after(() => server.close())
  const live = `${server.url}/_nano/live?`
  let n = 0
  let most = 0
  const statuses: Record<number, number> = {}
  const count = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1
    most = Math.max(most, server.app.live.stats().instances)
  }
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await fetch(live + fresh(n++), { method: 'HEAD' })
        count(res.status)
      }),
    )
  }
  assert.deepEqual({ ...statuses }, { 200: 2000 })
  assert.equal(server.app.live.stats().instances, 0, 'HEAD stores nothing')
  for (let batch = 0; batch < 40; batch++) {
    const opened = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const controller = new AbortController()
        const ids = i % 10 === 0 ? `${fresh(n, { junk: 1 })}&${fresh(n++)}` : fresh(n++)
        const res = await fetch(live + ids, { signal: controller.signal })
        count(res.status)
        if (res.status !== 200) await res.text()
        return controller
      }),
    )
    for (const controller of opened) controller.abort()
    await until(() => (server.app.live.stats().viewers === 0 ? true : undefined), 'every stream closed')
  }
  assert.ok(most <= 100, `at most maxInstances held (${most})`)
  assert.equal(statuses[400], 200, 'a non-canonical id (junk keys) is refused')
  assert.equal(statuses[200], 2000 + 1800)
  assert.equal(server.app.live.stats().instances, 100, 'the newest idle instances kept for a reconnect')
  clock.advance(5000)
  assert.equal(server.app.live.stats().instances, 0, 'dropped once idle for the grace')
  assert.equal(logs.records.filter((r) => r.message === 'live stream refused').length, 200)
})
