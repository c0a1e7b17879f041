import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { nearestPackageJson } from '../../src/cli/package-type.ts'
import { BIN, nanoweb, serve, until } from '../helpers/cli.ts'
import { post, request } from '../helpers/http.ts'
import { REPO, svc, tempProject, writeFiles } from '../helpers/project.ts'

const run = promisify(execFile)

function cardSource(text: string): string {
  return `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({ input: z.object({}), render: () => html\`<p>${text}</p>\` })\n`
}

test('new scaffolds a service and its passing test; call runs it in-process', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, {})
  const created = await nanoweb(['new', 'greet/hello', '--root', root])
  assert.equal(created.code, 0, created.stderr)
  assert.ok(existsSync(join(root, 'services/greet/hello.ts')))
  assert.ok(existsSync(join(root, 'services/greet/hello.test.ts')))
  const scaffoldTest = await run(process.execPath, ['--test', join(root, 'services/greet/hello.test.ts')]).then(
    () => 0,
    (e: { code: number; stdout: string }) => e.code,
  )
  assert.equal(scaffoldTest, 0, 'the scaffolded test passes')

  const called = await nanoweb(['call', 'greet/hello', '{"name":"Ada"}', '--root', root])
  assert.equal(called.code, 0, called.stderr)
  assert.deepEqual(JSON.parse(called.stdout), { message: 'Hello, Ada!' })

  const again = await nanoweb(['new', 'greet/hello', '--root', root])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /already exists/)
  const badName = await nanoweb(['new', 'Greet/Hello', '--root', root])
  assert.equal(badName.code, 2)
  assert.match(badName.stderr, /not a valid service name/)
})

test('call: exit codes and messages a person can act on', async (t) => {
  const root = await tempProject(t, {
    'services/echo.ts': svc(
      `input: z.object({ city: z.string().min(1) }), output: z.object({ city: z.string() }), run: (i) => i,`,
    ),
  })
  const unknown = await nanoweb(['call', 'nope', '{}', '--root', root])
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /NANO_E_NOT_FOUND.*nope/)
  const badJson = await nanoweb(['call', 'echo', '{"city":', '--root', root])
  assert.equal(badJson.code, 2)
  assert.match(badJson.stderr, /not valid JSON/)
  const invalid = await nanoweb(['call', 'echo', '{"city":""}', '--root', root])
  assert.equal(invalid.code, 1)
  assert.match(invalid.stderr, /NANO_E_INVALID_INPUT[\s\S]*city/)
  const unreachable = await nanoweb(['call', 'echo', '{}', '--url', 'http://127.0.0.1:1'])
  assert.equal(unreachable.code, 1)
  assert.match(unreachable.stderr, /Could not reach.*is the server running/)
})

test('ls prints a table with endpoint, uses and visibility; --json the catalog', async (t) => {
  const root = await tempProject(t, {
    'services/geo/lookup.ts': svc(`visibility: 'internal', input: z.object({}), output: z.number(), run: () => 1,`),
    'services/weather/now.ts': svc(`idempotent: true, uses: ['geo/lookup'], description: 'Weather now',
      input: z.object({}), output: z.number(), run: (_, ctx) => ctx.call('geo/lookup', {}),`),
  })
  const ls = await nanoweb(['ls', root])
  assert.equal(ls.code, 0, ls.stderr)
  const lines = ls.stdout.trim().split('\n')
  assert.match(lines[0] ?? '', /NAME\s+ENDPOINT\s+USES\s+VISIBILITY/)
  assert.match(lines[1] ?? '', /^geo\/lookup\s+-\s+-\s+internal/)
  assert.match(lines[2] ?? '', /^weather\/now\s+GET\|POST \/api\/weather\/now\s+geo\/lookup\s+public\s+Weather now/)
  const json = await nanoweb(['ls', root, '--json'])
  assert.deepEqual(
    (JSON.parse(json.stdout) as { services: { name: string }[] }).services.map((s) => s.name),
    ['geo/lookup', 'weather/now'],
  )
})

test('ls lists every service that loads, and each one that does not with its error (exit 1)', async (t) => {
  const root = await tempProject(t, {
    'services/ok.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    'services/broken.ts': 'export default service({ input: \n',
  })
  const ls = await nanoweb(['ls', root])
  assert.equal(ls.code, 1)
  assert.match(ls.stdout, /^ok\s+POST \/api\/ok/m)
  assert.match(ls.stdout, /1 services, 1 not loading/)
  assert.match(ls.stderr, /✗ broken: NANO_E_BAD_DEFINITION: services\/broken\.ts:\d+/)
  assert.ok(!ls.stderr.includes(root), 'no absolute path')
  const json = JSON.parse((await nanoweb(['ls', root, '--json'])).stdout) as { broken: { name: string }[] }
  assert.deepEqual(
    json.broken.map((b) => b.name),
    ['broken'],
  )
})

test('every command has --help; nanoweb --help lists them all', async () => {
  const commands = ['init', 'start', 'dev', 'new', 'ls', 'call', 'types']
  for (const command of commands) {
    const help = await nanoweb([command, '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, new RegExp(`Usage: nanoweb ${command}`))
  }
  const top = await nanoweb(['--help'])
  assert.equal(top.code, 0)
  for (const command of commands) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'))
  const start = await nanoweb(['start', '--help'])
  for (const part of ['--port', 'PORT', '--host', 'HOST', '--log-level', 'LOG_LEVEL', 'nanoweb.config.ts']) {
    assert.ok(start.stdout.includes(part), `start --help mentions ${part}`)
  }
})

test('a command line commander refuses exits 2', async () => {
  const unknown = await nanoweb(['start', '--prot', '80'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown option '--prot'/)
  const badPort = await nanoweb(['start', '--port', '80a'])
  assert.equal(badPort.code, 2)
  assert.match(badPort.stderr, /whole number from 0 to 65535/)
  assert.equal((await nanoweb(['nope'])).code, 2)
})

test('start and dev refuse an app whose package.json is not "type": "module" (exit 2, naming the file)', async (t) => {
  for (const manifest of [{ name: 'app', type: 'commonjs' }, { name: 'app' }]) {
    const root = await tempProject(t, {
      'package.json': JSON.stringify(manifest),
      'services/a.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    })
    for (const command of ['start', 'dev']) {
      const r = await nanoweb([command, root, '--port', '0'])
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, /nanoweb apps are ES modules/)
      assert.match(r.stderr, /add "type": "module" to \S*package\.json/i)
      assert.ok(r.stderr.includes(`${basename(root)}/package.json`), `names the file: ${r.stderr}`)
      assert.equal(r.stdout, '')
    }
  }
  const garbled = await tempProject(t, { 'package.json': '{ "type": ', 'pages/index.html': '<p>hi</p>' })
  const r = await nanoweb(['start', garbled, '--port', '0'])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /package\.json could not be read as JSON/)
})

test('the nearest package.json decides: one above the app counts; none at all is fine', {
  timeout: 60_000,
}, async (t) => {
  const parent = await tempProject(t, {
    'package.json': JSON.stringify({ name: 'mono', type: 'commonjs' }),
    'apps/web/pages/index.html': '<p>nested</p>',
  })
  const nested = await nanoweb(['start', join(parent, 'apps/web'), '--port', '0'])
  assert.equal(nested.code, 2)
  assert.ok(nested.stderr.includes(`${basename(parent)}/package.json`), nested.stderr)

  const outside = await mkdtemp(join(tmpdir(), 'nanoweb-no-package-'))
  t.after(() => rm(outside, { recursive: true, force: true }))
  if (nearestPackageJson(outside) !== undefined) {
    t.skip(`${nearestPackageJson(outside)} exists above ${outside}`)
    return
  }
  await writeFiles(outside, { 'pages/index.html': '<html><body><h1>no package.json</h1></body></html>' })
  const { url } = await serve(t, ['start', outside, '--port', '0'])
  assert.match((await request(`${url}/`)).text, /no package\.json/)
})

test("--version prints nanoweb's own version, not the served app's", async () => {
  const own = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version
  const env = { ...process.env, npm_package_version: '9.9.9-the-app' }
  const { stdout } = await run(process.execPath, [BIN, '--version'], { cwd: REPO, env })
  assert.equal(stdout.trim(), own)
})

test('start and dev refuse a folder with neither services/ nor pages/, and one that does not exist', async (t) => {
  const empty = await tempProject(t, { 'README.md': '# not a nanoweb project\n' })
  for (const command of ['start', 'dev']) {
    const r = await nanoweb([command, empty, '--port', '0'])
    assert.equal(r.code, 2, r.stderr)
    assert.ok(r.stderr.includes(empty), `names the folder: ${r.stderr}`)
    assert.match(r.stderr, /neither services\/ nor pages\/.*must contain services\/.*or pages\//)
    assert.equal(r.stdout, '', 'serves nothing')
  }
  const missing = await nanoweb(['start', join(empty, 'nowhere'), '--port', '0'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /nowhere is not a folder/)
})

test('start serves a folder that has only pages/', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, { 'pages/index.html': '<html><body><h1>only pages</h1></body></html>' })
  const { url } = await serve(t, ['start', root, '--port', '0'])
  const page = await request(`${url}/`)
  assert.equal(page.status, 200)
  assert.match(page.text, /only pages/)
})

test('types writes nanoweb-env.d.ts', async (t) => {
  const root = await tempProject(t, { 'services/a.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`) })
  const r = await nanoweb(['types', root])
  assert.equal(r.code, 0, r.stderr)
  assert.ok(existsSync(join(root, 'nanoweb-env.d.ts')))
})

test('start: port in use is a clear error; call --url reaches a running server', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, {
    'services/echo.ts': svc(
      `input: z.object({ city: z.string() }), output: z.object({ city: z.string() }), run: (i) => i,`,
    ),
  })
  const blocker = createNetServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const busy = await nanoweb(['start', root, '--port', String(port)])
  assert.equal(busy.code, 1)
  assert.match(busy.stderr, new RegExp(`Port ${port} is in use.*--port`))

  const { url } = await serve(t, ['start', root, '--port', '0'])
  const remote = await nanoweb(['call', 'echo', '{"city":"Hull"}', '--url', url])
  assert.equal(remote.code, 0, remote.stderr)
  assert.deepEqual(JSON.parse(remote.stdout), { city: 'Hull' })
  const remoteBad = await nanoweb(['call', 'echo', '{}', '--url', url])
  assert.equal(remoteBad.code, 1)
  assert.match(remoteBad.stderr, /NANO_E_INVALID_INPUT/)
})

test('SIGTERM: stops accepting, finishes the request in flight, exits 0', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, {
    'services/slow.ts': svc(`input: z.object({}), output: z.string(),
      run: (_, ctx) => { ctx.log.info('slow started'); return new Promise((resolve) => setTimeout(() => resolve('done'), 2500)) },`),
  })
  const { url, child, exited, stderr } = await serve(t, ['start', root, '--port', '0'])
  const inFlight = post(`${url}/api/slow`, {})
  await until(async () => stderr().includes('slow started'))
  child.kill('SIGTERM')
  let refused = false
  for (let i = 0; i < 40 && !refused; i++) {
    refused = await fetch(`${url}/_nano/health`).then(
      () => false,
      () => true,
    )
    if (!refused) await new Promise((r) => setTimeout(r, 25))
  }
  assert.ok(refused, 'no new connections after SIGTERM')
  assert.equal(child.exitCode, null, 'still running: the request is in flight')
  const answer = await inFlight
  assert.equal(answer.status, 200)
  assert.equal(answer.body, 'done')
  assert.equal(await exited, 0)
})

test('dev: edited or new services and pages are live on the next request; a broken file is reported, others keep serving', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, {
    'services/ver.ts': svc(`input: z.object({}), output: z.string(), run: () => 'v1',`),
    'services/other.ts': svc(`input: z.object({}), output: z.string(), run: () => 'other',`),
    'services/card.ts': cardSource('card v1'),
  })
  const { url, stderr } = await serve(t, ['dev', root, '--port', '0'])
  assert.equal((await post(`${url}/api/ver`, {})).body, 'v1')

  await writeFiles(root, { 'services/ver.ts': svc(`input: z.object({}), output: z.string(), run: () => 'v2',`) })
  await until(async () => (await post(`${url}/api/ver`, {})).body === 'v2')

  await writeFiles(root, {
    'services/fresh.ts': svc(`input: z.object({}), output: z.string(), run: () => 'new here',`),
  })
  await until(async () => (await post(`${url}/api/fresh`, {})).body === 'new here')

  await writeFiles(root, {
    'services/ver.ts': "import { service } from '@nanoweb/core'\nexport default service({ input: ]\n",
  })
  await until(async () => /✗ .*ver\.ts/.test(stderr()))
  const reported =
    stderr()
      .split('\n')
      .find((line) => line.startsWith('✗')) ?? ''
  assert.match(reported, /^✗ services\/ver\.ts:2:\d+: could not be imported: /)
  assert.ok(!reported.includes(root), `no absolute path: ${reported}`)
  const broken = await post(`${url}/api/ver`, {})
  assert.equal(broken.status, 500)
  assert.equal((broken.body as { error: { code: string } }).error.code, 'NANO_E_BAD_DEFINITION')
  assert.equal((await post(`${url}/api/other`, {})).body, 'other')

  await writeFiles(root, {
    'pages/index.html': '<html><body><h1>first</h1><nano-fragment src="card"></nano-fragment></body></html>',
  })
  await until(async () => (await request(`${url}/`)).text.includes('first'))
  await writeFiles(root, {
    'pages/index.html': '<html><body><h1>second</h1><nano-fragment src="card"></nano-fragment></body></html>',
  })
  await until(async () => (await request(`${url}/`)).text.includes('second'))
  await writeFiles(root, { 'services/card.ts': cardSource('card v2') })
  await until(async () => (await request(`${url}/`)).text.includes('card v2'))

  await writeFiles(root, { 'services/Bad Name.ts': svc(`input: z.object({}), output: z.string(), run: () => 'x',`) })
  await writeFiles(root, { 'services/ver.ts': svc(`input: z.object({}), output: z.string(), run: () => 'v3',`) })
  await until(async () => (await post(`${url}/api/ver`, {})).body === 'v3')
  await until(async () => /Bad Name/.test(stderr()))
  assert.equal((await post(`${url}/api/other`, {})).body, 'other')
})

test('the command refuses Node older than 24 with a clear message', async () => {
  const old = '/usr/bin/node'
  const version = existsSync(old) ? (await run(old, ['--version'])).stdout.trim() : 'none'
  assert.ok(/^v(1\d|2[01])\./.test(version), `this test needs a Node older than 22 at ${old}; found ${version}`)
  const result = await run(old, [BIN, 'ls']).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  )
  assert.equal(result.code, 1)
  assert.match(result.stderr, /needs Node\.js 24 or later/)
})
