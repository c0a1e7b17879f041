import assert from 'node:assert/strict'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

/** Room for a first call on a busy machine (and still on the host thread); limits have tests of their own. */
const ROOMY = { cpu: '100ms' } as const

async function upstream(t: import('node:test').TestContext): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = []
  const server: Server = createHttpServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://127.0.0.2:9/elsewhere' }).end()
      return
    }
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-up': 'yes' })
      res.end(JSON.stringify({ path: req.url, body }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  return { port: (server.address() as AddressInfo).port, hits }
}

const fetcher = (allow: string): string =>
  svc(`trust: 'untrusted', allow: { fetch: ${allow} },
  input: z.object({ url: z.string(), method: z.string().optional(), body: z.string().optional() }), output: z.unknown(),
  async run({ url, method, body }) {
    try {
      const res = await fetch(url, method === undefined ? undefined : { method, body, headers: { 'content-type': 'text/plain' } })
      return { status: res.status, up: res.headers.get('x-up'), location: res.headers.get('location'), body: res.status === 200 ? await res.json() : null }
    } catch (error) {
      return { error: error.message, code: error.code, name: error.name }
    }
  },`)

test('fetch from an isolate reaches allowed hosts only; others are refused inside the service, naming host and allow list', async (t) => {
  const up = await upstream(t)
  const root = await tempProject(t, {
    'services/plugins/fetcher.ts': fetcher(`['127.0.0.1:${up.port}', 'api.example.com']`),
    'services/plugins/none.ts': fetcher('[]'),
  })
  const rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
  t.after(() => rt.close())
  const base = `http://127.0.0.1:${up.port}`
  const ok = (await rt.call('plugins/fetcher', { url: `${base}/data?x=1` })) as Record<string, unknown>
  assert.deepEqual(ok, { status: 200, up: 'yes', location: null, body: { path: '/data?x=1', body: '' } })
  const posted = (await rt.call('plugins/fetcher', { url: `${base}/p`, method: 'POST', body: 'hello' })) as {
    body: { body: string }
  }
  assert.equal(posted.body.body, 'hello')

  const otherPort = (await rt.call('plugins/fetcher', { url: `http://127.0.0.1:${up.port + 1}/x` })) as Record<
    string,
    string | undefined
  >
  assert.equal(otherPort.name, 'NotAllowedError')
  assert.equal(otherPort.code, undefined, 'not a NanoError: left uncaught, it is the service failing')
  assert.match(
    String(otherPort.error),
    new RegExp(
      `may not fetch 127\\.0\\.0\\.1:${up.port + 1}.*it allows 127\\.0\\.0\\.1:${up.port}, api\\.example\\.com`,
    ),
  )
  const otherHost = (await rt.call('plugins/fetcher', { url: `http://localhost:${up.port}/x` })) as Record<
    string,
    string | undefined
  >
  assert.match(String(otherHost.error), /may not fetch localhost:/)
  const file = (await rt.call('plugins/fetcher', { url: 'file:///etc/passwd' })) as Record<string, string | undefined>
  assert.match(String(file.error), /cannot fetch file: URLs/)
  const none = (await rt.call('plugins/none', { url: `${base}/x` })) as Record<string, string | undefined>
  assert.match(String(none.error), /it allows no hosts/)

  const redirect = (await rt.call('plugins/fetcher', { url: `${base}/redirect` })) as Record<string, unknown>
  assert.equal(redirect.status, 302, 'redirects are not followed: each hop is checked by the service fetching it')
  assert.equal(redirect.location, 'http://127.0.0.2:9/elsewhere')
  assert.deepEqual(up.hits, ['GET /data?x=1', 'POST /p', 'GET /redirect'], 'refused requests never left the host')
})
