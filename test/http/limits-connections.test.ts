import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const echo = svc(`input: z.object({ text: z.string().optional() }), output: z.string(), run: () => 'ok'`)

/** A raw connection that records what it received and whether it closed. */
interface Raw {
  readonly socket: Socket
  received: string
  closed: boolean
}

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const raw: Raw = { socket, received: '', closed: false }
    socket.on('data', (data) => {
      raw.received += data.toString()
    })
    socket.on('close', () => {
      raw.closed = true
    })
    socket.on('error', () => {})
    socket.once('connect', () => resolve(raw))
    socket.once('error', reject)
  })
}

/** GET with its own connection (no pooling), resolving with the status and body. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

test('slowloris: 50 connections trickling headers are cut off with 408 while other clients are served', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    connections: { headersTimeout: '1s', requestTimeout: '2s' },
  })
  t.after(() => server.close())
  const slow = await Promise.all(Array.from({ length: 50 }, () => open(server.port)))
  for (const raw of slow) raw.socket.write('GET /_nano/health HTTP/1.1\r\nhost: x\r\nx-slow: ')
  const trickle = setInterval(() => {
    for (const raw of slow) if (!raw.closed) raw.socket.write('a')
  }, 100)
  t.after(() => clearInterval(trickle))
  for (let i = 0; i < 5; i++) assert.equal((await get(`${server.url}/_nano/health`)).status, 200)
  await until(() => (slow.every((raw) => raw.closed) ? true : undefined), 'every slow connection was closed', 20_000)
  clearInterval(trickle)
  const answered = slow.filter((raw) => raw.received.startsWith('HTTP/1.1 408'))
  assert.ok(answered.length > 0, 'the slow clients were told why')
  for (const raw of answered) assert.match(raw.received, /"code":"NANO_E_REQUEST_TIMEOUT"/)
  assert.equal((await get(`${server.url}/_nano/health`)).status, 200)
})

test('a body trickled slower than requestTimeout allows is cut off', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    connections: { headersTimeout: '1s', requestTimeout: '1500ms' },
  })
  t.after(() => server.close())
  const raw = await open(server.port)
  raw.socket.write(
    'POST /api/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"text":"',
  )
  const trickle = setInterval(() => {
    if (!raw.closed) raw.socket.write('a')
  }, 100)
  t.after(() => clearInterval(trickle))
  await until(() => (raw.closed ? true : undefined), 'the trickling connection was closed', 20_000)
  clearInterval(trickle)
  assert.match(raw.received, /^HTTP\/1.1 408[\s\S]*"code":"NANO_E_REQUEST_TIMEOUT"/)
})

test('maxPerAddress: connections over the cap are destroyed at once; a freed slot is usable again', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({ root, port: 0, logger: false, connections: { maxPerAddress: 5 } })
  t.after(() => server.close())
  const held = await Promise.all(Array.from({ length: 5 }, () => open(server.port)))
  const extra = await Promise.all(Array.from({ length: 3 }, () => open(server.port)))
  await until(() => (extra.every((raw) => raw.closed) ? true : undefined), 'the extra connections were destroyed')
  assert.ok(
    extra.every((raw) => raw.received === ''),
    'destroyed without a byte',
  )
  assert.ok(
    held.every((raw) => !raw.closed),
    'the first five stay open',
  )
  held[0]?.socket.destroy()
  await until(() => (held[0]?.closed ? true : undefined), 'one closed')
  const answer = await until(
    () => get(`${server.url}/_nano/health`).catch(() => undefined),
    'a new connection is served once one closed',
  )
  assert.equal(answer.status, 200)
  for (const raw of held) raw.socket.destroy()
})

test('too many or too large headers: 431 NANO_E_HEADERS_TOO_LARGE as JSON', async (t) => {
  const root = await tempProject(t, { 'services/echo.ts': echo })
  const server = await createServer({ root, port: 0, logger: false, connections: { maxHeadersCount: 20 } })
  t.after(() => server.close())
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v']))
  assert.equal((await get(`${server.url}/_nano/health`, many(15))).status, 200)
  const tooMany = await get(`${server.url}/_nano/health`, many(40))
  assert.equal(tooMany.status, 431)
  assert.equal(JSON.parse(tooMany.body).error.code, 'NANO_E_HEADERS_TOO_LARGE')
  const tooLarge = await get(`${server.url}/_nano/health`, { cookie: `big=${'x'.repeat(20_000)}` })
  assert.equal(tooLarge.status, 431)
  assert.equal(JSON.parse(tooLarge.body).error.code, 'NANO_E_HEADERS_TOO_LARGE')
  const garbage = await open(server.port)
  garbage.socket.write('NOT HTTP AT ALL\r\n\r\n')
  await until(() => (garbage.closed ? true : undefined), 'the garbage connection was closed')
  assert.match(garbage.received, /^HTTP\/1.1 400[\s\S]*"code":"NANO_E_BAD_REQUEST"/)
})

test('requestTimeout bounds receiving the request only: a page streaming for longer is not cut', async (t) => {
  const root = await tempProject(t, {
    'services/slow/part.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({}),
  render: async () => {
    await new Promise((resolve) => { globalThis.__releasePart = resolve })
    return html\`<p>late part</p>\`
  },
})
`,
    'pages/index.html':
      '<html><body><p>first</p><nano-fragment src="slow/part" defer>wait</nano-fragment></body></html>',
  })
  const server = await createServer({
    root,
    port: 0,
    logger: false,
    connections: { headersTimeout: '300ms', requestTimeout: '500ms' },
  })
  t.after(() => server.close())
  const page = get(server.url)
  const released = globalThis as { __releasePart?: () => void }
  await until(() => released.__releasePart, 'the fragment started')
  await new Promise((resolve) => setTimeout(resolve, 1500))
  released.__releasePart?.()
  const answer = await page
  assert.equal(answer.status, 200)
  assert.match(answer.body, /first[\s\S]*late part/)
})

/** Writes `bytes` on a new connection and reads until the server closes it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

test('a request without Host is a JSON 400; a HEAD refused for its headers gets no body', async (t) => {
  const root = await tempProject(t, { 'public/hello.txt': 'hello', 'pages/index.html': '<p>home</p>' })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const port = Number(new URL(server.url).port)
  const noHost = await exchange(port, 'GET /api/a HTTP/1.1\r\nConnection: close\r\n\r\n')
  assert.match(noHost, /^HTTP\/1\.1 400 /)
  assert.match(noHost, /x-content-type-options: nosniff/i)
  assert.equal(JSON.parse(noHost.slice(noHost.indexOf('\r\n\r\n') + 4)).error.code, 'NANO_E_BAD_REQUEST')
  const oldClient = await exchange(port, 'GET /hello.txt HTTP/1.0\r\n\r\n')
  assert.match(oldClient, /^HTTP\/1\.1 200 [\s\S]*\r\n\r\nhello$/, 'HTTP/1.0 needs no Host')
  const big = `HEAD /api/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`
  const head = await exchange(port, big)
  assert.match(head, /^HTTP\/1\.1 431 /)
  assert.equal(head.slice(head.indexOf('\r\n\r\n') + 4), '', 'no body after the head of a HEAD answer')
  const get = await exchange(port, big.replace('HEAD', 'GET'))
  assert.equal(JSON.parse(get.slice(get.indexOf('\r\n\r\n') + 4)).error.code, 'NANO_E_HEADERS_TOO_LARGE')
})
