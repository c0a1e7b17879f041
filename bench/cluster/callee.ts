/**
 * The serving side of `npm run bench:cluster`, run as a child process:
 * `node bench/cluster/callee.ts <kind> <nats url> [project root]` where kind is
 * - `nanoweb`: a runtime serving `<root>/services/echo.ts` over a NatsTransport,
 * - `raw`: a bare @nats-io/transport-node responder on `bench.echo` (`msg.respond(msg.data)`),
 * - `moleculer`: a Moleculer 0.15 broker (NATS transporter, nats v2) with the action `echo.echo`.
 * Prints `ready` once serving; exits when its stdin closes (the bench ended, or died) or on SIGTERM.
 */
import { connect } from '@nats-io/transport-node'
import { ServiceBroker } from 'moleculer'
import { connectNatsTransport } from '../../src/cluster/index.ts'
import { createRuntime } from '../../src/index.ts'
import { moleculerOptions, RAW_SUBJECT } from './shared.ts'

const [kind, url, root] = process.argv.slice(2) as [string, string, string | undefined]
let close: () => Promise<void>

if (kind === 'nanoweb') {
  if (root === undefined) throw new Error('nanoweb callee needs a project root')
  const transport = await connectNatsTransport({ servers: url })
  const rt = createRuntime({ root, transport, logger: false })
  close = async () => {
    await rt.close()
    await transport.close()
  }
} else if (kind === 'raw') {
  const nc = await connect({ servers: url })
  nc.subscribe(RAW_SUBJECT, {
    callback: (error, msg) => {
      if (error === null) msg.respond(msg.data)
    },
  })
  await nc.flush()
  close = () => nc.close()
} else if (kind === 'moleculer') {
  const broker = new ServiceBroker(moleculerOptions(url, 'callee'))
  broker.createService({ name: 'echo', actions: { echo: (ctx) => ctx.params } })
  await broker.start()
  close = () => broker.stop()
} else {
  throw new Error(`unknown callee kind '${kind}'`)
}

let closing = false
const shutdown = () => {
  if (closing) return
  closing = true
  const timer = setTimeout(() => process.exit(0), 1000)
  timer.unref()
  close().finally(() => process.exit(0))
}
process.stdin.on('end', shutdown).on('error', shutdown).resume()
process.on('SIGTERM', shutdown)
process.stdout.write('ready\n')
