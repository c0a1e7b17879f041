import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fillLayout, isWholeDocument, parseLayout, splitPage } from '../../src/compose/layout.ts'

const WHOLE = '<!doctype html><html><head><nano-slot name="head"><title>Site</title></nano-slot></head><body>'

test('isWholeDocument looks past whitespace and comments for <!doctype or <html, in any case', () => {
  assert.equal(isWholeDocument('<!doctype html><p>x</p>'), true)
  assert.equal(isWholeDocument('\uFEFF\n  <!-- a -->\n<!-- b --><!DOCTYPE html>'), true)
  assert.equal(isWholeDocument('<HTML lang="en">'), true)
  assert.equal(isWholeDocument('<html>'), true)
  assert.equal(isWholeDocument('<htmlx>'), false)
  assert.equal(isWholeDocument('<main>…</main><html>'), false)
  assert.equal(isWholeDocument('text <!doctype html>'), false)
  assert.equal(isWholeDocument(''), false)
})

test('splitPage takes the top-level <template slot> parts out and trims what is left', () => {
  const content = splitPage(
    `<template slot="head">\n  <title>T</title>\n</template>
<main>
  <template slot="inner">kept: not top level</template>
  <script>const t = '<template slot="x">'</script>
  <!-- <template slot="y"></template> -->
</main>
<template slot="aside"><template><b>nested</b></template></template>\n`,
    'pages/a.html',
  )
  assert.deepEqual(Object.fromEntries([...content.parts].map(([k, v]) => [k, v.html])), {
    head: '<title>T</title>',
    aside: '<template><b>nested</b></template>',
  })
  assert.match(content.body, /^<main>\n {2}<template slot="inner">kept/)
  assert.match(content.body, /<!-- <template slot="y"><\/template> -->\n<\/main>$/)
  assert.equal(content.parts.get('head')?.from, 'pages/a.html')
})

test('splitPage refuses a part given twice or without a name, naming the file', () => {
  assert.throws(
    () => splitPage('<template slot="a"></template><template slot="a"></template>', 'pages/x.html'),
    /^TypeError: pages\/x\.html: <template slot="a"> is given twice$/,
  )
  assert.throws(() => splitPage('<template slot="">x</template>', 'pages/x.html'), /pages\/x\.html: .*needs a name/)
})

test('parseLayout needs one default slot, each name once, and no slot inside another', () => {
  const layout = parseLayout(
    `${WHOLE}<nano-slot/><nano-slot name="foot">f</nano-slot></body></html>`,
    'pages/_layout.html',
  )
  assert.deepEqual([...layout.slots], ['head', '', 'foot'])
  assert.equal(layout.whole, true)
  const bad = (source: string, message: RegExp) =>
    assert.throws(() => parseLayout(source, 'pages/_layout.html'), message)
  bad(`${WHOLE}</body></html>`, /pages\/_layout\.html: a layout needs one <nano-slot><\/nano-slot>/)
  bad('<nano-slot></nano-slot><nano-slot></nano-slot>', /the default <nano-slot> is given twice/)
  bad(
    '<nano-slot></nano-slot><nano-slot name="a"></nano-slot><nano-slot name="a"/>',
    /<nano-slot name="a"> is given twice/,
  )
  bad('<nano-slot><nano-slot name="a"></nano-slot></nano-slot>', /cannot be inside another/)
})

test('fillLayout: parts by name, the default content, fallbacks for what is missing or blank', () => {
  const layout = parseLayout(
    `${WHOLE}<nano-slot name="nav"><nav>all</nav></nano-slot><nano-slot>empty</nano-slot></body></html>`,
    'pages/_layout.html',
  )
  const fill = (page: string) => fillLayout(layout, splitPage(page, 'pages/p.html'))
  assert.equal(
    fill('<p>{params.id}</p>'),
    `${WHOLE.replace(/<\/?nano-slot[^>]*>/g, '')}<nav>all</nav><p>{params.id}</p></body></html>`,
  )
  assert.match(
    fill('<template slot="nav"> </template><template slot="head"><title>P</title></template>') as string,
    /<head><title>P<\/title><\/head><body><nav>all<\/nav>empty</,
  )
  assert.throws(
    () => fill('<template slot="side">x</template>'),
    /^TypeError: pages\/p\.html: <template slot="side"> has no <nano-slot name="side"> in pages\/_layout\.html$/,
  )
})

test('a layout that is not a whole document passes its own parts on, filled', () => {
  const inner = parseLayout(
    '<template slot="head"><nano-slot name="head"><title>Sport</title></nano-slot><meta name="s"></template><section><nano-slot></nano-slot></section>',
    'pages/sport/_layout.html',
  )
  assert.equal(inner.whole, false)
  const passed = fillLayout(inner, splitPage('<h1>x</h1>', 'pages/sport/index.html'))
  assert.ok(typeof passed !== 'string')
  assert.equal(passed.body, '<section><h1>x</h1></section>')
  assert.deepEqual(passed.parts.get('head'), {
    html: '<title>Sport</title><meta name="s">',
    from: 'pages/sport/_layout.html',
  })
})
