import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { createServer } from '../../src/index.ts'
import { collectLogs, REPO } from '../helpers/project.ts'
import { streamGet } from '../helpers/stream.ts'

test('the first front page after start, with both cores busy, answers 200 with every fragment rendered', async (t) => {
  const spinners = [0, 1].map(() => new Worker('for (;;) {}', { eval: true }))
  t.after(() => Promise.all(spinners.map((w) => w.terminate())))
  const { records, sink } = collectLogs()
  const server = await createServer({ root: join(REPO, 'examples/news'), port: 0, logger: sink })
  t.after(() => server.close())
  const page = await streamGet(server.port, '/')
  const fellBack = records.filter((r) => r.reason !== undefined || r.level === 'error')
  assert.deepEqual(
    fellBack.map((r) => `${r.message} ${String((r.error as Error | undefined)?.message ?? '')}`),
    [],
    'no fragment fell back, nothing failed',
  )
  assert.equal(page.status, 200)
  assert.equal((page.body.match(/<nano-fragment/g) ?? []).length, 0, 'every slot replaced')
  assert.ok(page.body.length > 20_000, `the whole page (${page.body.length} bytes)`)
})
