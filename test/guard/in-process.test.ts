import assert from 'node:assert/strict'
import { test } from 'node:test'
import { configProblems } from '../../src/cli/config-schema.ts'
import { ServiceBlame } from '../../src/guard/attribution.ts'
import { createServer } from '../../src/index.ts'
import { collectLogs, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

test('createServer watches the loop: a stall marks it unready for stallLimit after, and is logged with its service', async (t) => {
  const root = await tempProject(t, {
    'services/spin.ts': svc(
      `input: z.object({ ms: z.number() }), output: z.number(), run: ({ ms }) => { const end = Date.now() + ms; while (Date.now() < end) {} return ms }`,
    ),
  })
  const logs = collectLogs()
  const server = await createServer({ root, port: 0, stallLimit: '200ms', logger: logs.sink, warm: false })
  t.after(() => server.close())
  assert.ok(server.loopWatch !== undefined)
  await server.runtime.call('spin', { ms: 0 } as never) // loaded: loading may stall 200 ms on a busy machine
  await until(async () => ((await fetch(`${server.url}/_nano/ready`)).status === 200 ? true : undefined), 'ready')
  await server.runtime.call('spin', { ms: 1500 } as never)
  await until(() => (server.loopWatch?.stalled() === true ? true : undefined), 'the stall flagged')
  const ready = await fetch(`${server.url}/_nano/ready`)
  assert.equal(ready.status, 503)
  assert.deepEqual(await ready.json(), { ready: false, stalled: true })
  const record = await until(
    () => logs.records.find((r) => String(r.message).startsWith('event loop was stalled') && r.service === 'spin'),
    'the stall logged',
  )
  assert.match(String(record.message), /in service 'spin'/)
  await until(async () => ((await fetch(`${server.url}/_nano/ready`)).status === 200 ? true : undefined), 'ready again')
})

test('stallLimit: false starts no watchdog; a bad stallLimit is refused', async (t) => {
  const root = await tempProject(t, { 'services/a.ts': svc(`input: z.object({}), output: z.number(), run: () => 1`) })
  const server = await createServer({ root, port: 0, stallLimit: false, logger: false })
  t.after(() => server.close())
  assert.equal(server.loopWatch, undefined)
  assert.throws(() => createServer({ root, stallLimit: 'soon' as never, logger: false }), /stallLimit/)
  assert.deepEqual(configProblems({ stallLimit: false, maxCallsPerRequest: 50 }), [])
  assert.deepEqual(configProblems({ stallLimit: 'soon' }), [
    `stallLimit must be false, or a duration: milliseconds (a number of 0 or more) or a string such as '150ms', '10s', '5m', '1h' (got "soon")`,
  ])
  assert.deepEqual(configProblems({ maxCallsPerRequest: 0 }), [
    'maxCallsPerRequest must be an integer of 1 or more (got 0)',
  ])
})

test('a stack frame in a service file names the service, also after a reload (?v=2) and through a symlinked root', () => {
  const blame = new ServiceBlame(['/app'])
  const stack = `Error: kaboom
    at Timeout._onTimeout (file:///app/services/news/top.ts?v=2:5:11)
    at listOnTimeout (node:internal/timers:608:17)`
  assert.equal(blame.inStack(stack), 'news/top')
  assert.equal(blame.inStack('Error\n    at run (/app/services/geo/lookup.js:1:2)'), 'geo/lookup')
  assert.equal(
    blame.inStack('Error\n    at x (file:///app/services/_lib/util.ts:1:2)'),
    undefined,
    'not a service file',
  )
  assert.equal(blame.inStack('Error\n    at x (file:///other/services/a.ts:1:2)'), undefined, 'another root')
  assert.equal(blame.of('a string, no stack'), undefined)
})
