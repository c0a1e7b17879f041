import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { post } from '../helpers/http.ts'
import { REPO, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`

const PROJECT = {
  'services/outer.ts': svc(`uses: ['inner'], input: z.object({}), output: z.string(),
    run: async (_, ctx) => {
      ctx.log.info('outer first', { step: 1 })
      await ctx.call('inner', {})
      ctx.log.info('outer second', { step: 2 })
      return 'ok'
    },`),
  'services/inner.ts': svc(`input: z.object({}), output: z.string(),
    run: (_, ctx) => { ctx.log.info('inner line'); return 'in' },`),
  'services/news/chatty.ts': svc(`input: z.object({}), output: z.string(),
    run: (_, ctx) => { ctx.log.debug('news debug line'); ctx.log.info('news info line'); return 'ok' },`),
  'services/ads/chatty.ts': svc(`input: z.object({}), output: z.string(),
    run: (_, ctx) => { ctx.log.debug('ads debug line'); ctx.log.warn('ads warn line', { slot: 'top banner' }); return 'ok' },`),
  'services/broken.ts': svc(`input: z.object({}), output: z.string(),
    run: () => { throw new Error('kaput') },`),
  'nanoweb.config.ts': `import { defineConfig } from '@nanoweb/core'\n\nexport default defineConfig({ logLevels: { 'news/*': 'debug', 'ads/**': 'warn' } })\n`,
}

/** `nanoweb <args>` in the background with none of the log variables set; resolves once it prints its URL. */
async function serveClean(
  t: import('node:test').TestContext,
  args: string[],
): Promise<{ url: string; stderr: () => string }> {
  const { LOG_LEVEL: _l, LOG_FORMAT: _f, PORT: _p, HOST: _h, ...env } = process.env
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d.toString()
  })
  child.stdout.on('data', (d) => {
    stdout += d.toString()
  })
  const url = await until(
    () => (child.exitCode !== null ? 'exited' : /http:\/\/\S+/.exec(stdout)?.[0]),
    'the URL printed',
    30_000,
  )
  assert.notEqual(url, 'exited', `nanoweb exited early: ${stderr}`)
  return { url: url.replace('localhost', '127.0.0.1'), stderr: () => stderr }
}

type Line = Record<string, unknown>

/** Every line of `stderr` as JSON (failing on one that is not), or only those that look like JSON (`dev`). */
function jsonLines(stderr: string, only = false): Line[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && (!only || line.startsWith('{')))
    .map((line) => {
      try {
        return JSON.parse(line) as Line
      } catch {
        throw new Error(`not a JSON line: ${line}`)
      }
    })
}

const withMessage = (lines: Line[], message: string): Line[] => lines.filter((line) => line.message === message)

test('nanoweb start: every stderr line is one JSON object; ctx.log lines carry service, the traceparent trace id and a span id per call', {
  timeout: 90_000,
}, async (t) => {
  const root = await tempProject(t, PROJECT)
  const { url, stderr } = await serveClean(t, ['start', root, '--port', '0'])
  const answer = await post(`${url}/api/outer`, {}, { traceparent: TRACEPARENT })
  assert.equal(answer.status, 200)
  await until(
    () => (withMessage(jsonLines(stderr()), 'request').length > 0 ? true : undefined),
    'the access log line of the request',
  )
  const lines = jsonLines(stderr())
  const [first] = withMessage(lines, 'outer first')
  const [second] = withMessage(lines, 'outer second')
  const [inner] = withMessage(lines, 'inner line')
  assert.ok(first !== undefined && second !== undefined && inner !== undefined, stderr())
  for (const line of [first, second, inner]) {
    assert.equal(line.level, 'info')
    assert.equal(line.traceId, TRACE_ID, 'the trace id is the one the request came with')
    assert.match(String(line.spanId), /^[\da-f]{16}$/)
    assert.equal(typeof line.time, 'number')
  }
  assert.deepEqual([first.service, first.step, second.step], ['outer', 1, 2])
  assert.equal(inner.service, 'inner')
  assert.equal(first.spanId, second.spanId, 'two logs of one call share its span id')
  assert.notEqual(inner.spanId, first.spanId, 'the nested call has a span of its own')
  const [access] = withMessage(lines, 'request')
  assert.equal(access?.path, '/api/outer')
  assert.equal(access?.traceId, TRACE_ID, 'the access log line carries the request trace id')
  assert.equal(access?.spanId, answer.headers.get('traceparent')?.slice(36, 52))

  await post(`${url}/api/broken`, {}, { traceparent: TRACEPARENT })
  const failed = await until(() => withMessage(jsonLines(stderr()), "service 'broken' failed")[0], 'the failure logged')
  assert.deepEqual([failed.level, failed.service, failed.traceId], ['error', 'broken', TRACE_ID])
  assert.match(String(failed.spanId), /^[\da-f]{16}$/)
  assert.equal((failed.error as { message?: string }).message, 'kaput')
})

test('nanoweb start: per-service levels from logLevels in nanoweb.config.ts', { timeout: 90_000 }, async (t) => {
  const root = await tempProject(t, PROJECT)
  const { url, stderr } = await serveClean(t, ['start', root, '--port', '0'])
  assert.equal((await post(`${url}/api/news/chatty`, {})).status, 200)
  assert.equal((await post(`${url}/api/ads/chatty`, {})).status, 200)
  assert.equal((await post(`${url}/api/outer`, {})).status, 200)
  await until(() => (stderr().includes('ads warn line') ? true : undefined), 'the ads warning')
  await until(() => (stderr().includes('outer second') ? true : undefined), 'the outer lines')
  const lines = jsonLines(stderr())
  assert.equal(withMessage(lines, 'news debug line')[0]?.service, 'news/chatty', "'news/*': 'debug' lets debug through")
  assert.equal(withMessage(lines, 'news info line').length, 1)
  assert.equal(withMessage(lines, 'ads debug line').length, 0, "'ads/**': 'warn' drops debug")
  assert.equal(withMessage(lines, 'ads warn line')[0]?.slot, 'top banner')
  assert.equal(withMessage(lines, 'outer first').length, 1, 'other services keep the default level (info)')
})

test('nanoweb dev writes the pretty form; --log-format json gives JSON lines back', { timeout: 90_000 }, async (t) => {
  const root = await tempProject(t, PROJECT)
  const dev = await serveClean(t, ['dev', root, '--port', '0'])
  await post(`${dev.url}/api/ads/chatty`, {}, { traceparent: TRACEPARENT })
  await post(`${dev.url}/api/broken`, {})
  await until(() => (dev.stderr().includes("service 'broken' failed") ? true : undefined), 'the failure logged')
  const text = dev.stderr()
  assert.doesNotMatch(text, /^\{"/m, 'no JSON lines')
  assert.ok(!text.includes('\u001b['), 'no colours when stderr is not a terminal')
  assert.match(
    text,
    new RegExp(
      `^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  ads/chatty ads warn line slot="top banner" traceId=${TRACE_ID} spanId=[\\da-f]{16}$`,
      'm',
    ),
  )
  assert.match(text, /^\d\d:\d\d:\d\d\.\d{3} ERROR broken service 'broken' failed error="Error: kaput" traceId=/m)
  assert.match(text, /\n {4}Error: kaput\n {4}at /, 'the stack follows, indented')
  assert.match(text, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}request method=POST path=\/api\/ads\/chatty status=200/m)

  const json = await serveClean(t, ['dev', root, '--port', '0', '--log-format', 'json'])
  await post(`${json.url}/api/outer`, {})
  await until(() => (json.stderr().includes('outer second') ? true : undefined), 'the outer lines')
  const [debugged] = withMessage(jsonLines(json.stderr(), true), 'outer first')
  assert.equal(debugged?.service, 'outer')
})
