/**
 * Child process of bench/live.ts: an SSE server of the given kind that pushes one change to every
 * open stream when it reads `publish` on stdin. Prints `ready <port>`, then answers `rss` and
 * `publish` commands with `rss <bytes>` and `published <ms since the epoch>`.
 *   nanoweb  createServer over a project with one live fragment; publish = rt.publish(topic)
 *   bare     node:http writing one prepared event string to every open response (the baseline)
 */
import { createServer as createHttpServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import { createServer } from '../src/index.ts'

const [kind, root] = process.argv.slice(2)
const now = () => performance.timeOrigin + performance.now()
const holder = globalThis as { benchLive?: { n: number } }
holder.benchLive ??= { n: 0 }
const state = holder.benchLive
let publish: () => void
let port: number

if (kind === 'nanoweb') {
  const server = await createServer({
    root: root as string,
    port: 0,
    logger: false,
    live: { streamsPerAddress: 100_000 },
    connections: { maxPerAddress: 0 },
  })
  server.node.maxConnections = 100_000
  port = server.port
  publish = () => {
    state.n += 1
    server.runtime.publish('bench')
  }
} else {
  const open = new Set<ServerResponse>()
  const server = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    res.write('retry: 2000\n\n')
    open.add(res)
    req.on('close', () => open.delete(res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve))
  port = (server.address() as AddressInfo).port
  publish = () => {
    state.n += 1
    const event = `id: ${state.n}\nevent: fragment\ndata: ${JSON.stringify({ id: 'x', html: `<b>${state.n}</b>` })}\n\n`
    for (const res of open) res.write(event)
  }
}

process.stdout.write(`ready ${port}\n`)
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') process.stdout.write(`rss ${process.memoryUsage().rss}\n`)
  if (line === 'publish') {
    const at = now()
    publish()
    process.stdout.write(`published ${at}\n`)
  }
}
