/**
 * `npm run bench:page`: a generated page of 1,000 distinct fragment services (each its own file),
 * rendered by the gateway in-process, uncached and cached: server time per page and pages/s,
 * beside a baseline in the same run that calls the same 1,000 render functions directly and
 * joins the strings.
 */

import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Html } from '../src/index.ts'
import { createServer } from '../src/index.ts'
import { generateProject } from './lib/project.ts'
import { median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const COUNT = Number(process.env.FRAGMENTS ?? 1000)
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const PAGES = Number(process.env.PAGES ?? 200)

function renderSource(i: number): string {
  return `import { html } from '@nanoweb/core'
export function render({ id, title }: { id: number; title: string }) {
  return html\`<article class="card c${i}"><h3>\${title}</h3><p>Item \${id} of fragment ${i}</p></article>\`
}
`
}

function fragmentSource(i: number, cached: boolean): string {
  return `import { fragment } from '@nanoweb/core'
import { z } from 'zod'
import { render } from '../_renders/r${i}.ts'
export default fragment({
  input: z.object({ id: z.number().int(), title: z.string() }),${cached ? "\n  cache: { ttl: '10m' }," : ''}
  render,
})
`
}

const files: Record<string, string> = {}
const tags: string[] = []
for (let i = 0; i < COUNT; i++) {
  files[`services/_renders/r${i}.ts`] = renderSource(i)
  files[`services/f/u${i}.ts`] = fragmentSource(i, false)
  files[`services/f/c${i}.ts`] = fragmentSource(i, true)
  tags.push(`<nano-fragment src="f/KIND${i}" id="${i}" title="Story {query.t|${i}}"></nano-fragment>`)
}
const template = (kind: string) =>
  `<!doctype html><html><head><title>1,000 fragments</title></head><body><main>\n${tags.map((t) => t.replace('KIND', kind)).join('\n')}\n</main></body></html>`
files['pages/uncached.html'] = template('u')
files['pages/cached.html'] = template('c')
const root = await generateProject('page', files)

const server = createServer({ root, logger: false })
const renders: ((input: { id: number; title: string }) => Html)[] = []
for (let i = 0; i < COUNT; i++) {
  renders.push(
    (
      (await import(pathToFileURL(join(root, `services/_renders/r${i}.ts`)).href)) as {
        render: (typeof renders)[number]
      }
    ).render,
  )
}
const statics = template('u').split(/<nano-fragment[^>]*><\/nano-fragment>/)

function baseline(t: string): string {
  let out = statics[0] as string
  for (let i = 0; i < COUNT; i++)
    out += (renders[i] as (typeof renders)[number])({ id: i, title: `Story ${t}` }).value + statics[i + 1]
  return out
}

async function serverPage(path: string): Promise<string> {
  const res = await server.fetch(new Request(`http://bench${path}`))
  return res.text()
}

const first = await serverPage('/uncached')
if (!first.includes('Item 999 of fragment 999') && COUNT === 1000) throw new Error('page did not render every fragment')
await serverPage('/cached')
for (let i = 0; i < 50; i++) {
  baseline(String(i))
  await serverPage(`/uncached?t=${i}`)
  await serverPage('/cached')
}

const samples: Record<string, number[]> = { baseline: [], uncached: [], cached: [] }
for (let r = 0; r < ROUNDS; r++) {
  let t0 = performance.now()
  for (let i = 0; i < PAGES; i++) baseline(String(i))
  samples.baseline?.push((performance.now() - t0) / PAGES)
  t0 = performance.now()
  for (let i = 0; i < PAGES; i++) await serverPage(`/uncached?t=${i}`)
  samples.uncached?.push((performance.now() - t0) / PAGES)
  t0 = performance.now()
  for (let i = 0; i < PAGES; i++) await serverPage('/cached')
  samples.cached?.push((performance.now() - t0) / PAGES)
}
await server.close()

const ms = (k: string) => median(samples[k] ?? [])
console.log(
  `${COUNT} fragments per page, ${ROUNDS} interleaved rounds of ${PAGES} pages, server.fetch in-process; medians\n`,
)
console.log(row('case', 'ms per page', 'pages/s', 'vs baseline'))
for (const [k, label] of [
  ['baseline', 'baseline: call 1,000 renders, join strings'],
  ['uncached', 'nanoweb page, uncached'],
  ['cached', 'nanoweb page, cached fragments'],
] as const) {
  console.log(row(label, ms(k).toFixed(3), (1000 / ms(k)).toFixed(0), `${(ms(k) / ms('baseline')).toFixed(2)}x`))
}
console.log(`\npage size ${(first.length / 1024).toFixed(0)} KB`)
