import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NatsTransport } from '../../src/cluster/nats-transport.ts'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { startNats } from './nats-server.ts'

const ROUNDS = 1000

function p50(samples: number[]): number {
  const sorted = [...samples].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] as number
}

test(`latency: ${ROUNDS} sequential remote calls vs raw nc.request on the same connection`, async (t) => {
  const nats = await startNats(t)
  const serverNc = await nats.connect()
  const serverTransport = new NatsTransport({ connection: serverNc })
  const server = createRuntime({
    root: await tempProject(t, {
      'services/echo.ts': svc(
        `input: z.object({ n: z.number() }), output: z.object({ n: z.number() }), run: (x) => x,`,
      ),
    }),
    transport: serverTransport,
    logger: false,
  })
  serverNc.subscribe('raw.echo', {
    callback: (_, msg) => {
      msg.respond(msg.data)
    },
  })
  await serverNc.flush()
  const clientNc = await nats.connect()
  const transport = new NatsTransport({ connection: clientNc })
  await transport.discover()
  const client = createRuntime({ root: await tempProject(t, {}), transport, logger: false })
  nats.after(async () => {
    await Promise.all([server.close(), client.close()])
    await Promise.all([serverTransport.close(), transport.close()])
  })
  await server.warm()
  const body = JSON.stringify({ n: 1 })
  for (let i = 0; i < 100; i += 1) {
    await client.call('echo', { n: i })
    await clientNc.request('raw.echo', body, { timeout: 1000 })
  }
  const remote: number[] = []
  const raw: number[] = []
  for (let i = 0; i < ROUNDS; i += 1) {
    let start = performance.now()
    await clientNc.request('raw.echo', body, { timeout: 1000 })
    raw.push(performance.now() - start)
    start = performance.now()
    const out = (await client.call('echo', { n: i })) as { n: number }
    remote.push(performance.now() - start)
    assert.equal(out.n, i)
  }
  const line = `p50 over ${ROUNDS} sequential calls: rt.call over NatsTransport ${(p50(remote) * 1000).toFixed(0)} µs, raw nc.request ${(p50(raw) * 1000).toFixed(0)} µs`
  t.diagnostic(line)
  console.log(line)
})
