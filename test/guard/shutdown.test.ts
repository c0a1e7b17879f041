import assert from 'node:assert/strict'
import { test } from 'node:test'
import { svc, tempProject } from '../helpers/project.ts'
import { launch, send, urlOf, waitFor } from './processes.ts'

test('SIGTERM ends the process even when a service stalls the loop during the shutdown', async (t) => {
  const root = await tempProject(t, {
    'nanoweb.config.ts': `export default { shutdownTimeoutMs: 1000 }\n`,
    'services/trap.ts': svc(
      `input: z.object({}), output: z.string(), run: () => { process.once('SIGTERM', () => { for (;;) {} }); return 'armed' }`,
    ),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)
  assert.equal((await send(`${url}/api/trap`, '{}')).text, '"armed"')
  app.child.kill('SIGTERM')
  const ended = await Promise.race([
    app.exited,
    new Promise((resolve) => setTimeout(resolve, 30_000, 'running').unref()),
  ])
  assert.notEqual(ended, 'running', `still running 30 s after SIGTERM\n${app.output()}`)
  assert.deepEqual(ended, { code: null, signal: 'SIGKILL' }, app.output())
  await waitFor(
    () => app.out.stderr.includes('shutdown did not finish within its timeout: killing the process') || undefined,
    'the watchdog to say why it killed the process',
    app,
  )
})
