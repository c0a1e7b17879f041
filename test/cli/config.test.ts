import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createServer as createNetServer } from 'node:net'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { configProblems } from '../../src/cli/config-schema.ts'
import { serveSettings } from '../../src/cli/serve-settings.ts'
import { defineConfig } from '../../src/index.ts'
import { BIN, until } from '../helpers/cli.ts'
import { post } from '../helpers/http.ts'
import { REPO, svc, tempProject } from '../helpers/project.ts'

const run = promisify(execFile)

/** The environment of a CLI process: this one's, without the variables the CLI reads, plus `env`. */
function envWith(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PORT: _p, HOST: _h, LOG_LEVEL: _l, ...rest } = process.env
  return { ...rest, ...env }
}

/** `nanoweb <args>` to completion, with `env` (and none of PORT, HOST, LOG_LEVEL otherwise). */
async function nanowebEnv(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: envWith(env),
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** Starts `nanoweb <args>` with `env`, waits for the URL it prints; killed after the test. */
async function serveEnv(
  t: import('node:test').TestContext,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; port: number; stderr: () => string }> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: envWith(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 20_000)
    child.stdout?.on('data', (d) => {
      stdout += d.toString()
      const match = /http:\/\/\S+/.exec(stdout)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[0].replace('localhost', '127.0.0.1'))
      }
    })
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
  })
  return { url, port: Number(new URL(url).port), stderr: () => stderr }
}

/** Ports free right now (each bound, then released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createNetServer()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return server
    }),
  )
  const ports = servers.map((server) => (server.address() as { port: number }).port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

function configSource(options: string): string {
  return `import { defineConfig } from '@nanoweb/core'\n\nexport default defineConfig(${options})\n`
}

const ECHO = svc(`input: z.object({}), output: z.string(), run: () => 'ok',`)

test('defineConfig returns its argument; a full valid config has no problems', () => {
  const config = defineConfig({
    port: 8080,
    host: '0.0.0.0',
    logLevel: 'warn',
    accessLog: false,
    bodyLimit: 65536,
    title: 'shop',
    version: '2.0.0',
    user: { cookie: 'uid' },
    live: { renderTimeout: '5s', idleGrace: 30_000, heartbeatMs: 20_000, streamsPerAddress: 8 },
    warm: false,
    shutdownTimeoutMs: 5000,
    maxCallDepth: 16,
    validateInternalCalls: false,
    fastValidationAfter: 0,
    cacheLimits: { maxEntries: 100, maxBytes: 1 << 20 },
  })
  assert.equal(config.port, 8080)
  assert.deepEqual(configProblems(config), [])
  assert.deepEqual(configProblems({}), [])
})

test('configProblems names the option and what is wrong', () => {
  assert.deepEqual(configProblems({ port: '80a' }), ['port must be an integer from 0 to 65535 (got "80a")'])
  assert.deepEqual(configProblems({ port: 70000 }), ['port must be an integer from 0 to 65535 (got 70000)'])
  assert.deepEqual(configProblems({ prot: 80 }), ["unknown option 'prot' (did you mean 'port'?)"])
  assert.deepEqual(configProblems({ colour: 'red' }), ["unknown option 'colour'"])
  assert.deepEqual(configProblems({ live: { heartbeatMs: 0, extra: 1 } }), [
    "unknown option 'live.extra'",
    'live.heartbeatMs must be milliseconds: an integer of 1 or more (got 0)',
  ])
  assert.match(
    configProblems({ live: { renderTimeout: '5 sec' } })[0] ?? '',
    /^live\.renderTimeout must be a duration.*\(got "5 sec"\)$/,
  )
  assert.deepEqual(configProblems({ logLevel: 'loud' }), [
    "logLevel must be one of 'debug', 'info', 'warn', 'error' (got \"loud\")",
  ])
  assert.deepEqual(configProblems({ warm: true }), ["warm must be 'pages', 'render', 'all' or false (got true)"])
  assert.match(configProblems({ user: 'uid' })[0] ?? '', /^user must be an object naming where the user id comes from/)
  assert.equal(configProblems({ port: 1.5, host: '', accessLog: 'yes' }).length, 3)
})

test('settings: flags and env (already merged by commander) win over the config, which wins over the defaults', () => {
  assert.deepEqual(serveSettings({ options: {}, config: {}, dev: false }), {
    port: 3000,
    host: '127.0.0.1',
    logLevel: 'info',
    logFormat: 'json',
    accessLog: true,
  })
  assert.equal(serveSettings({ options: {}, config: {}, dev: true }).logLevel, 'debug')
  const config = { port: 80, host: '0.0.0.0', logLevel: 'warn', accessLog: false, warm: 'all' } as const
  assert.deepEqual(serveSettings({ options: {}, config, dev: true }), { ...config, logFormat: 'pretty' })
  assert.deepEqual(serveSettings({ options: { port: 81, host: '::1', logLevel: 'error' }, config, dev: false }), {
    ...config,
    port: 81,
    host: '::1',
    logLevel: 'error',
    logFormat: 'json',
  })
})

test('start listens on the config file port; PORT overrides it; --port overrides both', {
  timeout: 60_000,
}, async (t) => {
  const [fromConfig, fromEnv, fromFlag] = (await freePorts(3)) as [number, number, number]
  const root = await tempProject(t, {
    'services/echo.ts': ECHO,
    'nanoweb.config.ts': configSource(`{ port: ${fromConfig} }`),
  })
  const plain = await serveEnv(t, ['start', root])
  assert.equal(plain.port, fromConfig)
  assert.equal((await post(`${plain.url}/api/echo`, {})).body, 'ok')

  const env = await serveEnv(t, ['start', root], { PORT: String(fromEnv) })
  assert.equal(env.port, fromEnv)

  const flag = await serveEnv(t, ['dev', root, '--port', String(fromFlag)], { PORT: String(fromEnv) })
  assert.equal(flag.port, fromFlag)
})

test('a .mjs config works too; HOST overrides the config host', { timeout: 60_000 }, async (t) => {
  const [port] = (await freePorts(1)) as [number]
  const root = await tempProject(t, {
    'services/echo.ts': ECHO,
    'nanoweb.config.mjs': `export default { port: ${port}, host: '0.0.0.0' }\n`,
  })
  const { url } = await serveEnv(t, ['start', root], { HOST: '127.0.0.1' })
  assert.equal(url, `http://127.0.0.1:${port}`)
})

test('a config that does not match its schema stops start and dev with exit 2, naming each option', async (t) => {
  const root = await tempProject(t, {
    'services/echo.ts': ECHO,
    'nanoweb.config.ts': configSource(`{ port: '80a', prot: 1 } as never`),
  })
  for (const command of ['start', 'dev']) {
    const r = await nanowebEnv([command, root, '--port', '0'])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /nanoweb\.config\.ts: port must be an integer from 0 to 65535 \(got "80a"\)/)
    assert.match(r.stderr, /nanoweb\.config\.ts: unknown option 'prot' \(did you mean 'port'\?\)/)
    assert.equal(r.stdout, '', 'serves nothing')
  }
})

test('a config file that does not load, or exports no object, stops start with exit 2', async (t) => {
  const broken = await tempProject(t, { 'services/echo.ts': ECHO, 'nanoweb.config.ts': 'export default {\n' })
  const r = await nanowebEnv(['start', broken])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /nanoweb\.config\.ts:\d+(:\d+)?: could not be imported/)
  assert.ok(!r.stderr.includes(broken), `no absolute path: ${r.stderr}`)

  const noDefault = await tempProject(t, { 'services/echo.ts': ECHO, 'nanoweb.config.js': 'export const port = 1\n' })
  const n = await nanowebEnv(['start', noDefault])
  assert.equal(n.code, 2)
  assert.match(n.stderr, /nanoweb\.config\.js: has no default export.*export default defineConfig/)

  const two = await tempProject(t, {
    'services/echo.ts': ECHO,
    'nanoweb.config.ts': configSource('{}'),
    'nanoweb.config.mjs': 'export default {}\n',
  })
  const both = await nanowebEnv(['start', two])
  assert.equal(both.code, 2)
  assert.match(both.stderr, /nanoweb\.config\.ts and nanoweb\.config\.mjs both exist/)
})

test('bad PORT, --port or --log-level values are usage errors (exit 2)', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': ECHO })
  const env = await nanowebEnv(['start', root], { PORT: '80a' })
  assert.equal(env.code, 2)
  assert.match(env.stderr, /'80a' from env 'PORT' is invalid/)
  const flag = await nanowebEnv(['start', root, '--port', '-1'])
  assert.equal(flag.code, 2)
  const level = await nanowebEnv(['start', root, '--log-level', 'loud'])
  assert.equal(level.code, 2)
  assert.match(level.stderr, /Allowed choices are debug, info, warn, error/)
  const levelEnv = await nanowebEnv(['start', root], { LOG_LEVEL: 'verbose' })
  assert.equal(levelEnv.code, 2)
  assert.match(levelEnv.stderr, /LOG_LEVEL/)
})

test('log level: LOG_LEVEL overrides the config logLevel; --log-level overrides both', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, {
    'services/chatty.ts': svc(`input: z.object({}), output: z.string(),
      run: (_, ctx) => { ctx.log.debug('debug-line'); ctx.log.warn('warn-line'); return 'ok' },`),
    'services/marker.ts': svc(`input: z.object({}), output: z.string(),
      run: (_, ctx) => { ctx.log.error('marker-line'); return 'ok' },`),
    'nanoweb.config.ts': configSource(`{ logLevel: 'error' }`),
  })
  const env = await serveEnv(t, ['start', root, '--port', '0'], { LOG_LEVEL: 'debug' })
  await post(`${env.url}/api/chatty`, {})
  await until(async () => env.stderr().includes('debug-line'))
  assert.match(env.stderr(), /warn-line/)

  for (const args of [[], ['--log-level', 'error']]) {
    const quiet = await serveEnv(
      t,
      ['start', root, '--port', '0', ...args],
      args.length === 0 ? {} : { LOG_LEVEL: 'debug' },
    )
    await post(`${quiet.url}/api/chatty`, {})
    await post(`${quiet.url}/api/marker`, {})
    await until(async () => quiet.stderr().includes('marker-line'))
    assert.doesNotMatch(quiet.stderr(), /debug-line|warn-line/)
  }
})

test('start writes an access log by default (needs the http accessLog option); accessLog: false turns it off', {
  timeout: 60_000,
}, async (t) => {
  const files = {
    'services/echo.ts': ECHO,
    'services/marker.ts': svc(
      `input: z.object({}), output: z.string(), run: (_, ctx) => { ctx.log.error('marker-line'); return 'ok' },`,
    ),
  }
  const on = await serveEnv(t, ['start', await tempProject(t, files), '--port', '0'])
  await post(`${on.url}/api/echo`, {})
  await until(async () => /"method":"POST".*"path":"\/api\/echo".*"status":200/.test(on.stderr()))

  const root = await tempProject(t, { ...files, 'nanoweb.config.ts': configSource('{ accessLog: false }') })
  const off = await serveEnv(t, ['start', root, '--port', '0'])
  await post(`${off.url}/api/echo`, {})
  await post(`${off.url}/api/marker`, {})
  await until(async () => off.stderr().includes('marker-line'))
  assert.doesNotMatch(off.stderr(), /"path":"\/api\/echo"/)
})
