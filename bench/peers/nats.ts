/**
 * The remote-call workload of `bench:peers`: an echo `{ n }` → `{ n }` called from this process
 * to a callee in another process over a nats-server this workload starts on a free loopback port
 * (never a shared one). nanoweb: two nodes (`rt.call` over a NatsTransport to a runtime serving
 * a validated service); Moleculer 0.15: its NATS transporter (validator, metrics, tracing off);
 * raw `@nats-io/transport-node` request-reply (`nc.request` → `msg.respond`). Callees are
 * `bench/cluster/callee.ts`. Figures: p50 of sequential calls, and calls/s with 64 in flight.
 */
import { join } from 'node:path'
import { connect } from '@nats-io/transport-node'
import { ServiceBroker } from 'moleculer'
import { connectNatsTransport } from '../../src/cluster/index.ts'
import { createRuntime } from '../../src/index.ts'
import { startNatsServer } from '../cluster/nats-server.ts'
import { moleculerOptions, RAW_SUBJECT } from '../cluster/shared.ts'
import { generateProject, REPO } from '../lib/project.ts'
import { flood, median } from '../lib/stats.ts'
import { launch, readyLine, stop } from './lib/children.ts'

/**
 * Median p50 (ns) and calls/s per peer (`nanoweb`, `moleculer`, `raw`).
 *
 * @example
 * const figures: NatsFigures = await measureNats({ rounds: 1, calls: 300, seconds: 1 })
 */
export type NatsFigures = Record<string, { p50Ns: number; perSecond: number }>

type Call = (n: number) => Promise<unknown>
const KINDS = ['nanoweb', 'moleculer', 'raw'] as const
const INFLIGHT = 64

/**
 * Starts nats-server and the three callees, measures, and stops everything.
 *
 * @example
 * const figures = await measureNats({ rounds: 3, calls: 1500, seconds: 3 })
 */
export async function measureNats(opts: { rounds: number; calls: number; seconds: number }): Promise<NatsFigures> {
  const nats = await startNatsServer()
  const killNats = () => nats.child.kill('SIGKILL')
  process.on('exit', killNats)
  const closers: (() => Promise<unknown>)[] = []
  try {
    const root = await generateProject('peers-nats-callee', {
      'services/echo.ts': `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({ input: z.object({ n: z.number() }), output: z.object({ n: z.number() }), run: (x) => x })
`,
    })
    const clientRoot = await generateProject('peers-nats-caller', { 'services/.keep': '' })
    for (const kind of KINDS) {
      const child = launch(process.execPath, [join(REPO, 'bench/cluster/callee.ts'), kind, nats.url, root])
      closers.push(() => stop(child))
      await readyLine(child, /ready/, 30_000)
    }
    const nc = await connect({ servers: nats.url })
    closers.push(() => nc.close())
    const transport = await connectNatsTransport({ servers: nats.url })
    closers.push(() => transport.close())
    const rt = createRuntime({ root: clientRoot, transport, logger: false })
    closers.push(() => rt.close())
    const broker = new ServiceBroker(moleculerOptions(nats.url, 'caller'))
    await broker.start()
    closers.push(() => broker.stop())
    await broker.waitForServices('echo', 10_000)
    for (let i = 0; !transport.has('echo'); i++) {
      if (i > 1000) throw new Error('the nanoweb echo service was not announced within 10 s')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const calls: Record<string, Call> = {
      raw: async (n) => (await nc.request(RAW_SUBJECT, JSON.stringify({ n }), { timeout: 5000 })).json(),
      nanoweb: (n) => rt.call('echo', { n }),
      moleculer: (n) => broker.call('echo.echo', { n }),
    }
    return await measure(calls, opts)
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {})
    await nats.stop()
    process.off('exit', killNats)
  }
}

async function measure(calls: Record<string, Call>, opts: { rounds: number; calls: number; seconds: number }) {
  const p50: Record<string, number[]> = {}
  const rates: Record<string, number[]> = {}
  for (const [kind, call] of Object.entries(calls)) {
    const reply = (await call(41)) as { n?: number }
    if (reply?.n !== 41) throw new Error(`${kind} echo answered ${JSON.stringify(reply)}`)
    await sequential(call, 300)
    p50[kind] = []
    rates[kind] = []
  }
  for (let round = 0; round < opts.rounds; round++) {
    for (const [kind, call] of Object.entries(calls)) {
      p50[kind]?.push(median(await sequential(call, opts.calls)))
      rates[kind]?.push(await flood(call, opts.seconds, INFLIGHT))
    }
  }
  return Object.fromEntries(
    Object.keys(calls).map((k) => [k, { p50Ns: median(p50[k] ?? []), perSecond: median(rates[k] ?? []) }]),
  )
}

async function sequential(call: Call, count: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    await call(i)
    samples.push(Number(process.hrtime.bigint() - start))
  }
  return samples
}
