import assert from 'node:assert/strict'
import { test } from 'node:test'
import { svc, tempProject } from '../helpers/project.ts'
import { type Answer, launch, logged, send, urlOf, waitFor } from './processes.ts'

const str = 'input: z.object({}), output: z.string(),'

test('unhandled rejections are logged with their service and the server keeps serving; process.exit() from a service is refused', async (t) => {
  const root = await tempProject(t, {
    'services/hello.ts': svc(`${str} run: () => 'hi'`),
    // a plain run: its Error's stack names the file
    'services/reject-sync.ts': svc(`${str} run: () => { Promise.reject(new Error('nobody listens')); return 'ok' }`),
    // an async run rejecting with a string (no stack): its async context names it
    'services/reject-async.ts': svc(
      `${str} async run() { await null; setTimeout(() => { Promise.reject('plain reason') }, 10); return 'ok' }`,
    ),
    'services/quit.ts': svc(`${str} run: () => { process.exit(0); return 'still here' }`),
    'services/quit-later.ts': svc(`${str} async run() { await new Promise((r) => setTimeout(r, 5)); process.exit(3) }`),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)

  assert.equal((await send(`${url}/api/reject-sync`, '{}')).status, 200)
  assert.equal((await send(`${url}/api/reject-async`, '{}')).status, 200)
  const sync = await waitFor(() => logged(app, "unhandled promise rejection from service 'reject-sync'"), 'sync', app)
  assert.equal(sync.service, 'reject-sync')
  const late = await waitFor(() => logged(app, "unhandled promise rejection from service 'reject-async'"), 'async', app)
  assert.equal(late.service, 'reject-async')
  assert.equal((await send(`${url}/api/hello`, '{}')).text, '"hi"')

  for (const name of ['quit', 'quit-later']) {
    const refused = await send(`${url}/api/${name}`, '{}')
    assert.equal(refused.status, 500, refused.text)
    assert.equal(JSON.parse(refused.text).error.code, 'NANO_E_EXIT_REFUSED')
    const record = await waitFor(() => logged(app, `service '${name}' called process.exit(): refused`), name, app)
    assert.equal(record.service, name)
  }
  assert.equal((await send(`${url}/api/hello`, '{}')).text, '"hi"')
  assert.equal(app.child.exitCode, null, app.output())
  assert.equal(app.child.signalCode, null)
})

test('an exception thrown later from a service timer is logged with the service; requests in flight are answered 500; the process exits 1', async (t) => {
  const root = await tempProject(t, {
    'services/boom.ts': svc(
      `${str} run: () => { setTimeout(() => { throw new Error('kaboom') }, 200); return 'answered' }`,
    ),
    'services/slow.ts': svc(
      `${str} timeout: '5m', async run(_input, ctx) { ctx.log.info('slow started'); await new Promise((r) => setTimeout(r, 120_000)); return 'late' }`,
    ),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)

  let slowAnswer: Answer | Error | undefined
  send(`${url}/api/slow`, '{}').then(
    (answer) => {
      slowAnswer = answer
    },
    (error: Error) => {
      slowAnswer = error
    },
  )
  await waitFor(() => logged(app, 'slow started'), 'the slow request to be running', app)

  const boom = await send(`${url}/api/boom`, '{}')
  assert.equal(boom.status, 200, 'the service answered before its timer threw')
  const { code } = await app.exited
  assert.equal(code, 1, app.output())
  const record = logged(app, "uncaught exception from service 'boom'")
  assert.ok(record !== undefined, app.output())
  assert.equal(record.service, 'boom')
  assert.match(JSON.stringify(record.error), /kaboom/)

  const slow = await waitFor(() => slowAnswer, 'the slow request to be answered', app)
  assert.ok(!(slow instanceof Error), `the request in flight was not answered: ${String(slow)}`)
  assert.equal(slow.status, 500)
  assert.equal(JSON.parse(slow.text).error.code, 'NANO_E_INTERNAL')
})
