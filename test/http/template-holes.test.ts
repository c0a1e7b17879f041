import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { collectLogs, tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

const FILES = {
  'pages/search.html':
    '<html><body><h1>{query.q}</h1><p title={query.q} class="q">x</p><a id="next" href="{query.next|/}">next</a><img srcset="{query.img}"></body></html>',
  'pages/bad.html': '<html><body>\n<p>ok</p>\n<script>var q = "{query.q}"</script></body></html>',
}

test('holes are written for their context through a real server', async (t) => {
  const root = await tempProject(t, FILES)
  const logs = collectLogs()
  const server = await createServer({ root, port: 0, logger: logs.sink, warm: false })
  t.after(() => server.close())
  const query = new URLSearchParams({
    q: '" onmouseover=alert(1) <script>',
    next: ' JaVaScRiPt:alert(1)',
    img: 'data:x 1x',
  })
  const page = await raw(`${server.url}/search?${query}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /<h1>&quot; onmouseover=alert\(1\) &lt;script&gt;<\/h1>/)
  assert.match(page.text, /<p title="&quot; onmouseover=alert\(1\) &lt;script&gt;" class="q">/)
  assert.match(page.text, /<a id="next" href="about:invalid">/)
  assert.match(page.text, /<img srcset="about:invalid">/)
  assert.doesNotMatch(page.text, /<script>/)
  const fine = await raw(`${server.url}/search?${new URLSearchParams({ q: 'tea', next: '/story/1?a=1&b=2' })}`)
  assert.match(fine.text, /<a id="next" href="\/story\/1\?a=1&amp;b=2">/)
  assert.match(fine.text, /<p title="tea" class="q">/)

  const bad = await raw(`${server.url}/bad?q=x`)
  assert.equal(bad.status, 500)
  assert.match(bad.text, /NANO_E_BAD_DEFINITION/)
  assert.match(bad.text, /pages\/bad\.html:3: the hole \{query\.q\} is inside &lt;script&gt;/)
})
