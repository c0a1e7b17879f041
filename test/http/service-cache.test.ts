import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

const FILES = {
  'services/news/top.ts': svc(`idempotent: true, cache: { ttl: '60s', staleWhileRevalidate: '10m', staleIfError: '1h' },
    input: z.object({ n: z.number().int().optional() }), output: z.object({ n: z.number(), at: z.string() }),
    run: ({ n }) => ({ n: n ?? 1, at: 'fixed' }),`),
  'services/news/mine.ts': svc(`idempotent: true, cache: { ttl: '90s', vary: ['user', 'locale'] },
    input: z.object({}), output: z.object({ user: z.string() }),
    run: (_, ctx) => ({ user: ctx.request.userId ?? 'nobody' }),`),
  'services/news/big.ts': svc(`idempotent: true, cache: { ttl: 30000 },
    input: z.object({}), output: z.object({ text: z.string() }), run: () => ({ text: 'x'.repeat(4000) }),`),
  'services/news/plain.ts': svc(`idempotent: true, input: z.object({}), output: z.string(), run: () => 'plain',`),
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, user: { header: 'x-user' } })
  t.after(() => server.close())
  return server
}

test('GET of a service that declares cache: Cache-Control from its policy, an ETag of the body, 304 on a match', async (t) => {
  const server = await start(t)
  const url = `${server.url}/api/news/top?n=2`
  const a = await raw(url)
  assert.equal(a.status, 200)
  assert.equal(a.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600, stale-if-error=3600')
  const etag = a.headers.etag as string
  assert.match(etag, /^"[\w-]{27}"$/)
  assert.equal((await raw(url)).headers.etag, etag, 'the same body, the same tag')
  assert.notEqual((await raw(`${server.url}/api/news/top?n=3`)).headers.etag, etag)
  for (const tag of [etag, `W/${etag}`, `"x", ${etag}`]) {
    const again = await raw(url, { headers: { 'if-none-match': tag } })
    assert.equal(again.status, 304, tag)
    assert.equal(again.body.length, 0)
    assert.equal(again.headers.etag, etag)
    assert.equal(again.headers['cache-control'], a.headers['cache-control'])
    assert.equal(again.headers['content-type'], undefined)
  }
  assert.equal((await raw(url, { headers: { 'if-none-match': '"stale"' } })).status, 200)
  const head = await raw(url, { method: 'HEAD', headers: { 'if-none-match': etag } })
  assert.equal(head.status, 304)
  const headFull = await raw(url, { method: 'HEAD' })
  assert.equal(headFull.headers.etag, etag)
  assert.equal(headFull.body.length, 0)
})

test('a policy that varies by user is private; by locale, Vary names Accept-Language', async (t) => {
  const server = await start(t)
  const a = await raw(`${server.url}/api/news/mine`, { headers: { 'x-user': 'u1' } })
  assert.equal(a.headers['cache-control'], 'private, max-age=90')
  assert.equal(a.headers.vary, 'Accept-Language')
  const b = await raw(`${server.url}/api/news/mine`, { headers: { 'x-user': 'u2' } })
  assert.notEqual(a.headers.etag, b.headers.etag)
  const stale = await raw(`${server.url}/api/news/mine`, {
    headers: { 'x-user': 'u2', 'if-none-match': a.headers.etag as string },
  })
  assert.equal(stale.status, 200, "u1's tag is not u2's answer")
})

test('a compressed answer carries the weak form of the tag, which revalidates', async (t) => {
  const server = await start(t)
  const url = `${server.url}/api/news/big`
  const a = await raw(url, { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(a.headers['content-encoding'], 'gzip')
  assert.match(a.headers.etag as string, /^W\/"/)
  assert.equal(a.headers['cache-control'], 'public, max-age=30')
  const again = await raw(url, { headers: { 'accept-encoding': 'gzip', 'if-none-match': a.headers.etag as string } })
  assert.equal(again.status, 304)
  assert.equal(again.headers.vary, 'Accept-Encoding')
})

test('POST answers and services without cache carry no caching headers', async (t) => {
  const server = await start(t)
  const post = await raw(`${server.url}/api/news/top`, {
    method: 'POST',
    body: '{"n":2}',
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(post.status, 200)
  assert.equal(post.headers['cache-control'], undefined)
  assert.equal(post.headers.etag, undefined)
  const etag = (await raw(`${server.url}/api/news/top?n=2`)).headers.etag as string
  const conditional = await raw(`${server.url}/api/news/top`, {
    method: 'POST',
    body: '{"n":2}',
    headers: { 'content-type': 'application/json', 'if-none-match': etag },
  })
  assert.equal(conditional.status, 200, 'a POST is never answered 304')
  const plain = await raw(`${server.url}/api/news/plain`)
  assert.equal(plain.headers['cache-control'], undefined)
  assert.equal(plain.headers.etag, undefined)
})
