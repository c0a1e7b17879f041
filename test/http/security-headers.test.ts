import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

const slow = `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({ input: z.object({}), render: async () => { await new Promise((r) => setTimeout(r, 150)); return html\`<p>late</p>\` } })\n`
const FILES = {
  'services/echo.ts': svc(
    `idempotent: true, input: z.object({ q: z.string() }), output: z.string(), run: ({ q }) => q,`,
  ),
  'services/frag/slow.ts': slow,
  'pages/index.html':
    '<html><head></head><body><p>home</p><nano-fragment src="frag/slow" defer>…</nano-fragment></body></html>',
  'pages/own.html': '<html><head><script>window.own = 1</script></head><body>own</body></html>',
  'pages/streamed.html':
    '<html><head></head><body><p>first</p><nano-fragment src="frag/slow"></nano-fragment></body></html>',
  'public/robots.txt': 'User-agent: *\n',
  'pages/_assets/site.css': 'p { margin: 0 }\n',
}

async function start(t: import('node:test').TestContext, options: Record<string, unknown> = {}): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, ...options })
  t.after(() => server.close())
  return server
}

/** Sends bytes as they are on a fresh connection and returns everything the server sends back. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()))
    socket.on('error', reject)
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')))
  })
}

test('every response carries the security headers; pages carry a CSP with a fresh nonce on each script', async (t) => {
  const server = await start(t)
  const answers = await Promise.all(
    ['/api/echo?q=hi', '/api/nope', '/robots.txt', '/_assets/site.css', '/nothing', '/_nano/health', '/'].map((path) =>
      raw(`${server.url}${path}`),
    ),
  )
  for (const answer of answers) {
    assert.equal(answer.headers['x-content-type-options'], 'nosniff')
    assert.equal(answer.headers['referrer-policy'], 'strict-origin-when-cross-origin')
    assert.equal(answer.headers['x-frame-options'], 'SAMEORIGIN')
    assert.match(String(answer.headers['content-security-policy']), /frame-ancestors 'self'/)
  }
  assert.equal(answers[1]?.status, 404)
  assert.equal(answers[1]?.headers['content-type'], 'application/json; charset=utf-8')
  const page = answers.at(-1) as (typeof answers)[number]
  const policy = String(page.headers['content-security-policy'])
  assert.match(policy, /^default-src 'self'; script-src 'self' 'nonce-[\w-]{22}'; style-src/)
  assert.match(policy, /object-src 'none'/)
  const nonce = /'nonce-([\w-]+)'/.exec(policy)?.[1]
  const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1])
  assert.ok(scripts.length >= 2, 'the deferred fragment came with its swap scripts')
  for (const attributes of scripts) assert.match(attributes ?? '', new RegExp(`nonce="${nonce}"`))
  const own = await raw(`${server.url}/own`)
  const ownNonce = /'nonce-([\w-]+)'/.exec(String(own.headers['content-security-policy']))?.[1]
  assert.match(own.text, new RegExp(`<script nonce="${ownNonce}">window.own = 1</script>`), "the page's own script")
  const again = await raw(`${server.url}/`)
  assert.notEqual(/'nonce-([\w-]+)'/.exec(String(again.headers['content-security-policy']))?.[1], nonce)
})

test('securityHeaders and csp extend the defaults or turn them off', async (t) => {
  const server = await start(t, {
    securityHeaders: { 'referrer-policy': 'no-referrer', 'x-frame-options': false, 'permissions-policy': 'camera=()' },
    csp: {
      'img-src': ["'self'", 'https://img.example'],
      'object-src': false,
      'script-src': ["'self'", 'https://cdn.example'],
    },
  })
  const page = await raw(`${server.url}/`)
  assert.equal(page.headers['referrer-policy'], 'no-referrer')
  assert.equal(page.headers['x-frame-options'], undefined)
  assert.equal(page.headers['permissions-policy'], 'camera=()')
  const policy = String(page.headers['content-security-policy'])
  assert.match(policy, /script-src 'self' https:\/\/cdn\.example 'nonce-[\w-]+'/)
  assert.match(policy, /img-src 'self' https:\/\/img\.example/)
  assert.doesNotMatch(policy, /object-src/)

  const off = await start(t, { securityHeaders: false, csp: false })
  const bare = await raw(`${off.url}/`)
  assert.equal(bare.headers['content-security-policy'], undefined)
  assert.equal(bare.headers['x-content-type-options'], undefined)
  assert.doesNotMatch(bare.text, /nonce=/)
})

test('a malformed request is answered with a JSON 400 and the connection closed', async (t) => {
  const server = await start(t)
  const answer = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
  const [head, body] = answer.split('\r\n\r\n')
  assert.match(head ?? '', /^HTTP\/1\.1 400 /)
  assert.match(head ?? '', /connection: close/i)
  assert.match(head ?? '', /x-content-type-options: nosniff/i)
  assert.equal(JSON.parse(body ?? '').error.code, 'NANO_E_BAD_REQUEST')
})

test('the asterisk form is a 400, and so is a file path with bad percent-encoding', async (t) => {
  const server = await start(t)
  const star = await rawExchange(server.port, 'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  assert.match(star, /^HTTP\/1\.1 400 /)
  assert.match(star, /NANO_E_BAD_REQUEST/)
  assert.doesNotMatch(star, /home/)
  for (const path of ['/_assets/%zz.css', '/%zz.txt']) {
    const bad = await raw(`${server.url}${path}`)
    assert.equal(bad.status, 400, path)
    assert.equal(JSON.parse(bad.text).error.code, 'NANO_E_BAD_REQUEST')
    assert.equal(bad.headers['x-content-type-options'], 'nosniff')
  }
})

test('HEAD of a streamed page has no content-length: 0', async (t) => {
  const server = await start(t)
  const get = await raw(`${server.url}/streamed`)
  assert.match(get.text, /late/)
  const head = await raw(`${server.url}/streamed`, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.headers['content-length'], undefined)
  assert.equal(head.body.length, 0)
  assert.match(String(head.headers['content-type']), /text\/html/)
})
