import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fill, type PageVars, parseTemplate } from '../../src/compose/interpolate.ts'

const vars: PageVars = {
  params: { id: '42', slug: 'a<b>' },
  query: new URLSearchParams('city=Leeds&q=%22tom%22+%26+jerry&empty=&a.b=dotted'),
  data: { title: 'Tom & Jerry', story: { author: { name: 'Ada' }, words: 0, draft: false, tags: null } },
}

test('parseTemplate keeps text without holes as a plain string', () => {
  assert.equal(parseTemplate('<p>no holes {here}</p>'), '<p>no holes {here}</p>')
  assert.equal(parseTemplate('{other.x} {params.} {data}'), '{other.x} {params.} {data}')
  assert.equal(parseTemplate(''), '')
})

test('parseTemplate splits text into text and holes', () => {
  assert.deepEqual(parseTemplate('/story/{params.id}?c={query.city|London}#{data.story.author.name}'), [
    '/story/',
    { from: 'params', path: ['id'], fallback: undefined },
    '?c=',
    { from: 'query', path: ['city'], fallback: 'London' },
    '#',
    { from: 'data', path: ['story', 'author', 'name'], fallback: undefined },
  ])
  assert.deepEqual(parseTemplate('{query.days|}'), [{ from: 'query', path: ['days'], fallback: '' }])
  assert.deepEqual(parseTemplate('{query.x|a b, c}'), [{ from: 'query', path: ['x'], fallback: 'a b, c' }])
})

test('fill reads params, query and data', () => {
  assert.equal(fill(parseTemplate('/story/{params.id}'), vars, false), '/story/42')
  assert.equal(fill(parseTemplate('{query.city}'), vars, false), 'Leeds')
  assert.equal(fill(parseTemplate('{data.story.author.name} wrote {data.story.words}'), vars, false), 'Ada wrote 0')
  assert.equal(fill(parseTemplate('{data.story.draft}'), vars, false), 'false')
  assert.equal(fill(parseTemplate('{query.a.b}'), vars, false), 'dotted', 'a query name may contain dots')
  assert.equal(fill('plain', vars, true), 'plain')
})

test('fill uses the default for a missing value, else the empty string', () => {
  assert.equal(fill(parseTemplate('{query.country|UK}'), vars, false), 'UK')
  assert.equal(fill(parseTemplate('{query.city|London}'), vars, false), 'Leeds', 'a present value wins')
  assert.equal(fill(parseTemplate('[{query.country}]'), vars, false), '[]')
  assert.equal(fill(parseTemplate('[{params.missing}]'), vars, false), '[]')
  assert.equal(fill(parseTemplate('[{data.story.tags|none}]'), vars, false), '[none]', 'null is missing')
  assert.equal(
    fill(parseTemplate('[{data.story.author.name.first|?}]'), vars, false),
    '[?]',
    'no path through a string',
  )
  assert.equal(fill(parseTemplate('[{data.nothing.deeper}]'), vars, false), '[]')
  assert.equal(fill(parseTemplate('[{query.empty|x}]'), vars, false), '[]', 'an empty query value is a value')
})

test('fill escapes holes in HTML mode, and only the holes', () => {
  const template = parseTemplate('<h1 title="{query.q}">{data.title} {params.slug}</h1>')
  assert.equal(fill(template, vars, true), '<h1 title="&quot;tom&quot; &amp; jerry">Tom &amp; Jerry a&lt;b&gt;</h1>')
  assert.equal(fill(parseTemplate('{query.x|<b>}'), vars, true), '&lt;b&gt;', 'defaults are escaped too')
})

test('fill leaves values as they are in attribute (input) mode', () => {
  assert.equal(fill(parseTemplate('{query.q}'), vars, false), '"tom" & jerry')
  assert.equal(fill(parseTemplate('{data.title}'), vars, false), 'Tom & Jerry')
  assert.equal(fill(parseTemplate('<{params.slug}>'), vars, false), '<a<b>>')
})
