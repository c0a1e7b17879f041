import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { configProblems } from '../../src/cli/config-schema.ts'
import { serveSettings } from '../../src/cli/serve-settings.ts'
import type { NanowebConfig } from '../../src/index.ts'
import { serve, until } from '../helpers/cli.ts'
import { post } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

test('config keys untrusted, limits and isolateIdle are checked, and limits becomes isolateLimits', () => {
  const config: NanowebConfig = {
    untrusted: ['plugins/**'],
    limits: { memory: '32MB', cpu: '20ms' },
    isolateIdle: '30s',
  }
  assert.deepEqual(configProblems(config), [])
  assert.deepEqual(configProblems({ limits: { memory: 1 << 25, cpu: 20 } }), [])
  const settings = serveSettings({ options: {}, config, dev: false })
  assert.deepEqual(settings.isolateLimits, { memory: '32MB', cpu: '20ms' })
  assert.deepEqual(settings.untrusted, ['plugins/**'])
  assert.equal(settings.isolateIdle, '30s')
  assert.equal('limits' in settings, false)
  assert.deepEqual(configProblems({ untrusted: 'plugins/**' }), [
    'untrusted must be an array of glob patterns on service names whose services run in isolates, such as [\'plugins/**\'] (got "plugins/**")',
  ])
  assert.match(
    configProblems({ limits: { memory: '64 megs' } })[0] ?? '',
    /^limits\.memory must be a size: .*\(got "64 megs"\)$/,
  )
  assert.deepEqual(configProblems({ limits: { cpus: 1 } }), [
    "unknown option 'limits.cpus' (did you mean 'limits.cpu'?)",
  ])
  assert.match(configProblems({ isolateIdle: 'soon' })[0] ?? '', /^isolateIdle must be a duration/)
})

const PLAIN = svc(`input: z.object({ spin: z.boolean().default(false) }), output: z.string(),
  run: ({ spin }) => { if (spin) for (;;) {} return typeof process + ' v1' },`)

test('nanoweb dev with config untrusted and limits: the glob isolates a plain service, the limit applies, a change reloads it', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, {
    'services/plugins/plain.ts': PLAIN,
    'nanoweb.config.ts': `import { defineConfig } from '@nanoweb/core'\nexport default defineConfig({ untrusted: ['plugins/**'], limits: { cpu: '100ms' } })\n`,
  })
  const { url } = await serve(t, ['dev', root, '--port', '0'])
  const first = await post(`${url}/api/plugins/plain`, {})
  assert.equal(first.body, 'undefined v1', 'no process: it runs in an isolate')
  const spun = await post(`${url}/api/plugins/plain`, { spin: true })
  assert.equal(spun.status, 500)
  assert.equal((spun.body as { error: { code: string } }).error.code, 'NANO_E_LIMIT')
  assert.match((spun.body as { error: { message: string } }).error.message, /cpu limit \(100ms of CPU time per call\)/)
  await writeFile(join(root, 'services/plugins/plain.ts'), PLAIN.replace("' v1'", "' v2'"))
  await until(async () => (await post(`${url}/api/plugins/plain`, {})).body === 'undefined v2', 20_000)
})
