import assert from 'node:assert/strict'
import { test } from 'node:test'
import { escapeHtml, Html, html, isHtml, raw } from '../../src/define/html.ts'

test('escapeHtml escapes the five HTML metacharacters and nothing else', () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
  )
  assert.equal(escapeHtml('plain text, 100% safe'), 'plain text, 100% safe')
  assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'text is text: an entity is escaped again')
})

test('html escapes interpolated text', () => {
  const name = '<script>alert("x")</script>'
  assert.equal(html`<p>${name}</p>`.value, '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>')
  assert.equal(html`<p>${42} ${1.5} ${true}</p>`.value, '<p>42 1.5 true</p>')
})

test('html escapes quoted attribute values and leaves their quotes alone', () => {
  const title = `"quoted" & 'single'`
  assert.equal(
    html`<a title="${title}" data-x='${title}'>t</a>`.value,
    '<a title="&quot;quoted&quot; &amp; &#39;single&#39;" data-x=\'&quot;quoted&quot; &amp; &#39;single&#39;\'>t</a>',
  )
  assert.equal(html`<i class="icon icon--${'a b'}">`.value, '<i class="icon icon--a b">')
})

test('html quotes and escapes unquoted attribute values', () => {
  const url = 'https://example.test/?a=1&b="2" onmouseover=alert(1)'
  assert.equal(
    html`<a href=${url}>link</a>`.value,
    '<a href="https://example.test/?a=1&amp;b=&quot;2&quot; onmouseover=alert(1)">link</a>',
  )
  assert.equal(html`<a href = ${'/x'} class=plain>`.value, '<a href = "/x" class=plain>', 'spaces around =')
  assert.equal(html`<a href=/story/${42}?ref=${'top'} rel=next>`.value, '<a href="/story/42?ref=top" rel=next>')
  assert.equal(html`<i data-a=${1}${2}>`.value, '<i data-a="12">')
  assert.equal(html`<input value=${'v w'}/>`.value, '<input value="v w"/>', 'a closing /> ends the value')
  assert.equal(html`<input value=${'v'} disabled>`.value, '<input value="v" disabled>')
  assert.equal(html`<input\nname=${'n'}\n>`.value, '<input\nname="n"\n>')
})

test('html treats = in text as text', () => {
  assert.equal(html`<code>limit=${5}</code>`.value, '<code>limit=5</code>')
  assert.equal(html`a=${1}, b=${'<2>'}`.value, 'a=1, b=&lt;2&gt;')
  assert.equal(html`<p>1 < 2 and x=${3}</p>`.value, '<p>1 < 2 and x=3</p>', 'a < that starts no tag')
  assert.equal(html`<!-- x=${1} --><b>y=${2}</b>`.value, '<!-- x=1 --><b>y=2</b>', 'comments are text')
  assert.equal(
    html`<script>if (a<b) x=${3}</script><i x=${4}>`.value,
    '<script>if (a<b) x=3</script><i x="4">',
    'script content is text, and scanning resumes after </script>',
  )
  assert.equal(html`<!doctype html><p>n=${1}</p>`.value, '<!doctype html><p>n=1</p>')
  assert.equal(html`<a href=${'/a'}>q=${1}</a>`.value, '<a href="/a">q=1</a>', 'text after a tag with a value')
})

test('html tracks tags across interpolations', () => {
  const attr = (v: unknown) => html`<a title=${'t'} ${raw('data-raw')} href=${v}>x=${v}</a>`
  assert.equal(attr('/1').value, '<a title="t" data-raw href="/1">x=/1</a>')
  assert.equal(attr('/2').value, '<a title="t" data-raw href="/2">x=/2</a>', 'the cached scan gives the same result')
  assert.equal(html`<a title="${'a'}" href=${'b'}>`.value, '<a title="a" href="b">')
})

test('html writes URLs escaped but unchecked', () => {
  assert.equal(html`<a href=${'javascript:alert(1)'}>`.value, '<a href="javascript:alert(1)">')
})

test('html nests without double escaping', () => {
  const inner = html`<b>${'<i>'}</b>`
  assert.equal(html`<p>${inner}</p>`.value, '<p><b>&lt;i&gt;</b></p>')
  assert.equal(html`<p>${html`${html`<em>${'&'}</em>`}`}</p>`.value, '<p><em>&amp;</em></p>')
})

test('html joins arrays, nested arrays included, and writes nothing for null, undefined and false', () => {
  const items = ['a', '<b>', 'c']
  assert.equal(
    html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.value,
    '<ul><li>a</li><li>&lt;b&gt;</li><li>c</li></ul>',
  )
  assert.equal(html`${['x', ['<y>', html`<z/>`]]}`.value, 'x&lt;y&gt;<z/>')
  assert.equal(html`[${null}${undefined}${false}]`.value, '[]')
  assert.equal(html`[${0}${''}${true}]`.value, '[0true]', '0 and true are written')
  assert.equal(html`<a href=${null}>`.value, '<a href="">', 'an empty unquoted value stays a valid attribute')
})

test('raw() writes trusted markup as is, in text and in attributes', () => {
  assert.equal(html`<div>${raw('<em>trusted</em>')}</div>`.value, '<div><em>trusted</em></div>')
  assert.equal(html`<div class=${raw('a b')}>`.value, '<div class="a b">')
  assert.ok(raw('x') instanceof Html)
})

test('Html is recognised by brand and prints its markup', () => {
  const h = html`<b>${'x'}</b>`
  assert.equal(isHtml(h), true)
  assert.equal(isHtml({ value: '<b>' }), false)
  assert.equal(isHtml('<b>'), false)
  assert.equal(isHtml(null), false)
  assert.equal(isHtml({ value: '<b>', [Symbol.for('nanoweb.html')]: true }), true, 'another copy of nanoweb')
  assert.equal(String(h), '<b>x</b>')
  assert.equal(`${h}`, '<b>x</b>')
})
