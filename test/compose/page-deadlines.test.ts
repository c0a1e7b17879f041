import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { collectLogs, tempProject } from '../helpers/project.ts'
import { streamGet } from '../helpers/stream.ts'
import { until } from '../helpers/wait.ts'

type Seen = Record<string, { deadline: number; aborted?: string }>
const seen = (): Seen => ((globalThis as { pageSeen?: Seen }).pageSeen ??= {})

const waiter = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ key: z.string() }),
  render: ({ key }, ctx) => {
    const seen = (globalThis.pageSeen ??= {})
    seen[key] = { deadline: ctx.deadline }
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => {
      seen[key].aborted = ctx.signal.reason?.code ?? 'aborted'
      reject(ctx.signal.reason)
    }))
  },
})
`
const fast = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({ input: z.object({}), render: () => html\`<p>fast</p>\` })
`

const FILES: Record<string, string> = {
  'services/f/waiter.ts': waiter,
  'services/f/fast.ts': fast,
  'services/f/broken.ts': 'export default fragment({ render: \n',
  'pages/budget.html': `<html><body budget="60ms"><nano-fragment src="f/waiter" key="budget">budget fallback</nano-fragment><nano-fragment src="f/fast"></nano-fragment></body></html>`,
  'pages/timeout.html': `<html><body><nano-fragment src="f/waiter" key="timeout" timeout="40ms">timeout fallback</nano-fragment></body></html>`,
  'pages/gone.html': `<html><body><nano-fragment src="f/fast"></nano-fragment><nano-fragment src="f/waiter" key="gone">never</nano-fragment></body></html>`,
  'pages/problems.html': `<html><body><nano-fragment src="f/nope">missing</nano-fragment><nano-fragment src="f/broken">broken</nano-fragment><nano-fragment src="f/fast"></nano-fragment></body></html>`,
  'pages/sport/[match].html': `<html><body><p>match {params.match}</p></body></html>`,
  'pages/sport/live.html': `<html><body><p>the live page</p></body></html>`,
}

async function start(
  t: import('node:test').TestContext,
): Promise<{ server: NanoServer; records: Record<string, unknown>[] }> {
  const root = await tempProject(t, FILES)
  const { records, sink } = collectLogs()
  const server = await createServer({ root, port: 0, logger: sink })
  t.after(() => server.close())
  return { server, records }
}

test('a fragment under a page budget gets the budget as its deadline, and its signal aborts when the page stops waiting', async (t) => {
  const { server, records } = await start(t)
  const before = Date.now()
  const r = await streamGet(server.port, '/budget')
  assert.equal(r.status, 200)
  assert.match(r.body, /budget fallback[\s\S]*<p>fast<\/p>/)
  const s = await until(() => (seen().budget?.aborted ? seen().budget : undefined), 'the fragment signal aborted')
  assert.ok(Number.isFinite(s.deadline) && s.deadline >= before + 60, `ctx.deadline is the budget (${s.deadline})`)
  assert.equal(s.aborted, 'NANO_E_TIMEOUT')
  const logged = records.find((rec) => rec.fragment === 'f/waiter' && rec.reason === 'budget')
  assert.ok(logged, 'the fallback is logged with its reason')
  assert.equal(logged.page, 'pages/budget.html')
  assert.match(String(logged.traceId), /^[0-9a-f]{32}$/)
})

test('a slot timeout is the fragment deadline; the fallback is logged as a timeout', async (t) => {
  const { server, records } = await start(t)
  const before = Date.now()
  const r = await streamGet(server.port, '/timeout')
  assert.match(r.body, /timeout fallback/)
  const s = await until(() => (seen().timeout?.aborted ? seen().timeout : undefined), 'the fragment signal aborted')
  assert.ok(s.deadline >= before + 40 && s.deadline < before + 60_000)
  assert.ok(records.some((rec) => rec.fragment === 'f/waiter' && rec.reason === 'timeout'))
})

test('a client that goes away stops the fragments still running for it', async (t) => {
  const { server } = await start(t)
  await new Promise<void>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    socket.write('GET /gone HTTP/1.1\r\nhost: test\r\n\r\n')
    socket.on('data', (data) => {
      if (data.toString().includes('<p>fast</p>')) {
        socket.destroy()
        resolve()
      }
    })
    socket.on('error', reject)
  })
  const s = await until(() => (seen().gone?.aborted ? seen().gone : undefined), 'the fragment signal aborted')
  assert.equal(s.deadline, Number.POSITIVE_INFINITY, 'no time limit, only the page signal')
  assert.equal(s.aborted, 'NANO_E_ABORTED')
})

test('a page naming a missing or broken fragment is reported when the page is loaded, and each fallback says why', async (t) => {
  const { server, records } = await start(t)
  await until(() => ((server.app as { ready: boolean }).ready ? true : undefined), 'warm-up done')
  const problems = records.filter((rec) => rec.page === 'pages/problems.html' && rec.reason === undefined)
  assert.ok(
    problems.some((rec) => /no service named 'f\/nope'/.test(String(rec.message))),
    'missing reported at load',
  )
  assert.ok(
    problems.some((rec) => /'f\/broken' does not load/.test(String(rec.message))),
    'broken reported at load',
  )
  assert.ok(
    problems.every((rec) => !String(rec.message).includes(server.runtime.root)),
    'no absolute path',
  )
  const r = await streamGet(server.port, '/problems')
  assert.equal(r.status, 200)
  assert.match(r.body, /missing[\s\S]*broken[\s\S]*<p>fast<\/p>/)
  const reasons = records.filter((rec) => rec.page === 'pages/problems.html' && rec.reason).map((rec) => rec.reason)
  assert.deepEqual(reasons.sort(), ['does not compile', 'not found'])
})

test('a static page wins over a [param] page in the same folder', async (t) => {
  const { server } = await start(t)
  assert.match((await request(`${server.url}/sport/live`)).text, /the live page/)
  assert.match((await request(`${server.url}/sport/r7`)).text, /match r7/)
})
