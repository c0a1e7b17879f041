/**
 * Child process of bench/call.ts: measures one kind of call in a fresh process (so that no other
 * runtime's code shares its call sites), beside a plain async function call measured in the same
 * process. Prints one JSON line: `{ plain, call }` in ns per call (medians of inner rounds).
 *   off        rt.call, metrics off (nothing watches calls)
 *   metrics    rt.call with the defaults (metrics on)
 *   waiting    rt.call, metrics on and `tracing: true` with no OpenTelemetry SDK registered
 *   spans      rt.call, metrics on and an SDK registered (a span per call, exported nowhere)
 *   ctx        ctx.call between two services (per inner call), metrics on
 *   moleculer  Moleculer 0.15 broker.call (validator on, its metrics and tracing off)
 */
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ServiceBroker } from 'moleculer'
import { createRuntime } from '../src/index.ts'
import { interleaved } from './lib/stats.ts'

const [root, kind, iterationsArg] = process.argv.slice(2)
const ITERATIONS = Number(iterationsArg ?? 100_000)
const INNER = 1000
const input = { id: 7, name: 'Leeds' }
const plain = async (v: { id: number; name: string }) => ({ id: v.id, name: v.name, n: 1 })

if (kind === 'spans') {
  const noop = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }
  new NodeTracerProvider({ spanProcessors: [noop] }).register()
}

async function callOf(): Promise<() => Promise<unknown>> {
  if (kind === 'moleculer') {
    const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false })
    broker.createService({
      name: 'bench',
      actions: { echo: { params: { id: 'number', name: 'string' }, handler: (ctx) => ({ ...ctx.params, n: 1 }) } },
    })
    await broker.start()
    return () => broker.call('bench.echo', input)
  }
  const rt = createRuntime({
    root: root as string,
    logger: false,
    metrics: kind !== 'off',
    tracing: kind === 'waiting' ? true : undefined,
  })
  if (kind === 'ctx') return () => rt.call('bench/outer', { times: INNER })
  return () => rt.call('bench/echo', input)
}

const call = await callOf()
if (kind === 'ctx') {
  const plainLoop = async () => {
    let sum = 0
    for (let i = 0; i < INNER; i++) sum += (await plain({ id: i, name: 'x' })).n
    return sum
  }
  const rounds = Math.max(1, ITERATIONS / INNER)
  const ns = await interleaved({ plain: plainLoop, call }, 5, rounds)
  const plainNs = (ns.plain as number) / INNER
  process.stdout.write(`${JSON.stringify({ plain: plainNs, call: (ns.call as number) / INNER })}\n`)
} else {
  const ns = await interleaved({ plain: () => plain(input), call }, 5, ITERATIONS)
  process.stdout.write(`${JSON.stringify({ plain: ns.plain, call: ns.call })}\n`)
}
process.exit(0)
