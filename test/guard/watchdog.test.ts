import assert from 'node:assert/strict'
import { test } from 'node:test'
import { svc, tempProject } from '../helpers/project.ts'
import { type Answer, launch, logged, send, urlOf, waitFor } from './processes.ts'

const str = 'input: z.object({}), output: z.string(),'
const config = (options: string): string => `export default { ${options} }\n`

test('a busy loop is reported during the stall, naming the service; /_nano/ready answers 503 right after', async (t) => {
  const root = await tempProject(t, {
    'nanoweb.config.ts': config(`stallLimit: '1s'`),
    'services/hello.ts': svc(`${str} run: () => 'hi'`),
    'services/spin.ts': svc(
      `${str} timeout: '100ms', run: () => { const end = Date.now() + 7000; while (Date.now() < end) {} return 'spun' }`,
    ),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)
  assert.equal((await send(`${url}/_nano/ready`)).status, 200)

  let spun: Answer | undefined
  void send(`${url}/api/spin`, '{}').then((answer) => {
    spun = answer
  })
  const during = await waitFor(() => logged(app, 'event loop stalled for over'), 'the stall reported', app)
  assert.equal(spun, undefined, 'reported while the loop was still stalled')
  assert.equal(during.service, 'spin')
  assert.match(String(during.message), /in service 'spin'/)

  const ready = await send(`${url}/_nano/ready`)
  assert.equal(ready.status, 503, ready.text)
  assert.deepEqual(JSON.parse(ready.text), { ready: false, stalled: true })
  await waitFor(() => spun, 'the spinning call to end', app)
  const after = await waitFor(() => logged(app, 'event loop was stalled for'), 'the stall logged once over', app)
  assert.equal(after.service, 'spin')
  assert.equal((await send(`${url}/api/hello`, '{}')).text, '"hi"')
  await waitFor(async () => (await send(`${url}/_nano/ready`)).status === 200 || undefined, 'ready again', app)
  assert.equal(app.child.exitCode, null)
})

test('under --workers, a stalled worker is killed and replaced while the other answers', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, {
    'nanoweb.config.ts': config(`stallLimit: '1s'`),
    'services/pid.ts': svc(`input: z.object({}), output: z.number(), run: () => process.pid`),
    'services/forever.ts': svc(`${str} run: () => { for (;;) {} }`),
  })
  const app = launch(t, ['start', root, '--port', '0', '--workers', '2'])
  const url = await urlOf(app)
  const pidOf = async (): Promise<number> => Number((await send(`${url}/api/pid`, '{}')).text)
  const pids = new Set<number>()
  await waitFor(async () => (pids.add(await pidOf()).size >= 2 ? true : undefined), 'two workers answering', app)

  void send(`${url}/api/forever`, '{}').catch(() => {})
  const killed = await waitFor(() => logged(app, 'killing this worker'), 'the stalled worker reported', app)
  assert.equal(killed.service, 'forever')
  const stalledPid = killed.pid as number
  assert.ok(pids.has(stalledPid))
  await waitFor(
    () => app.out.stderr.includes(`(pid ${stalledPid}) exited (signal SIGKILL); restarting`) || undefined,
    'the primary to restart the worker',
    app,
  )
  const answered = new Set<number>()
  await waitFor(
    async () => {
      const answer = await send(`${url}/api/pid`, '{}')
      assert.equal(answer.status, 200, answer.text)
      answered.add(Number(answer.text))
      return [...answered].some((pid) => !pids.has(pid)) || undefined
    },
    'the replacement answering (every request answered meanwhile)',
    app,
  )
  assert.ok(!answered.has(stalledPid))
  app.child.kill('SIGTERM')
  assert.equal((await app.exited).code, 0, app.output())
})
