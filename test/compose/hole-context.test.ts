import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fill, isUnsafeUrl, type PageVars } from '../../src/compose/interpolate.ts'
import { parsePage } from '../../src/compose/template.ts'
import { isNanoError } from '../../src/define/errors.ts'

function render(source: string, query: string): string {
  const parsed = parsePage(source, 'pages/x.html')
  const vars: PageVars = { params: {}, query: new URLSearchParams(query), data: {} }
  return parsed.parts.map((part) => (part.kind === 'text' ? fill(part.text, vars, true) : '')).join('')
}

const q = (value: string): string => new URLSearchParams({ v: value }).toString()

test('a hole in HTML text or a quoted attribute is escaped', () => {
  assert.equal(
    render('<p>{query.v}</p>', q('<img src=x onerror=alert(1)>')),
    '<p>&lt;img src=x onerror=alert(1)&gt;</p>',
  )
  assert.equal(render('<p title="{query.v}">', q('" onmouseover=alert(1)')), '<p title="&quot; onmouseover=alert(1)">')
  assert.equal(render("<p title='{query.v}'>", q("' onmouseover=alert(1)")), "<p title='&#39; onmouseover=alert(1)'>")
})

test('a hole in an unquoted attribute is quoted, then escaped', () => {
  assert.equal(
    render('<p title={query.v}>x</p>', q('a onmouseover=alert(1)')),
    '<p title="a onmouseover=alert(1)">x</p>',
  )
  assert.equal(render('<p class=c-{query.v} id=i>', q('" x')), '<p class="c-&quot; x" id=i>')
})

test('a URL attribute refuses javascript:, vbscript: and data: however they are written', () => {
  for (const payload of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' \tjava\nscript:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
  ]) {
    assert.equal(render('<a href="{query.v}">', q(payload)), '<a href="about:invalid">', payload)
    assert.equal(render('<a href={query.v}>', q(payload)), '<a href="about:invalid">', payload)
  }
  assert.equal(
    render('<a href="&#106;ava{query.v}">', q('script:alert(1)')),
    '<a href="about:invalid">',
    'entities in the source count',
  )
  assert.equal(
    render('<a href="{query.v}">', q('&#106;avascript:alert(1)')),
    '<a href="&amp;#106;avascript:alert(1)">',
    'entities in a value are text',
  )
  assert.equal(render('<form action="{query.v}">', q('javascript:x')), '<form action="about:invalid">')
  assert.equal(render('<img srcset="{query.v}">', q('/a.png 1x, javascript:x 2x')), '<img srcset="about:invalid">')
  assert.equal(
    render('<svg><a xlink:href="{query.v}"></a></svg>', q('javascript:x')),
    '<svg><a xlink:href="about:invalid"></a></svg>',
  )
  assert.equal(
    render('<a href="/search?q={query.v}">', q('javascript:alert(1)')),
    '<a href="/search?q=javascript:alert(1)">',
  )
  assert.equal(render('<a href="{query.v|/}">', ''), '<a href="/">')
  assert.equal(
    render('<a href="{query.v}">', q('https://example.com/?a=1&b=2')),
    '<a href="https://example.com/?a=1&amp;b=2">',
  )
})

test('isUnsafeUrl reads the scheme as a browser does', () => {
  assert.equal(isUnsafeUrl('\u0000 javascript:x', 'url'), true)
  assert.equal(isUnsafeUrl('java\tscript:x', 'url'), true)
  assert.equal(isUnsafeUrl('./javascript:x', 'url'), false)
  assert.equal(isUnsafeUrl('a.png, data:x', 'srcset'), true)
})

function refusal(source: string): string {
  try {
    parsePage(source, 'pages/x.html')
  } catch (error) {
    assert.ok(isNanoError(error) && error.code === 'NANO_E_BAD_DEFINITION', String(error))
    return error.message
  }
  assert.fail(`no error for ${source}`)
}

test('a hole in script, style, an event handler or a tag is refused at parse, naming file and line', () => {
  assert.match(
    refusal('<p>ok</p>\n<script>var q = "{query.v}"</script>'),
    /^pages\/x\.html:2: the hole \{query\.v\} is inside <script>/,
  )
  assert.match(refusal('<style>\n\n p { color: {query.v} }</style>'), /pages\/x\.html:3: .*inside <style>/)
  assert.match(refusal('<button onclick="go(\'{query.v}\')">'), /in the onclick attribute/)
  assert.match(refusal('<p style="color: {query.v}">'), /in the style attribute/)
  assert.match(refusal('<iframe srcdoc="{query.v}">'), /in the srcdoc attribute/)
  assert.match(refusal('<p {query.v}>'), /inside the <p> tag/)
  assert.doesNotThrow(() => parsePage('<script>var braces = {x: 1}</script><p>{query.v}</p>', 'pages/y.html'))
})

test('a hole after a script, in a title or comment, stays text', () => {
  assert.equal(
    render('<script>1</script><title>{query.v}</title>', q('</title><script>')),
    '<script>1</script><title>&lt;/title&gt;&lt;script&gt;</title>',
  )
  assert.equal(render('<!-- {query.v} -->', q('--><script>')), '<!-- --&gt;&lt;script&gt; -->')
})

test("the page's own script and style elements take the response nonce", () => {
  const parsed = parsePage(
    '<head><style>p{}</style><script src="/a.js"></script><SCRIPT type="module">go()</SCRIPT><script nonce="fixed">x</script></head><p>{query.v}</p>',
    'pages/x.html',
  )
  const vars: PageVars = { params: {}, query: new URLSearchParams('v=1'), data: {}, nonce: 'n0nce' }
  const out = parsed.parts.map((part) => (part.kind === 'text' ? fill(part.text, vars, true) : '')).join('')
  assert.equal(
    out,
    '<head><style nonce="n0nce">p{}</style><script nonce="n0nce" src="/a.js"></script><SCRIPT nonce="n0nce" type="module">go()</SCRIPT><script nonce="fixed">x</script></head><p>1</p>',
  )
  const without = parsed.parts
    .map((part) => (part.kind === 'text' ? fill(part.text, { ...vars, nonce: undefined }, true) : ''))
    .join('')
  assert.doesNotMatch(without, /nonce="n0nce"/)
})
