import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { post, request } from '../helpers/http.ts'
import { collectLogs, REPO } from '../helpers/project.ts'

test('fragments/share-prices leaves out words too long to be a symbol instead of failing (found by the gateway fuzz)', async (t) => {
  const { records, sink } = collectLogs()
  const server = await createServer({ root: join(REPO, 'examples/news'), port: 0, logger: sink, warm: false })
  t.after(() => server.close())
  const long = `${' '.repeat(8)}!${' '.repeat(13)}!`
  const viaGet = await request(`${server.url}/api/fragments/share-prices?symbols=${encodeURIComponent(long)}`)
  assert.equal(viaGet.status, 200, viaGet.text)
  assert.match(viaGet.text, /markets--shares/)
  const mixed = await post(`${server.url}/api/fragments/share-prices`, { symbols: `NWB,${'X'.repeat(13)}` })
  assert.equal(mixed.status, 200, mixed.text)
  assert.match(mixed.text, /data-symbol="NWB"/)
  const unknown = await post(`${server.url}/api/fragments/share-prices`, { symbols: 'NOPE' })
  assert.equal(unknown.status, 404, unknown.text)
  assert.equal((unknown.body as { error: { code: string } }).error.code, 'NANO_E_NOT_FOUND')
  assert.deepEqual(
    records.filter((r) => r.level === 'error').map((r) => r.message),
    [],
    'nothing failed',
  )
})

test('fragments/search-box counts a query in characters, as news/search does: one emoji is too short to search, not a failure (found by the gateway fuzz)', async (t) => {
  const server = await createServer({ root: join(REPO, 'examples/news'), port: 0, logger: () => {}, warm: false })
  t.after(() => server.close())
  const emoji = await request(`${server.url}/api/fragments/search-box?q=${encodeURIComponent('😀')}`)
  assert.equal(emoji.status, 200, emoji.text)
  assert.match(emoji.text, /class="search-box"/)
  assert.doesNotMatch(emoji.text, /search-box__results/)
  const page = await request(`${server.url}/search?q=${encodeURIComponent('😀')}`)
  assert.equal(page.status, 200)
})
