/**
 * Child process of bench/http.ts: one JSON echo server of the given kind on a free port.
 * Prints `ready <port>` when listening.
 *   bare     node:http, JSON.parse + JSON.stringify, no validation (the baseline)
 *   nanoweb  createServer over a project with the bench/echo service (validated input and output)
 *   nanoweb-nometrics  the same with `metrics: false`
 *   nanoweb-log  the same with the access log on, as `nanoweb start` writes it (JSON lines, to /dev/null)
 *   fastify  fastify 5 with JSON Schema body validation and response serialization (a peer)
 */
import { openSync, writeSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { batchedWriter, createServer, jsonLineSink } from '../src/index.ts'

const [kind, root] = process.argv.slice(2)
const ready = (port: number) => process.stdout.write(`ready ${port}\n`)
process.on('SIGTERM', () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write(`cpu user ${(user / 1e6).toFixed(2)}s system ${(system / 1e6).toFixed(2)}s\n`)
  process.exit(0)
})

if (kind === 'bare') {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const input = JSON.parse(Buffer.concat(chunks).toString()) as { id: number; name: string }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ ...input, n: 1 }))
    })
  })
  server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port))
} else if (kind === 'nanoweb') {
  const server = await createServer({ root: root as string, port: 0, logger: false })
  ready(server.port)
} else if (kind === 'nanoweb-nometrics') {
  const server = await createServer({ root: root as string, port: 0, logger: false, metrics: false })
  ready(server.port)
} else if (kind === 'nanoweb-log') {
  const devNull = openSync('/dev/null', 'w')
  const accessLog = jsonLineSink('info', batchedWriter({ write: (text: string) => writeSync(devNull, text) }))
  const server = await createServer({ root: root as string, port: 0, logger: false, accessLog })
  ready(server.port)
} else if (kind === 'fastify') {
  const app = Fastify({ logger: false })
  const echo = {
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'string', minLength: 1 } },
    required: ['id', 'name'],
  }
  const line = {
    type: 'object',
    properties: {
      sku: { type: 'string', minLength: 1 },
      qty: { type: 'integer', minimum: 1 },
      price: { type: 'number' },
      note: { type: 'string' },
    },
    required: ['sku', 'qty', 'price'],
  }
  const order = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      customer: { type: 'string', minLength: 1 },
      lines: { type: 'array', items: line, maxItems: 50 },
    },
    required: ['id', 'customer', 'lines'],
  }
  /** A route answering its validated body with `n: 1` added, as the nanoweb services do. */
  const echoRoute = (path: string, body: { properties: object }): void => {
    const response = { ...body, properties: { ...body.properties, n: { type: 'number' } } }
    app.post(path, { schema: { body, response: { 200: response } } }, async (req) => ({
      ...(req.body as object),
      n: 1,
    }))
  }
  echoRoute('/api/bench/echo', echo)
  echoRoute('/api/bench/order', order)
  await app.listen({ port: 0, host: '127.0.0.1' })
  ready((app.server.address() as AddressInfo).port)
} else {
  console.error(`unknown server kind ${kind}`)
  process.exit(2)
}
