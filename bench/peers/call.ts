/**
 * The call-overhead workload of `bench:peers`: the cost of one awaited call between two services
 * of the same process, beside a plain async function call (the floor). In this process: nanoweb
 * `rt.call` and `ctx.call` (validated input and output, cache off) and Moleculer's in-process
 * `broker.call` (its validator on; metrics and tracing off). In workerd: a caller worker looping
 * K awaited calls through a service binding (`env.SVC.fetch` with a JSON body, and JS RPC
 * `env.RPC.echo`) to a callee worker, timed from outside as (time of K calls − time of 0) / K.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ServiceBroker } from 'moleculer'
import { createRuntime } from '../../src/index.ts'
import { freePort } from '../cluster/nats-server.ts'
import { generateProject, OUTER_SERVICE, smallService } from '../lib/project.ts'
import { interleaved, median } from '../lib/stats.ts'
import { firstAnswer, launch, stop } from './lib/children.ts'
import { WORKERD } from './scale.ts'
import { GENERATED } from './shapes.ts'

/**
 * Per-call times in ns, by case (`plain`, `rt`, `ctx`, `moleculer`, `workerd-plain`, `workerd-fetch`, `workerd-rpc`).
 *
 * @example
 * const ns: CallFigures = await measureCalls(3, 100_000)
 */
export type CallFigures = Record<string, number>

const input = { id: 7, name: 'Leeds' }

/**
 * Measures every in-process case over `rounds` interleaved rounds, then the workerd cases.
 *
 * @example
 * const ns = await measureCalls(3, 100_000)
 */
export async function measureCalls(rounds: number, iterations: number): Promise<CallFigures> {
  return { ...(await inProcess(rounds, iterations)), ...(await inWorkerd(rounds, Math.min(iterations / 20, 5000))) }
}

async function inProcess(rounds: number, iterations: number): Promise<CallFigures> {
  const root = await generateProject('peers-call', {
    'services/bench/echo.ts': smallService(1),
    'services/bench/outer.ts': OUTER_SERVICE,
  })
  const plain = async (v: { id: number; name: string }) => ({ id: v.id, name: v.name, n: 1 })
  const rt = createRuntime({ root, logger: false })
  const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false })
  broker.createService({
    name: 'bench',
    actions: { echo: { params: { id: 'number', name: 'string' }, handler: (ctx) => ({ ...ctx.params, n: 1 }) } },
  })
  await broker.start()
  const INNER = 1000
  const plainLoop = async () => {
    let sum = 0
    for (let i = 0; i < INNER; i++) sum += (await plain({ id: i, name: 'x' })).n
    return sum
  }
  try {
    const single = await interleaved(
      {
        plain: () => plain(input),
        rt: () => rt.call('bench/echo', input),
        moleculer: () => broker.call('bench.echo', input),
      },
      rounds,
      iterations,
    )
    const nested = await interleaved(
      { plainLoop, outer: () => rt.call('bench/outer', { times: INNER }) },
      rounds,
      Math.max(1, iterations / INNER),
    )
    const ctx = (single.plain as number) + ((nested.outer as number) - (nested.plainLoop as number)) / INNER
    return { ...single, ctx }
  } finally {
    await broker.stop()
    await rt.close()
  }
}

async function inWorkerd(rounds: number, calls: number): Promise<CallFigures> {
  const dir = join(GENERATED, 'workerd-call')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'callee.js'), CALLEE)
  await writeFile(join(dir, 'caller.js'), CALLER)
  await writeFile(join(dir, 'config.capnp'), CONFIG)
  const port = await freePort()
  const child = launch(WORKERD, ['serve', join(dir, 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`])
  const timed = async (mode: string, n: number) => {
    const t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}/?mode=${mode}&n=${n}`)
    const sum = Number(await res.text())
    if (sum !== n) throw new Error(`workerd ${mode} loop answered ${sum}, not ${n}`)
    return (performance.now() - t0) * 1e6
  }
  try {
    await firstAnswer(child, `http://127.0.0.1:${port}/?mode=rpc&n=1`, (body) => body === '1', 30_000)
    const samples: Record<string, number[]> = { 'workerd-plain': [], 'workerd-fetch': [], 'workerd-rpc': [] }
    for (const mode of ['plain', 'fetch', 'rpc']) await timed(mode, calls)
    for (let r = 0; r < rounds * 3; r++) {
      for (const mode of ['plain', 'fetch', 'rpc']) {
        const many = await timed(mode, mode === 'plain' ? calls * 100 : calls)
        const none = await timed(mode, 0)
        samples[`workerd-${mode}`]?.push((many - none) / (mode === 'plain' ? calls * 100 : calls))
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  } finally {
    await stop(child)
  }
}

const CALLEE = `import { WorkerEntrypoint } from 'cloudflare:workers'
export class Echo extends WorkerEntrypoint {
  echo(v) { return { id: v.id, name: v.name, n: 1 } }
}
export default {
  async fetch(request) {
    const v = await request.json()
    return Response.json({ id: v.id, name: v.name, n: 1 })
  },
}
`

const CALLER = `const plain = async (v) => ({ id: v.id, name: v.name, n: 1 })
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const mode = url.searchParams.get('mode')
    const n = Number(url.searchParams.get('n'))
    let sum = 0
    for (let i = 0; i < n; i++) {
      const v = { id: i, name: 'Leeds' }
      if (mode === 'plain') sum += (await plain(v)).n
      else if (mode === 'rpc') sum += (await env.RPC.echo(v)).n
      else sum += (await (await env.SVC.fetch('http://svc/', { method: 'POST', body: JSON.stringify(v) })).json()).n
    }
    return new Response(String(sum))
  },
}
`

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "caller", worker = (modules = [(name = "caller.js", esModule = embed "caller.js")], compatibilityDate = "2025-01-01",
      bindings = [(name = "SVC", service = "callee"), (name = "RPC", service = (name = "callee", entrypoint = "Echo"))])),
    (name = "callee", worker = (modules = [(name = "callee.js", esModule = embed "callee.js")], compatibilityDate = "2025-01-01")),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "caller")],
);
`
