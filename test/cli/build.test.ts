import assert from 'node:assert/strict'
import { readFile, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { BundledExecutor, type BundleManifest } from '../../src/runtime/bundled-executor.ts'
import { contentVersion } from '../../src/runtime/executor.ts'
import { nanoweb, serve, until } from '../helpers/cli.ts'
import { post, request } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

/** A service answering the stack frame of its own `run`: where the code that runs was loaded from. */
const WHERE = svc(`input: z.object({}), output: z.string(), run: () => new Error('here').stack?.split('\\n')[1] ?? '',`)

function answering(text: string): string {
  return svc(`input: z.object({}), output: z.string(), run: () => '${text}',`)
}

const CARD = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({}),
  uses: ['where'],
  async render(_input, ctx) {
    return html\`<p class="card">\${await ctx.call('where', {})}</p>\`
  },
})
`

const READS_SIBLING = svc(
  `input: z.object({}), output: z.string(), run: () => readFileSync(new URL('./_data/greeting.txt', import.meta.url), 'utf8').trim(),`,
  `import { readFileSync } from 'node:fs'`,
)

async function manifestOf(root: string): Promise<BundleManifest> {
  return JSON.parse(await readFile(join(root, '.nanoweb/manifest.json'), 'utf8')) as BundleManifest
}

async function answer(url: string, name: string): Promise<unknown> {
  return (await post(`${url}/api/${name}`, {})).body
}

test('build bundles the trusted services; start loads them from the bundle, and an edited file from itself', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, {
    'services/where.ts': WHERE,
    'services/edited.ts': answering('as built'),
    'services/card.ts': CARD,
    'services/greeting.ts': READS_SIBLING,
    'services/_data/greeting.txt': 'hello from a file beside the service\n',
    'services/plugins/guest.ts': svc(
      `trust: 'untrusted', input: z.object({}), output: z.string(), run: () => 'guest',`,
    ),
    'pages/index.html': '<!doctype html><html><body><nano-fragment src="card"></nano-fragment></body></html>',
  })
  const built = await nanoweb(['build', root])
  assert.equal(built.code, 0, built.stderr)
  assert.match(built.stdout, /nanoweb build: 4 services bundled into .*\.nanoweb\/ \(1 file, \d+ kB\) in [\d.]+ s/)
  assert.match(built.stdout, /- services\/plugins\/guest\.ts not bundled \(untrusted: runs in a V8 isolate\)/)

  const manifest = await manifestOf(root)
  assert.equal(
    manifest.nanoweb,
    JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')).version,
  )
  assert.ok(!Number.isNaN(Date.parse(manifest.builtAt)))
  assert.deepEqual(
    manifest.services.map((s) => s.name),
    ['card', 'edited', 'greeting', 'where'],
  )
  for (const service of manifest.services) {
    const version = contentVersion({ name: service.name, file: join(root, service.file), root })
    assert.equal(service.version, version, `${service.name} has the runtime's content version`)
  }
  assert.deepEqual(manifest.skipped, [
    {
      name: 'plugins/guest',
      file: 'services/plugins/guest.ts',
      reason: 'untrusted: runs in a V8 isolate',
      error: false,
    },
  ])
  assert.doesNotMatch(await readFile(join(root, '.nanoweb/services-1.js'), 'utf8'), /'guest'/)
  assert.deepEqual([...(manifest.externals ?? [])].sort(), ['@nanoweb/core', 'zod'], 'packages imported, not held')
  assert.equal(
    await readFile(join(root, '.nanoweb/externals.js'), 'utf8'),
    (manifest.externals ?? []).map((name) => `import "${name}"\n`).join(''),
    'one module imports them, loaded before the bundle files',
  )

  await writeFile(join(root, 'services/edited.ts'), answering('edited after the build'))
  const { url } = await serve(t, ['start', root, '--port', '0'])
  assert.match(String(await answer(url, 'where')), /\.nanoweb\/services-1\.js:\d+:\d+/, 'runs from the bundle')
  assert.equal(await answer(url, 'edited'), 'edited after the build', 'the file changed since the build wins')
  assert.equal(await answer(url, 'greeting'), 'hello from a file beside the service', 'import.meta.url is the file')
  assert.equal(await answer(url, 'plugins/guest'), 'guest', 'the untrusted service still runs, in its isolate')
  const page = await request(`${url}/`)
  assert.equal(page.status, 200)
  assert.match(String(page.body), /<p class="card">.*\.nanoweb\/services-1\.js:\d+:\d+.*<\/p>/)
})

test('an unchanged file is vouched for from the build with one stat; one touched or rewritten since is read again', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, { 'services/where.ts': WHERE, 'services/same.ts': answering('as built') })
  const built = await nanoweb(['build', root])
  assert.equal(built.code, 0, built.stderr)
  const manifest = await manifestOf(root)
  const file = (name: string): string => join(root, 'services', `${name}.ts`)
  for (const service of manifest.services) {
    const { size, mtimeMs } = await stat(join(root, service.file))
    assert.deepEqual([service.size, service.mtimeMs], [size, mtimeMs], `${service.name}: size and time at the build`)
  }
  const executor = new BundledExecutor(root)
  const versionOf = (name: string) => manifest.services.find((s) => s.name === name)?.version
  assert.equal(executor.vouch({ name: 'where', file: file('where') }), versionOf('where'))
  assert.equal(executor.vouch({ name: 'where', file: file('same') }), undefined, 'not the file it was built from')
  assert.equal(executor.vouch({ name: 'nobody', file: file('where') }), undefined, 'not in the build')

  const later = new Date(Date.now() + 60_000)
  await utimes(file('where'), later, later)
  assert.equal(executor.vouch({ name: 'where', file: file('where') }), undefined, 'touched: read and hashed again')
  const touched = await executor.load({ name: 'where', file: file('where'), root, reload: 0 })
  assert.match(
    String(touched.run({}, undefined as never)),
    /\.nanoweb\/services-1\.js/,
    'same bytes: the bundle still serves it',
  )

  await writeFile(file('same'), answering('as edited'))
  await utimes(file('same'), later, later)
  assert.equal(executor.vouch({ name: 'same', file: file('same') }), undefined)
  const { url } = await serve(t, ['start', root, '--port', '0'])
  assert.equal(await answer(url, 'same'), 'as edited', 'rewritten: its own code')
  assert.match(String(await answer(url, 'where')), /\.nanoweb\/services-1\.js:\d+:\d+/)
})

test('a service file that does not bundle is reported, the rest bundles, and it fails at run time as without a build', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, {
    'services/where.ts': WHERE,
    'services/broken.ts': 'import { service } from "@nanoweb/core"\nexport default service({ input: \n',
    'services/throws.ts': svc(
      `input: z.object({}), output: z.string(), run: () => 'never',`,
      `throw new Error('boom while loading')`,
    ),
    'services/computed.ts': svc(
      `input: z.object({}), output: z.string(), run: async () => (await import(\`./_parts/\${'one'}.ts\`)).text,`,
    ),
    'services/_parts/one.ts': `export const text = 'one, imported by a computed path'\n`,
    'services/enumerated.ts': svc(
      `input: z.object({}), output: z.string(), run: () => Kind[Kind.A],`,
      'enum Kind { A }',
    ),
  })
  const built = await nanoweb(['build', root])
  assert.equal(built.code, 1, 'a service left out makes the build fail')
  assert.match(built.stdout, /nanoweb build: 2 services bundled/)
  assert.match(
    built.stderr,
    /✗ services\/broken\.ts not bundled \(services\/broken\.ts:3:\d+: .+\); it is loaded on its own/,
  )
  const manifest = await manifestOf(root)
  assert.deepEqual(
    manifest.services.map((s) => s.name),
    ['throws', 'where'],
  )
  assert.deepEqual(
    manifest.skipped.map((s) => [s.name, s.error]),
    [
      ['broken', true],
      ['computed', false],
      ['enumerated', true],
    ],
  )
  assert.match(built.stdout, /- services\/computed\.ts not bundled \(.*imports a computed path/)
  assert.match(
    built.stderr,
    /✗ services\/enumerated\.ts not bundled \(TypeScript enum is not supported in strip-only mode\)/,
  )

  const listed = await nanoweb(['ls', root, '--json'])
  const today = (JSON.parse(listed.stdout) as { broken: { name: string; error: { message: string } }[] }).broken
  const { url } = await serve(t, ['start', root, '--port', '0'])
  assert.match(String(await answer(url, 'where')), /\.nanoweb\/services-1\.js/)
  for (const name of ['broken', 'enumerated', 'throws']) {
    const reply = await post(`${url}/api/${name}`, {})
    const error = (reply.body as { error: { code: string; message: string } }).error
    assert.equal(error.code, 'NANO_E_BAD_DEFINITION')
    assert.equal(error.message, today.find((b) => b.name === name)?.error.message, `${name} fails as it does unbuilt`)
    assert.match(error.message, new RegExp(`^services/${name}\\.ts:\\d+`))
  }
  assert.equal(await answer(url, 'computed'), 'one, imported by a computed path')
})

test('a shared file changed since the build leaves the whole bundle unused', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'services/where.ts': svc(
      `input: z.object({}), output: z.string(), run: () => label + ' ' + (new Error('here').stack?.split('\\n')[1] ?? ''),`,
      `import { label } from './_lib/label.ts'`,
    ),
    'services/_lib/label.ts': `export const label = 'v1'\n`,
  })
  assert.equal((await nanoweb(['build', root])).code, 0)
  assert.deepEqual(
    (await manifestOf(root)).shared.map((s) => s.file),
    ['services/_lib/label.ts'],
  )
  await writeFile(join(root, 'services/_lib/label.ts'), `export const label = 'v2'\n`)
  const { url } = await serve(t, ['start', root, '--port', '0'])
  const where = String(await answer(url, 'where'))
  assert.match(where, /^v2 /)
  assert.match(where, /services\/where\.ts:\d+:\d+/)
})

test('dev ignores the bundle and reloads each service from its file', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, { 'services/where.ts': WHERE, 'services/ver.ts': answering('v1') })
  assert.equal((await nanoweb(['build', root])).code, 0)
  const { url } = await serve(t, ['dev', root, '--port', '0'])
  assert.match(String(await answer(url, 'where')), /services\/where\.ts:\d+:\d+/)
  assert.equal(await answer(url, 'ver'), 'v1')
  await writeFile(join(root, 'services/ver.ts'), answering('v2'))
  await until(async () => (await answer(url, 'ver')) === 'v2', 30_000)
})

test('build has --help and nanoweb --help lists it', { timeout: 60_000 }, async () => {
  const help = await nanoweb(['build', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /Usage: nanoweb build \[options\] \[root\]/)
  assert.match((await nanoweb(['--help'])).stdout, /^ {2}build \[root\] +Bundle the trusted services/m)
})

test('build of a folder without services/ says so', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, { 'pages/index.html': '<p>hi</p>' })
  const built = await nanoweb(['build', root])
  assert.equal(built.code, 1)
  assert.match(built.stderr, /error NANO_E_NOT_FOUND: .* has no services\/ folder: there is nothing to build/)
})
