import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serve } from '../helpers/cli.ts'
import { svc, tempProject } from '../helpers/project.ts'

const ADMIN = 'key-admin-0123456789abcd'

test('nanoweb start reads auth, admin and production from nanoweb.config.ts', { timeout: 90_000 }, async (t) => {
  const root = await tempProject(t, {
    'api-keys.json': JSON.stringify({ [ADMIN]: { id: 'root', roles: ['ops'] } }),
    'services/me.ts': svc(
      `access: 'user', input: z.object({}), output: z.string(), run: (_, ctx) => ctx.request.user.id,`,
    ),
    'nanoweb.config.ts': `import { defineConfig } from '@nanoweb/core'
export default defineConfig({ auth: { apiKeys: './api-keys.json' }, production: true, admin: { roles: ['ops'] } })
`,
  })
  const node = await serve(t, ['start', root, '--port', '0'])
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${node.url}${path}`, { headers, signal: AbortSignal.timeout(30_000) })
  assert.equal((await get('/_nano/catalog')).status, 401)
  assert.equal((await get('/_nano/catalog', { 'x-api-key': ADMIN })).status, 200)
  const me = await fetch(`${node.url}/api/me`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: '{}',
  })
  assert.equal(await me.json(), 'root')
})
