/**
 * Child process of `bench:peers`: a Node peer serving `GET /` as the page of N fragments built
 * from the generated files of `shapes.ts`. Prints `ready <port>` once listening.
 *   node bench/peers/servers/node-page.ts <moleculer|fastify|bare> <dir> <count> [port]
 * - moleculer: a broker (in-process, no transporter; validator on, metrics and tracing off) with
 *   2N services loaded from their files; the page calls the N `fI.render` actions and joins them.
 * - fastify: the 2N plain function modules, each also its own route (`GET /d/dI`, `GET /f/fI`);
 *   the page route calls the N renders and joins them.
 * - bare: node:http and the same plain function modules; the page only (the floor).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PAGE_FRAME } from '../shapes.ts'

type Render = (input: { id: number }) => Promise<string>
const [kind, dir, countText, portText] = process.argv.slice(2) as [string, string, string, string?]
const count = Number(countText)
const port = Number(portText ?? 0)
const load = async (path: string) => (await import(pathToFileURL(join(dir, path)).href)) as Record<string, unknown>
const ready = (port: number) => process.stdout.write(`ready ${port}\n`)

async function page(render: (i: number) => Promise<string>): Promise<string> {
  const parts = await Promise.all(Array.from({ length: count }, (_, i) => render(i)))
  return `${PAGE_FRAME.head}${parts.join('\n')}${PAGE_FRAME.tail}`
}

async function plainRenders(): Promise<Render[]> {
  const renders: Render[] = []
  for (let i = 0; i < count; i++) renders.push((await load(`f/f${i}.js`)).render as Render)
  return renders
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  const server = createServer(handler)
  server.listen(port, '127.0.0.1', () => ready((server.address() as AddressInfo).port))
}

const html = { 'content-type': 'text/html; charset=utf-8' }

if (kind === 'moleculer') {
  const { ServiceBroker } = await import('moleculer')
  const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false })
  for (let i = 0; i < count; i++) {
    broker.createService((await load(`d/d${i}.js`)).default as never)
    broker.createService((await load(`f/f${i}.js`)).default as never)
  }
  await broker.start()
  listen((_req, res) => {
    page((i) => broker.call(`f${i}.render`, { id: i })).then((body) => res.writeHead(200, html).end(body))
  })
} else if (kind === 'fastify') {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  const renders = await plainRenders()
  for (let i = 0; i < count; i++) {
    const get = (await load(`d/d${i}.js`)).get as (input: { id: number }) => Promise<unknown>
    app.get(`/d/d${i}`, (req) => get({ id: Number((req.query as { id?: string }).id ?? 0) }))
    app.get(`/f/f${i}`, async (req, reply) =>
      reply.type('text/html').send(await renders[i]?.({ id: Number((req.query as { id?: string }).id ?? 0) })),
    )
  }
  app.get('/', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(await page((i) => renders[i]?.({ id: i }) as Promise<string>)),
  )
  await app.listen({ port, host: '127.0.0.1' })
  ready((app.server.address() as AddressInfo).port)
} else if (kind === 'bare') {
  const renders = await plainRenders()
  listen((_req, res) => {
    page((i) => renders[i]?.({ id: i }) as Promise<string>).then((body) => res.writeHead(200, html).end(body))
  })
} else {
  console.error(`unknown kind ${kind}`)
  process.exit(2)
}
