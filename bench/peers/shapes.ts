/**
 * The one workload shape every peer builds, as source text: N fragment services, each calling its
 * own data service (2N services in all), composed into one page of N fragments. Each service is
 * its own file on every peer (nanoweb: a `.ts` service; Moleculer: a service schema module; fastify
 * and bare node:http: a plain function module; workerd: a worker), so every peer parses N distinct
 * modules.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { REPO } from '../lib/project.ts'

/**
 * The kinds of generated project: `plain` serves fastify and bare node:http.
 *
 * @example
 * const shape: Shape = 'plain'
 */
export type Shape = 'nanoweb' | 'moleculer' | 'plain' | 'workerd'

/**
 * Where the generated folders go (inside the repository so `@nanoweb/core` resolves).
 *
 * @example
 * join(GENERATED, 'workerd-1000', 'config.capnp')
 */
export const GENERATED = join(REPO, '.bench-tmp', 'peers')

/**
 * True when a page body holds all N fragments, the last one whole.
 *
 * @example
 * wholePage(body, 1000) // true once 1,000 cards are there
 */
export function wholePage(body: string, count: number): boolean {
  return body.includes(`Item ${count - 1} of fragment ${count - 1}</p>`) && body.split('<article').length - 1 === count
}

const ESC = `const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';')`
const card = (i: number, title: string) =>
  `\`<article class="card c${i}"><h3>\${${title}}</h3><p>Item \${id} of fragment ${i}</p></article>\``

/**
 * Writes the files of one peer's project for N fragments; returns its folder.
 *
 * @example
 * const dir = await writeShape('workerd', 1000)
 */
export async function writeShape(peer: Shape, count: number): Promise<string> {
  const dir = join(GENERATED, `${peer}-${count}`)
  await rm(dir, { recursive: true, force: true })
  const files = new Map<string, string>()
  for (let i = 0; i < count; i++) {
    for (const [path, text] of Object.entries(SOURCES[peer](i))) files.set(path, text)
  }
  for (const [path, text] of Object.entries(PAGES[peer](count))) files.set(path, text)
  const entries = [...files]
  for (let at = 0; at < entries.length; at += 500) {
    await Promise.all(
      entries.slice(at, at + 500).map(async ([path, text]) => {
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), text)
      }),
    )
  }
  return dir
}

const SOURCES: Record<Shape, (i: number) => Record<string, string>> = {
  nanoweb: (i: number) => ({
    [`services/d/d${i}.ts`]: `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ id: z.number().int() }),
  output: z.object({ id: z.number().int(), title: z.string(), n: z.number() }),
  run: ({ id }) => ({ id, title: \`Story \${id}\`, n: ${i} }),
})
`,
    [`services/f/f${i}.ts`]: `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ id: z.number().int() }),
  uses: ['d/d${i}'],
  async render({ id }, ctx) {
    const d = await ctx.call('d/d${i}', { id })
    return html${card(i, 'd.title').slice(0)}
  },
})
`,
  }),
  moleculer: (i: number) => ({
    [`d/d${i}.js`]: `export default {
  name: 'd${i}',
  actions: { get: { params: { id: 'number' }, handler: (ctx) => ({ id: ctx.params.id, title: \`Story \${ctx.params.id}\`, n: ${i} }) } },
}
`,
    [`f/f${i}.js`]: `${ESC}
export default {
  name: 'f${i}',
  actions: {
    render: {
      params: { id: 'number' },
      async handler(ctx) {
        const id = ctx.params.id
        const d = await ctx.call('d${i}.get', { id })
        return ${card(i, 'esc(d.title)')}
      },
    },
  },
}
`,
  }),
  plain: (i: number) => ({
    [`d/d${i}.js`]: `export const get = async ({ id }) => ({ id, title: \`Story \${id}\`, n: ${i} })\n`,
    [`f/f${i}.js`]: `import { get } from '../d/d${i}.js'
${ESC}
export async function render({ id }) {
  const d = await get({ id })
  return ${card(i, 'esc(d.title)')}
}
`,
  }),
  workerd: (i: number) => ({
    [`d/d${i}.js`]: `export default {
  fetch(request) {
    const id = Number(new URL(request.url).searchParams.get('id'))
    return Response.json({ id, title: \`Story \${id}\`, n: ${i} })
  },
}
`,
    [`f/f${i}.js`]: `${ESC}
export default {
  async fetch(request, env) {
    const id = Number(new URL(request.url).searchParams.get('id'))
    const d = await (await env.DATA.fetch('http://d/?id=' + id)).json()
    return new Response(${card(i, 'esc(d.title)')}, { headers: { 'content-type': 'text/html' } })
  },
}
`,
  }),
}

const HEAD = '<!doctype html><html><head><title>page</title></head><body><main>'
const TAIL = '</main></body></html>'

const PAGES: Record<Shape, (count: number) => Record<string, string>> = {
  nanoweb: (count: number) => ({
    'nanoweb.config.ts': "export default { accessLog: false, logLevel: 'warn' }\n",
    'pages/index.html': `${HEAD}\n${Array.from({ length: count }, (_, i) => `<nano-fragment src="f/f${i}" id="${i}"></nano-fragment>`).join('\n')}\n${TAIL}`,
  }),
  moleculer: () => ({}),
  plain: () => ({}),
  workerd: (count: number) => ({
    'page.js': `export default {
  async fetch(request, env) {
    const parts = await Promise.all(
      Array.from({ length: ${count} }, (_, i) => env['F' + i].fetch('http://f/?id=' + i).then((r) => r.text())),
    )
    return new Response(${JSON.stringify(HEAD)} + parts.join('\\n') + ${JSON.stringify(TAIL)}, {
      headers: { 'content-type': 'text/html' },
    })
  },
}
`,
    'config.capnp': workerdConfig(count),
  }),
}

/**
 * The page's head and tail around the fragments (node peers join the same bytes).
 *
 * @example
 * const page = `${PAGE_FRAME.head}${cards.join('\n')}${PAGE_FRAME.tail}`
 */
export const PAGE_FRAME = { head: HEAD, tail: TAIL }

function workerdConfig(count: number): string {
  const worker = (file: string, bindings: string[]) =>
    `(modules = [(name = "${file}", esModule = embed "${file}")], compatibilityDate = "2025-01-01", bindings = [${bindings.join(', ')}])`
  const services = [
    `(name = "page", worker = ${worker(
      'page.js',
      Array.from({ length: count }, (_, i) => `(name = "F${i}", service = "f${i}")`),
    )})`,
  ]
  for (let i = 0; i < count; i++) {
    services.push(`(name = "f${i}", worker = ${worker(`f/f${i}.js`, [`(name = "DATA", service = "d${i}")`])})`)
    services.push(`(name = "d${i}", worker = ${worker(`d/d${i}.js`, [])})`)
  }
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.join(',\n    ')}
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "page")],
);
`
}
