import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPageDefinition, page } from '../../src/define/page.ts'
import { generateTypes } from '../../src/index.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'
import { TSCONFIG, tsc } from '../helpers/tsc.ts'

const title = svc(`input: z.object({ id: z.string() }), output: z.object({ title: z.string(), words: z.number() }),
  run: ({ id }) => ({ title: 'Story ' + id, words: 100 }),`)

function storyPage(body: string): string {
  return `import { type PageDefinition, page } from '@nanoweb/core'

const story = page({
  uses: ['news/title'],
  template: '<!doctype html><title>{data.title}</title>',
  async data({ params, call }) {
    ${body}
  },
})
const untyped: PageDefinition = story
export default untyped
`
}

test('page() types call in data() by its uses, like ctx.call in a service', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'tsconfig.json': TSCONFIG,
    'services/news/title.ts': title,
    'services/news/other.ts': title,
    'pages/story.ts': storyPage(`const out = await call('news/title', { id: params.id ?? '' })
    const words: number = out.words
    return { title: out.title, words }`),
  })
  await generateTypes(root)

  const good = await tsc(root)
  assert.ok(good.ok, `a call to a name in uses must type-check:\n${good.output}`)

  await writeFiles(root, { 'pages/story.ts': storyPage(`return call('news/other', { id: '1' })`) })
  const outside = await tsc(root)
  assert.equal(outside.ok, false, 'a name outside uses must not compile, even when the service exists')
  assert.match(outside.output, /story\.ts.*news\/other/s)

  await writeFiles(root, { 'pages/story.ts': storyPage(`return call('news/title', { id: 42 })`) })
  const wrongInput = await tsc(root)
  assert.equal(wrongInput.ok, false, 'the input is checked against the service schema')
  assert.match(wrongInput.output, /story\.ts/)

  await writeFiles(root, {
    'pages/story.ts': storyPage(`const { title } = await call('news/title', { id: '1' })
    const wrong: number = title
    return { wrong }`),
  })
  const wrongOutput = await tsc(root)
  assert.equal(wrongOutput.ok, false, 'the output type is inferred (title is a string)')
  assert.match(wrongOutput.output, /story\.ts/)
})

test('a page without uses may call nothing', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'tsconfig.json': TSCONFIG,
    'services/news/title.ts': title,
    'pages/bare.ts': `import { page } from '@nanoweb/core'
export default page({ template: '<p>{data.x}</p>', async data({ call }) { return { x: await call('news/title', { id: '1' }) } } })
`,
  })
  await generateTypes(root)
  const bare = await tsc(root)
  assert.equal(bare.ok, false)
  assert.match(bare.output, /bare\.ts.*news\/title/s)
})

test('page() checks its spec and freezes a copy of uses', () => {
  const uses = ['news/title']
  const def = page({ uses, template: '<p>x</p>' })
  uses.push('news/other')
  assert.deepEqual(def.uses, ['news/title'])
  assert.ok(Object.isFrozen(def) && Object.isFrozen(def.uses))
  assert.equal(isPageDefinition(def), true)
  assert.equal(isPageDefinition({ template: '<p>x</p>', uses: [] }), false)
  assert.throws(() => page({ template: 42 as never }), /`template` must be a string/)
  assert.throws(() => page({ template: '', data: 'x' as never }), /`data` must be a function/)
  assert.throws(() => page({ template: '', uses: 'news/title' as never }), /`uses` must be an array/)
})
