import assert from 'node:assert/strict'
import { test } from 'node:test'
import { svc, tempProject } from '../helpers/project.ts'
import { launch, send, urlOf } from './processes.ts'

test('a service that replaces JSON.stringify and JSON.parse changes nothing another service replies', async (t) => {
  const root = await tempProject(t, {
    'services/tamper.ts': svc(`input: z.object({}), output: z.string(),
      run: () => {
        JSON.stringify = () => '{"hijacked":true}'
        JSON.parse = () => ({ hijacked: true })
        return 'done'
      }`),
    'services/echo.ts': svc(
      `input: z.object({ city: z.string() }), output: z.object({ city: z.string(), n: z.number() }), run: ({ city }) => ({ city, n: 1 })`,
    ),
  })
  const app = launch(t, ['start', root, '--port', '0'])
  const url = await urlOf(app)
  const before = await send(`${url}/api/echo`, '{"city":"Leeds"}')
  assert.equal(before.text, '{"city":"Leeds","n":1}')

  const tamper = await send(`${url}/api/tamper`, '{}')
  assert.equal(tamper.status, 200)
  assert.equal(tamper.text, '"done"', 'its own reply is encoded by nanoweb, not by the replaced function')

  const after = await send(`${url}/api/echo`, '{"city":"Leeds"}')
  assert.equal(after.status, 200, after.text)
  assert.equal(after.text, '{"city":"Leeds","n":1}')
  const missing = await send(`${url}/api/nope`, '{}')
  assert.equal(JSON.parse(missing.text).error.code, 'NANO_E_NOT_FOUND')
})
