/**
 * Child process of `bench:peers`: Moleculer 0.15 with its API gateway (moleculer-web) serving
 * `POST /api/bench/echo` from the action `bench.echo` (its validator checks the params; metrics,
 * tracing and logging off). Prints `ready <port>` once listening.
 *   node bench/peers/servers/moleculer-web.ts <port>
 */
import { ServiceBroker } from 'moleculer'
import ApiGateway from 'moleculer-web'

const port = Number(process.argv[2] ?? 0)
const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false })
broker.createService({
  name: 'bench',
  actions: {
    echo: {
      params: { id: 'number|integer', name: 'string|min:1' },
      handler: (ctx) => ({ id: ctx.params.id, name: ctx.params.name, n: 1 }),
    },
  },
})
broker.createService({
  name: 'api',
  mixins: [ApiGateway],
  settings: {
    port,
    ip: '127.0.0.1',
    logRequest: null,
    logResponse: null,
    log4XXResponses: false,
    routes: [{ path: '/api', aliases: { 'POST bench/echo': 'bench.echo' }, bodyParsers: { json: true } }],
  },
})
await broker.start()
process.stdout.write(`ready ${port}\n`)
