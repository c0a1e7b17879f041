import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addVary, isFresh, weaken } from '../../src/http/conditional.ts'
import { atLeastBytes } from '../../src/http/encode.ts'
import type { Exchange } from '../../src/http/exchange.ts'
import { fileCacheControl, fileUnder, isHashedName } from '../../src/http/file-path.ts'
import { contentTypeOf, isCompressible } from '../../src/http/mime.ts'
import { preferredCoding } from '../../src/http/negotiate.ts'
import { byteRange } from '../../src/http/range.ts'

test('preferredCoding follows q-values, prefers brotli on a tie, and falls back to identity', () => {
  assert.equal(preferredCoding('gzip, deflate, br, zstd'), 'br')
  assert.equal(preferredCoding('gzip;q=0.9, br;q=0.1'), 'gzip')
  assert.equal(preferredCoding('GZIP; Q=0.5, Br; q=0.5'), 'br')
  assert.equal(preferredCoding('br;q=0'), undefined)
  assert.equal(preferredCoding('*;q=0'), undefined)
  assert.equal(preferredCoding('*;q=0.1, gzip;q=0'), 'br')
  assert.equal(preferredCoding('br;q=oops, gzip'), 'gzip', 'an unreadable q is 0')
  assert.equal(preferredCoding(''), undefined)
  assert.equal(preferredCoding('identity, deflate'), undefined)
})

test('byteRange reads one bytes range and leaves the rest to a full answer', () => {
  assert.deepEqual(byteRange('bytes=0-0', 10), { start: 0, end: 0 })
  assert.deepEqual(byteRange('bytes=5-100', 10), { start: 5, end: 9 })
  assert.deepEqual(byteRange('bytes=-3', 10), { start: 7, end: 9 })
  assert.deepEqual(byteRange('bytes=-30', 10), { start: 0, end: 9 })
  assert.equal(byteRange('bytes=10-', 10), 'unsatisfiable')
  assert.equal(byteRange('bytes=-0', 10), 'unsatisfiable')
  assert.equal(byteRange('bytes=5-2', 10), undefined)
  assert.equal(byteRange('bytes=0-1,3-4', 10), undefined)
  assert.equal(byteRange('items=0-1', 10), undefined)
  assert.equal(byteRange(undefined, 10), undefined)
})

test('fileUnder refuses traversal, dotfiles, empty segments; keeps .well-known', () => {
  assert.equal(fileUnder('/srv/public', 'a/b.txt'), '/srv/public/a/b.txt')
  assert.equal(fileUnder('/srv/public', 'caf%C3%A9.txt'), '/srv/public/café.txt')
  assert.equal(fileUnder('/srv/public', '.well-known/security.txt'), '/srv/public/.well-known/security.txt')
  for (const bad of [
    '',
    '..',
    'a/../../x',
    '%2e%2e/x',
    'a/%2E%2E%2F..%2Fx',
    '.env',
    'a/.git/x',
    'a//b',
    'a/',
    '/etc/x',
    'a\\..\\x',
    'a%5Cb',
    'x%00.png',
    '.well-known',
    'a/.well-known/x',
  ]) {
    assert.equal(fileUnder('/srv/public', bad), undefined, bad)
  }
  assert.throws(() => fileUnder('/srv/public', '%E0%A4%A'), { code: 'NANO_E_BAD_REQUEST' })
})

test('hashed names are cached for good, others revalidate', () => {
  for (const name of [
    'app.3f9a1c2b.js',
    'chunk-0a1b2c3d4e5f.css',
    'img/logo_deadbeef12.svg',
    'a.b.0123456789abcdef0123.min.js',
  ]) {
    assert.ok(isHashedName(name), name)
    assert.equal(fileCacheControl(name), 'public, max-age=31536000, immutable')
  }
  for (const name of ['app.js', 'facade12.js', 'app.3f9a1c2.js', 'app.3f9a1c2z.js', 'release-2024.css', 'a.12345678']) {
    assert.ok(!isHashedName(name), name)
    assert.equal(fileCacheControl(name), 'public, max-age=0, must-revalidate')
  }
})

test('content types and compressibility', () => {
  assert.equal(contentTypeOf('/x/README'), 'application/octet-stream')
  assert.equal(contentTypeOf('/x.y/README'), 'application/octet-stream')
  assert.equal(contentTypeOf('/x/A.PNG'), 'image/png')
  assert.equal(contentTypeOf('/x/feed.xml'), 'text/xml; charset=utf-8')
  for (const type of [
    'text/html; charset=utf-8',
    'application/json',
    'application/ld+json',
    'image/svg+xml',
    'application/wasm',
    'image/x-icon',
    'text/javascript; charset=utf-8',
  ]) {
    assert.ok(isCompressible(type), type)
  }
  for (const type of [
    'text/event-stream; charset=utf-8',
    'image/png',
    'font/woff2',
    'application/zip',
    'video/mp4',
    undefined,
  ]) {
    assert.ok(!isCompressible(type), String(type))
  }
})

test('validators: weak comparison for If-None-Match, If-Modified-Since only without it', () => {
  const ex = (headers: Record<string, string>): Exchange => ({
    method: 'GET',
    path: '/',
    search: '',
    header: (name) => headers[name],
    body: () => new Uint8Array(),
  })
  const mtime = Date.parse('2024-05-01T10:00:00.750Z')
  assert.ok(isFresh(ex({ 'if-none-match': 'W/"a"' }), '"a"'))
  assert.ok(isFresh(ex({ 'if-none-match': '"a"' }), 'W/"a"'))
  assert.ok(
    !isFresh(ex({ 'if-none-match': '"b"', 'if-modified-since': 'Wed, 01 May 2024 10:00:00 GMT' }), '"a"', mtime),
  )
  assert.ok(isFresh(ex({ 'if-modified-since': 'Wed, 01 May 2024 10:00:00 GMT' }), '"a"', mtime), 'whole seconds')
  assert.ok(!isFresh(ex({ 'if-modified-since': 'Wed, 01 May 2024 09:59:59 GMT' }), '"a"', mtime))
  assert.equal(weaken('"a"'), 'W/"a"')
  assert.equal(weaken('W/"a"'), 'W/"a"')
  const headers: Record<string, string> = { vary: 'accept-encoding' }
  addVary(headers, 'Accept-Encoding')
  addVary(headers, 'Accept-Language')
  assert.equal(headers.vary, 'accept-encoding, Accept-Language')
  assert.ok(!atLeastBytes('é'.repeat(400), 1024))
  assert.ok(atLeastBytes('é'.repeat(512), 1024))
  assert.ok(atLeastBytes(new Uint8Array(1024), 1024))
})
