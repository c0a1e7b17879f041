import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Template } from '../../src/compose/interpolate.ts'
import { type ParsedPage, parsePage, type SlotSpec, type TemplatePart } from '../../src/compose/template.ts'

/** A template as text again, holes as `{…}`. */
function written(template: Template): string {
  if (typeof template === 'string') return template
  return template
    .map((p) =>
      typeof p === 'string'
        ? p
        : 'from' in p
          ? `{${p.from}.${p.path.join('.')}}`
          : 'value' in p
            ? written(p.value)
            : '',
    )
    .join('')
}

/** The parts as short strings: text as is (holes as `{…}`), slots as `[src]`, head and body ends. */
function outline(page: ParsedPage): string[] {
  return page.parts.map((part: TemplatePart) => {
    if (part.kind === 'text') return written(part.text)
    if (part.kind === 'slot') return `[${part.slot.src}]`
    return part.kind
  })
}

function only(source: string): SlotSpec {
  const page = parsePage(source, 'pages/t.html')
  assert.equal(page.slots.length, 1)
  return page.slots[0] as SlotSpec
}

test('parsePage keeps the text around slots byte for byte and marks the ends of head and body', () => {
  const source =
    '<!doctype html><html><head><title>T</title></head><body>\n  <h1>News</h1>\n' +
    '  <nano-fragment src="news/top">Top story unavailable</nano-fragment>\n' +
    '  <nano-fragment src="weather/box"></nano-fragment>\n</body></html>\n'
  const page = parsePage(source, 'pages/index.html')
  assert.deepEqual(outline(page), [
    '<!doctype html><html><head><title>T</title>',
    'head-end',
    '</head><body>\n  <h1>News</h1>\n  ',
    '[news/top]',
    '\n  ',
    '[weather/box]',
    '\n',
    'body-end',
    '</body></html>\n',
  ])
  assert.deepEqual(
    page.slots.map((s) => s.src),
    ['news/top', 'weather/box'],
  )
  const indexes = page.parts.flatMap((p) => (p.kind === 'slot' ? [p.index] : []))
  assert.deepEqual(indexes, [0, 1])
  assert.equal(page.budgetMs, undefined)
})

test('a page without head or body still gets both marks, head first and body last', () => {
  const page = parsePage('<p>x</p><nano-fragment src="a/b"></nano-fragment>', 'f.html')
  assert.deepEqual(outline(page), ['head-end', '<p>x</p>', '[a/b]', 'body-end'])
})

test('the fallback is the raw content of the slot', () => {
  assert.equal(
    only('<nano-fragment src="a">Sorry, <b>no</b> &amp; more</nano-fragment>').fallback,
    'Sorry, <b>no</b> &amp; more',
  )
  assert.equal(only('<nano-fragment src="a"></nano-fragment>').fallback, '')
  assert.equal(only('<nano-fragment src="a"/>').fallback, '', 'self-closing')
  assert.equal(only('<nano-fragment src="a" />').fallback, '')
})

test('a nested nano-fragment is part of the outer fallback', () => {
  const page = parsePage(
    '<nano-fragment src="outer"><nano-fragment src="inner">in</nano-fragment> out</nano-fragment>tail',
    'f.html',
  )
  assert.deepEqual(outline(page), ['head-end', '[outer]', 'tail', 'body-end'])
  assert.equal(page.slots[0]?.fallback, '<nano-fragment src="inner">in</nano-fragment> out')
  const selfClosing = parsePage(
    '<nano-fragment src="outer"><nano-fragment src="inner"/> out</nano-fragment>tail',
    'f.html',
  )
  assert.deepEqual(outline(selfClosing), ['head-end', '[outer]', 'tail', 'body-end'])
  assert.equal(selfClosing.slots[0]?.fallback, '<nano-fragment src="inner"/> out')
})

test('a slot closed by its parent ends where the parent ends; an unclosed one runs to the end', () => {
  const page = parsePage('<div><nano-fragment src="a">fallback</div>after', 'f.html')
  assert.deepEqual(outline(page), ['head-end', '<div>', '[a]', '</div>after', 'body-end'])
  assert.equal(page.slots[0]?.fallback, 'fallback')
  const head = parsePage('<head><nano-fragment src="a">fb</head><body></body>', 'f.html')
  assert.deepEqual(outline(head), ['<head>', '[a]', 'head-end', '</head><body>', 'body-end', '</body>'])
  const open = parsePage('<p>x</p><nano-fragment src="a">to the end', 'f.html')
  assert.deepEqual(outline(open), ['head-end', '<p>x</p>', '[a]', 'body-end'])
  assert.equal(open.slots[0]?.fallback, 'to the end')
})

test('nano-fragment in a comment or a script is text', () => {
  const source = '<!-- <nano-fragment src="a">x</nano-fragment> --><script>"<nano-fragment src=b>"</script>'
  const page = parsePage(source, 'f.html')
  assert.equal(page.slots.length, 0)
  assert.deepEqual(outline(page), ['head-end', source, 'body-end'])
})

test('other attributes become camel-cased input templates; entities are decoded', () => {
  const slot = only(
    '<nano-fragment src="weather/box" city="{query.city|London}" data-max-days="3" title="A &amp; B">x</nano-fragment>',
  )
  assert.deepEqual(slot.attributes, {
    city: [{ from: 'query', path: ['city'], fallback: 'London' }],
    dataMaxDays: '3',
    title: 'A & B',
  })
  assert.equal(only('<NANO-FRAGMENT SRC="a" CITY="York">x</NANO-FRAGMENT>').attributes.city, 'York', 'case-insensitive')
})

test('primary, defer and timeout are options, not input', () => {
  const plain = only('<nano-fragment src="a">x</nano-fragment>')
  assert.equal(plain.primary, false)
  assert.equal(plain.defer, false)
  assert.equal(plain.timeoutMs, undefined)
  const set = only('<nano-fragment src="a" primary defer timeout="150ms" id="{params.id}">x</nano-fragment>')
  assert.equal(set.primary, true)
  assert.equal(set.defer, true)
  assert.equal(set.timeoutMs, 150)
  assert.deepEqual(Object.keys(set.attributes), ['id'])
  assert.equal(only('<nano-fragment src="a" timeout="2s"></nano-fragment>').timeoutMs, 2000)
  assert.equal(only('<nano-fragment src="a" timeout="250"></nano-fragment>').timeoutMs, 250, 'bare digits are ms')
})

test('budget on <html> or <body> is the page budget', () => {
  assert.equal(parsePage('<html budget="2s"><body></body></html>', 'f.html').budgetMs, 2000)
  assert.equal(parsePage('<html><body budget="800ms"></body></html>', 'f.html').budgetMs, 800)
  assert.equal(parsePage('<body budget="1500"></body>', 'f.html').budgetMs, 1500, 'bare digits are milliseconds')
  assert.equal(parsePage('<div budget="2s"></div>', 'f.html').budgetMs, undefined, 'only on html or body')
})

test('malformed templates fail with a TypeError naming the file and the problem', () => {
  assert.throws(() => parsePage('<nano-fragment>x</nano-fragment>', 'pages/a.html'), {
    name: 'TypeError',
    message: /pages\/a\.html: <nano-fragment> needs a src/,
  })
  assert.throws(() => parsePage('<nano-fragment src="">x</nano-fragment>', 'pages/a.html'), /needs a src/)
  assert.throws(
    () => parsePage('<nano-fragment src="a/b" timeout="soon">x</nano-fragment>', 'pages/a.html'),
    /timeout of a\/b in pages\/a\.html/,
  )
  assert.throws(() => parsePage('<body budget="forever"></body>', 'pages/a.html'), /budget in pages\/a\.html/)
})

test('text holes in the page are parsed for interpolation', () => {
  const page = parsePage('<h1>{data.title}</h1><a href="/story/{params.id}">more</a>', 'f.html')
  assert.deepEqual(outline(page), [
    'head-end',
    '<h1>{data.title}</h1><a href="/story/{params.id}">more</a>',
    'body-end',
  ])
  const text = page.parts[1]
  assert.ok(text?.kind === 'text' && Array.isArray(text.text) && text.text.length === 5)
})

test('a page without </head> gets its head tags after a leading doctype, never before it (quirks mode)', () => {
  const source = '<!doctype html><title>{data.q}</title><nano-fragment src="a/card" primary>No card</nano-fragment>'
  assert.deepEqual(outline(parsePage(source, 'pages/notes/[slug].ts')), [
    '<!doctype html>',
    'head-end',
    '<title>{data.q}</title>',
    '[a/card]',
    'body-end',
  ])
  assert.deepEqual(outline(parsePage('\n<!DOCTYPE html><nano-fragment src="a"></nano-fragment>', 'f.html')), [
    '\n<!DOCTYPE html>',
    'head-end',
    '[a]',
    'body-end',
  ])
  assert.deepEqual(outline(parsePage('<p>no doctype</p>', 'f.html')), ['head-end', '<p>no doctype</p>', 'body-end'])
})
