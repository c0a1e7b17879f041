import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

const frag = `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({ input: z.object({}), css: 'box.css', render: () => html\`<p class="box">box</p>\` })\n`
const BYTES = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256))

const FILES: Record<string, string | Buffer> = {
  'services/frag/box.ts': frag,
  'services/frag/box.css': '.box { color: red }\n',
  'services/api-twin.ts': svc(
    `idempotent: true, input: z.object({}), output: z.string(), run: () => 'from the service',`,
  ),
  'pages/index.html': '<html><head></head><body><nano-fragment src="frag/box"></nano-fragment></body></html>',
  'pages/about.html': '<html><body>the about page</body></html>',
  'pages/_assets/site.css': 'body { margin: 0 }\n',
  'pages/_assets/logo.png': BYTES,
  'public/favicon.ico': BYTES,
  'public/robots.txt': 'User-agent: *\nAllow: /\n',
  'public/about': 'the public file that the page hides',
  'public/_nano/health': 'never served',
  'public/img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'public/img/photo.jpg': BYTES,
  'public/fonts/a.woff2': BYTES,
  'public/fonts/a.woff': BYTES,
  'public/fonts/a.ttf': BYTES,
  'public/app.3f9a1c2b.js': 'export const a = 1\n',
  'public/vendor-0123456789abcdef.css': 'a { b: c }\n',
  'public/style.css': 'p { margin: 0 }\n',
  'public/data.json': '{"a":1}',
  'public/notes.txt': 'notes\n',
  'public/site.webmanifest': '{"name":"x"}',
  'public/mod.wasm': BYTES,
  'public/clip.mp4': BYTES,
  'public/page.html': '<p>static html</p>',
  'public/archive.zip': BYTES,
  'public/no-extension': 'x',
  'public/.env': 'SECRET=1',
  'public/.git/config': '[core]',
  'public/img/.hidden.png': BYTES,
  'public/.well-known/security.txt': 'Contact: mailto:x@example.com\n',
  'secret.txt': 'outside public',
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES as Record<string, string>)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  return server
}

test('public/ is served at / with the content type of each common kind of file', async (t) => {
  const server = await start(t)
  const types: Record<string, string> = {
    '/favicon.ico': 'image/x-icon',
    '/robots.txt': 'text/plain; charset=utf-8',
    '/img/logo.svg': 'image/svg+xml',
    '/img/photo.jpg': 'image/jpeg',
    '/fonts/a.woff2': 'font/woff2',
    '/fonts/a.woff': 'font/woff',
    '/fonts/a.ttf': 'font/ttf',
    '/app.3f9a1c2b.js': 'text/javascript; charset=utf-8',
    '/style.css': 'text/css; charset=utf-8',
    '/data.json': 'application/json',
    '/notes.txt': 'text/plain; charset=utf-8',
    '/site.webmanifest': 'application/manifest+json',
    '/mod.wasm': 'application/wasm',
    '/clip.mp4': 'video/mp4',
    '/page.html': 'text/html; charset=utf-8',
    '/archive.zip': 'application/zip',
    '/no-extension': 'application/octet-stream',
    '/.well-known/security.txt': 'text/plain; charset=utf-8',
  }
  for (const [path, type] of Object.entries(types)) {
    const a = await raw(`${server.url}${path}`)
    assert.equal(a.status, 200, path)
    assert.equal(a.headers['content-type'], type, path)
    assert.equal(a.headers['x-content-type-options'], 'nosniff', path)
    assert.equal(Number(a.headers['content-length']), a.body.length, path)
  }
  const ico = await raw(`${server.url}/favicon.ico`)
  assert.deepEqual(ico.body, BYTES, 'binary files arrive byte for byte')
  assert.equal((await raw(`${server.url}/robots.txt`)).text, 'User-agent: *\nAllow: /\n')
})

test('validators: ETag and Last-Modified, 304 for If-None-Match and If-Modified-Since, caching by name', async (t) => {
  const server = await start(t)
  const a = await raw(`${server.url}/robots.txt`)
  const etag = a.headers.etag as string
  const lastModified = a.headers['last-modified'] as string
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/)
  assert.ok(!Number.isNaN(Date.parse(lastModified)))
  assert.equal(a.headers['cache-control'], 'public, max-age=0, must-revalidate')
  const fresh: Record<string, string>[] = [
    { 'if-none-match': etag },
    { 'if-none-match': `"nope", W/${etag}` },
    { 'if-none-match': '*' },
    { 'if-modified-since': lastModified },
    { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() },
  ]
  for (const headers of fresh) {
    const again = await raw(`${server.url}/robots.txt`, { headers })
    assert.equal(again.status, 304, JSON.stringify(headers))
    assert.equal(again.body.length, 0)
    assert.equal(again.headers.etag, etag)
    assert.equal(again.headers['cache-control'], 'public, max-age=0, must-revalidate')
    assert.equal(again.headers['content-length'], undefined, 'a 304 has no Content-Length of 0')
  }
  const changed: Record<string, string>[] = [
    { 'if-none-match': '"other"' },
    { 'if-modified-since': new Date(Date.parse(lastModified) - 10_000).toUTCString() },
    { 'if-none-match': '"other"', 'if-modified-since': lastModified },
    { 'if-modified-since': 'not a date' },
  ]
  for (const headers of changed) {
    assert.equal((await raw(`${server.url}/robots.txt`, { headers })).status, 200, JSON.stringify(headers))
  }
  const head = await raw(`${server.url}/robots.txt`, { method: 'HEAD', headers: { 'if-none-match': etag } })
  assert.equal(head.status, 304)
  const hashed = await raw(`${server.url}/app.3f9a1c2b.js`)
  assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable')
  const vendor = await raw(`${server.url}/vendor-0123456789abcdef.css`)
  assert.equal(vendor.headers['cache-control'], 'public, max-age=31536000, immutable')
})

test('HEAD answers the headers of GET without a body and without reading the file', async (t) => {
  const server = await start(t)
  const get = await raw(`${server.url}/favicon.ico`)
  const head = await raw(`${server.url}/favicon.ico`, { method: 'HEAD' })
  assert.equal(head.status, 200)
  assert.equal(head.body.length, 0)
  for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control']) {
    assert.equal(head.headers[name], get.headers[name], name)
  }
})

test('Range: one byte range answers 206, a range past the end 416, If-Range for another version the whole file', async (t) => {
  const server = await start(t)
  const url = `${server.url}/clip.mp4`
  const whole = await raw(url)
  assert.equal(whole.headers['accept-ranges'], 'bytes')
  const part = await raw(url, { headers: { range: 'bytes=10-19' } })
  assert.equal(part.status, 206)
  assert.equal(part.headers['content-range'], 'bytes 10-19/300')
  assert.deepEqual(part.body, BYTES.subarray(10, 20))
  const tail = await raw(url, { headers: { range: 'bytes=-5' } })
  assert.deepEqual(tail.body, BYTES.subarray(295))
  const open = await raw(url, { headers: { range: 'bytes=290-' } })
  assert.equal(open.headers['content-range'], 'bytes 290-299/300')
  const past = await raw(url, { headers: { range: 'bytes=300-' } })
  assert.equal(past.status, 416)
  assert.equal(past.headers['content-range'], 'bytes */300')
  assert.equal((JSON.parse(past.text) as { error: { code: string } }).error.code, 'NANO_E_RANGE_NOT_SATISFIABLE')
  const stale = await raw(url, { headers: { range: 'bytes=0-9', 'if-range': '"old"' } })
  assert.equal(stale.status, 200)
  assert.equal(stale.body.length, 300)
  const staleAndPast = await raw(url, { headers: { range: 'bytes=900-', 'if-range': '"old"' } })
  assert.equal(staleAndPast.status, 200, 'If-Range first: another version gets the whole file, not a 416')
  const current = await raw(url, { headers: { range: 'bytes=0-9', 'if-range': whole.headers.etag as string } })
  assert.equal(current.status, 206)
  const several = await raw(url, { headers: { range: 'bytes=0-1, 5-6' } })
  assert.equal(several.status, 200, 'several ranges: the whole file')
})

test('routes and pages win over a public file of the same path', async (t) => {
  const server = await start(t)
  const page = await raw(`${server.url}/about`)
  assert.match(page.text, /the about page/)
  const nano = await raw(`${server.url}/_nano/health`)
  assert.match(nano.text, /"status":"ok"/)
  assert.equal((await raw(`${server.url}/_nano/nothing-here`)).status, 404)
})

/** Sends a request line as is (no URL normalisation by a client) and returns the status. */
function rawStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.write(`GET ${target} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n`)
    socket.on('data', (data) => {
      text += data.toString()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(Number(text.split(' ')[1])))
  })
}

test('no traversal, no dotfiles, no directories, no other method', async (t) => {
  const server = await start(t)
  const refused = [
    '/../secret.txt',
    '/img/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/img/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/img%5c..%5c..%5csecret.txt',
    '//etc/passwd',
    '/%2fetc/passwd',
    `/${encodeURIComponent(`${process.cwd()}/package.json`)}`,
    '/robots.txt%00.png',
    '/.env',
    '/%2eenv',
    '/.git/config',
    '/img/.hidden.png',
    '/.well-known',
    '/img',
    '/img/',
    '/fonts/',
    '/missing.txt',
  ]
  for (const target of refused) {
    assert.equal(await rawStatus(server.port, target), 404, target)
  }
  assert.equal(await rawStatus(server.port, '/%E0%A4%A.txt'), 400, 'bad percent-encoding')
  const post = await raw(`${server.url}/robots.txt`, { method: 'POST', body: '{}' })
  assert.equal(post.status, 405)
  assert.equal(post.headers.allow, 'GET, HEAD')
})

test('/_assets/ and /_nano/assets/ are served with the same validators', async (t) => {
  const server = await start(t)
  const home = await raw(`${server.url}/`)
  const cssUrl = /href="(\/_nano\/assets\/[^"]+\.css)"/.exec(home.text)?.[1]
  assert.ok(cssUrl !== undefined, home.text)
  for (const [path, type] of [
    [cssUrl, 'text/css; charset=utf-8'],
    ['/_assets/site.css', 'text/css; charset=utf-8'],
    ['/_assets/logo.png', 'image/png'],
  ] as const) {
    const a = await raw(`${server.url}${path}`)
    assert.equal(a.status, 200, path)
    assert.equal(a.headers['content-type'], type)
    assert.ok(a.headers.etag !== undefined && a.headers['last-modified'] !== undefined)
    const again = await raw(`${server.url}${path}`, { headers: { 'if-none-match': a.headers.etag as string } })
    assert.equal(again.status, 304, path)
  }
  assert.equal(await rawStatus(server.port, '/_assets/../services/frag/box.ts'), 404)
  assert.equal(await rawStatus(server.port, '/_assets/%2e%2e/%2e%2e/secret.txt'), 404)
  assert.equal(await rawStatus(server.port, '/_nano/assets/frag/box.ts'), 404, 'only declared assets')
})

test('a large file is streamed from disk, whole or in part, through both adapters', async (t) => {
  const big = Buffer.alloc(300 * 1024, 7)
  big.write('start', 0)
  big.write('end', big.length - 3)
  const root = await tempProject(t, { 'public/big.bin': big as unknown as string })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  const a = await raw(`${server.url}/big.bin`)
  assert.equal(a.status, 200)
  assert.equal(a.headers['content-length'], String(big.length))
  assert.deepEqual(a.body, big)
  const part = await raw(`${server.url}/big.bin`, { headers: { range: `bytes=${big.length - 3}-` } })
  assert.equal(part.text, 'end')
  const viaFetch = await server.fetch(new Request('http://x/big.bin', { headers: { range: 'bytes=0-4' } }))
  assert.equal(viaFetch.status, 206)
  assert.equal(await viaFetch.text(), 'start')
  const whole = await server.fetch(new Request('http://x/big.bin'))
  assert.equal((await whole.arrayBuffer()).byteLength, big.length)
})
