/**
 * `npm run bench:cluster`: nanoweb calls between runtimes over NATS, each figure beside a baseline
 * measured in the same run, on loopback, against a nats-server this bench starts on a free port:
 *
 * 1. remote call latency (p50/p99 of sequential calls) of an echo service served by a runtime in a
 *    child process, against a raw @nats-io/transport-node `nc.request` of the same JSON to a raw
 *    responder (`msg.respond(msg.data)`), also in a child process (= 1.00x);
 * 2. throughput with many calls in flight, against Moleculer 0.15 with its NATS transporter (a
 *    peer), with raw `nc.request` as the ceiling;
 * 3. a gateway-only node + a service node against one process on the demo front page (runs once
 *    `nanoweb start` has `--nats` and `--services`; until then it says what it needs);
 * 4. `nanoweb start --workers 2` against one process on a CPU-bound page (once `--workers` exists);
 * 5. where the time of a remote call goes: each step between the raw request and `rt.call` alone.
 *
 * Knobs (environment): ROUNDS, CALLS (sequential calls per latency round), TP_ROUNDS, SECONDS (per
 * throughput round), INFLIGHT (calls in flight), BREAKDOWN_ROUNDS, BREAKDOWN_SECONDS, WRK_ROUNDS,
 * WRK_SECONDS, WRK_CONNECTIONS, BURN_ROUNDS (work per CPU-bound page).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node'
import { ServiceBroker } from 'moleculer'
import { callHeaders } from '../src/cluster/call-headers.ts'
import { connectNatsTransport, type NatsTransport } from '../src/cluster/index.ts'
import { type CallDescriptor, createRuntime, type Runtime, systemClock } from '../src/index.ts'
import { newTraceId } from '../src/runtime/context.ts'
import { killGroup, startHasFlags, startNode, wrk } from './cluster/http-nodes.ts'
import { natsServerVersion, startNatsServer } from './cluster/nats-server.ts'
import { moleculerOptions, RAW_SUBJECT } from './cluster/shared.ts'
import { generateProject, REPO } from './lib/project.ts'
import { flood, median, requireNode24, row } from './lib/stats.ts'
import { packageVersion as version } from './peers/lib/machine.ts'

requireNode24()
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const CALLS = Number(process.env.CALLS ?? 2000)
const TP_ROUNDS = Number(process.env.TP_ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 5)
const INFLIGHT = Number(process.env.INFLIGHT ?? 64)
const BREAKDOWN_ROUNDS = Number(process.env.BREAKDOWN_ROUNDS ?? 2)
const WRK_ROUNDS = Number(process.env.WRK_ROUNDS ?? 2)
const WRK_SECONDS = Number(process.env.WRK_SECONDS ?? 5)
const WRK_CONNECTIONS = Number(process.env.WRK_CONNECTIONS ?? 32)
const BURN_ROUNDS = Number(process.env.BURN_ROUNDS ?? 50_000)
const BREAKDOWN_SECONDS = Number(process.env.BREAKDOWN_SECONDS ?? 2)

type Kind = 'raw' | 'nanoweb' | 'moleculer'
type Call = (n: number) => Promise<unknown>

const children = new Set<ChildProcess>()
let stopNats: (() => Promise<void>) | undefined
let natsChild: ChildProcess | undefined
/** Last resort: whatever is still running when this process exits is killed (by pid). */
process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGKILL')
    killGroup(child)
  }
  if (natsChild?.exitCode === null) natsChild.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

const server = await startNatsServer()
stopNats = server.stop
natsChild = server.child
const closers: (() => Promise<unknown>)[] = []
try {
  await main(server.url)
} finally {
  for (const close of closers.reverse()) await close().catch(() => {})
  for (const child of children) await stopChild(child)
  await stopNats()
}

async function main(url: string): Promise<void> {
  const root = await generateProject('cluster-callee', {
    'services/echo.ts': `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number() }),
  run: (x) => x,
})
`,
  })
  const clientRoot = await generateProject('cluster-client', { 'services/.keep': '' })

  console.log(await header())
  for (const kind of ['raw', 'nanoweb', 'moleculer'] as const) await startCallee(kind, url, root)

  const nc = await connect({ servers: url })
  closers.push(() => nc.close())
  const transport = await connectNatsTransport({ servers: url })
  const rt = createRuntime({ root: clientRoot, transport, logger: false })
  closers.push(() => transport.close())
  closers.push(() => rt.close())
  const broker = new ServiceBroker(moleculerOptions(url, 'caller'))
  await broker.start()
  closers.push(() => broker.stop())
  await broker.waitForServices('echo', 10_000)
  await waitFor(() => transport.has('echo'), 'the echo service to be announced')

  const calls = clients(nc, rt, broker)
  for (const [kind, call] of Object.entries(calls)) {
    const reply = (await call(41)) as { n?: number }
    if (reply?.n !== 41) throw new Error(`${kind} echo answered ${JSON.stringify(reply)}`)
  }

  await latency(calls)
  await throughput(calls)
  await gatewayVsOneProcess(url)
  await workersTwoVsOne()
  await whereTimeGoes(url, nc, transport, rt, clientRoot)
}

function clients(nc: NatsConnection, rt: Runtime, broker: ServiceBroker): Record<Kind, Call> {
  return {
    raw: async (n) => (await nc.request(RAW_SUBJECT, JSON.stringify({ n }), { timeout: 5000 })).json(),
    nanoweb: (n) => rt.call('echo', { n }),
    moleculer: (n) => broker.call('echo.echo', { n }),
  }
}

async function header(): Promise<string> {
  const cpu = cpus()
  return [
    `machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB; ${process.platform} ${process.arch}`,
    `node ${process.version}; ${await natsServerVersion()}; @nats-io/transport-node ${await version('@nats-io/transport-node')}; moleculer ${await version('moleculer')} (nats ${await version('nats')})`,
    'loopback; one nats-server started by this bench; callees each in their own child process, callers in this one',
    'moleculer: NATS transporter, JSON serializer, metrics/tracing/validator off; nanoweb callee validates input + output (zod)',
    '',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// 1. latency

async function latency(calls: Record<Kind, Call>): Promise<void> {
  const kinds = Object.keys(calls) as Kind[]
  const p50: Record<string, number[]> = {}
  const p99: Record<string, number[]> = {}
  for (const kind of kinds) {
    p50[kind] = []
    p99[kind] = []
    await sequential(calls[kind], 500) // warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of kinds) {
      const samples = await sequential(calls[kind], CALLS)
      p50[kind]?.push(percentile(samples, 0.5))
      p99[kind]?.push(percentile(samples, 0.99))
    }
  }
  const base50 = median(p50.raw ?? [])
  const base99 = median(p99.raw ?? [])
  console.log(
    `1. remote call latency: ${ROUNDS} interleaved rounds × ${CALLS} sequential calls of echo { n } → { n }; medians of the rounds' percentiles\n`,
  )
  console.log(row('caller → callee (other process)', 'p50', 'p99', 'p50 ratio', 'p99 ratio'))
  const label: Record<Kind, string> = {
    raw: 'raw nc.request → msg.respond (baseline)',
    nanoweb: 'nanoweb rt.call over NatsTransport',
    moleculer: 'moleculer 0.15 broker.call, NATS (peer)',
  }
  for (const kind of kinds) {
    const a = median(p50[kind] ?? [])
    const b = median(p99[kind] ?? [])
    console.log(row(label[kind], µs(a), µs(b), `${(a / base50).toFixed(2)}x`, `${(b / base99).toFixed(2)}x`))
  }
  console.log(`   per-round p50 (µs): ${rounds(p50)}\n`)
}

async function sequential(call: Call, count: number): Promise<Float64Array> {
  const samples = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    await call(i)
    samples[i] = Number(process.hrtime.bigint() - start)
  }
  return samples
}

function percentile(samples: Float64Array, p: number): number {
  const sorted = Float64Array.from(samples).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
}

// ---------------------------------------------------------------------------------------------
// 2. throughput

async function throughput(calls: Record<Kind, Call>): Promise<void> {
  const kinds = Object.keys(calls) as Kind[]
  const rates: Record<string, number[]> = {}
  for (const kind of kinds) {
    rates[kind] = []
    await flood(calls[kind], 1, INFLIGHT) // warm-up
  }
  for (let round = 0; round < TP_ROUNDS; round++) {
    for (const kind of kinds) rates[kind]?.push(await flood(calls[kind], SECONDS, INFLIGHT))
  }
  const ceiling = median(rates.raw ?? [])
  const peer = median(rates.moleculer ?? [])
  const nano = median(rates.nanoweb ?? [])
  console.log(
    `2. throughput: ${INFLIGHT} calls in flight from one caller process for ${SECONDS} s, ${TP_ROUNDS} interleaved rounds; medians\n`,
  )
  console.log(row('caller → callee (other process)', 'calls/s', 'vs moleculer', 'vs raw'))
  console.log(
    row('moleculer 0.15 broker.call, NATS (baseline)', peer.toFixed(0), '1.00x', `${pct(peer / ceiling)} of raw`),
  )
  console.log(
    row(
      'nanoweb rt.call over NatsTransport',
      nano.toFixed(0),
      `${(nano / peer).toFixed(2)}x`,
      `${pct(nano / ceiling)} of raw`,
    ),
  )
  console.log(row('raw nc.request → msg.respond (ceiling)', ceiling.toFixed(0), `${(ceiling / peer).toFixed(2)}x`, ''))
  console.log(`   per-round calls/s: ${rounds(rates, 1)}\n`)
}

// ---------------------------------------------------------------------------------------------
// 3. and 4.: whole nodes under wrk (each runs only once its CLI flags exist in `nanoweb start`)

/**
 * 3. A gateway-only node (`--services none`) in front of a service node, both on NATS, serving the
 * demo front page (examples/news), against one `nanoweb start examples/news` process; wrk on `/`.
 * Runs once `nanoweb start` has `--nats` and `--services`; until then prints what it needs.
 */
async function gatewayVsOneProcess(url: string): Promise<void> {
  const title = '3. gateway-only node + service node vs one process (examples/news front page, GET /)'
  if (!(await startHasFlags(['--nats', '--services']))) {
    console.log(`${title}: not yet measured: needs \`nanoweb start --nats <url> --services none\`\n`)
    return
  }
  const news = join(REPO, 'examples/news')
  await compareNodes(title, {
    'one process (baseline)': async () => {
      const node = await startNode(news, [], children)
      return { port: node.port, stop: node.stop }
    },
    'gateway (--services none) → service node': async () => {
      const service = await startNode(news, ['--nats', url], children)
      const gateway = await startNode(news, ['--nats', url, '--services', 'none'], children).catch(async (error) => {
        await service.stop()
        throw error
      })
      return {
        port: gateway.port,
        stop: async () => {
          await gateway.stop()
          await service.stop()
        },
      }
    },
  })
}

/**
 * 4. `nanoweb start --workers 2` against one process (no flag) on a CPU-bound page (a fragment
 * doing ~1 ms of arithmetic per request, no cache); wrk on `/`. Runs once `nanoweb start` has
 * `--workers`; until then prints what it needs. On this bench's machine wrk, and any other load,
 * share the same cores.
 */
async function workersTwoVsOne(): Promise<void> {
  const title = `4. \`--workers 2\` vs one process on a CPU-bound page (GET /, ${cpus().length} cores, wrk on the same machine)`
  if (!(await startHasFlags(['--workers']))) {
    console.log(`${title}: not yet measured: needs \`nanoweb start --workers <n>\`\n`)
    return
  }
  const root = await generateProject('cluster-burn', {
    'pages/index.html': `<!doctype html>
<html lang="en"><head><title>burn</title></head>
<body><main><nano-fragment src="fragments/burn" rounds="${BURN_ROUNDS}"><p>fallback</p></nano-fragment></main></body>
</html>
`,
    'services/fragments/burn.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'

export default fragment({
  description: 'CPU-bound: a loop of floating-point work, then its result',
  input: z.object({ rounds: z.coerce.number().int() }),
  render({ rounds }) {
    let x = 0
    for (let i = 1; i <= rounds; i++) x += Math.sqrt(i) * Math.sin(i)
    return html\`<p>\${x.toFixed(3)}</p>\`
  },
})
`,
  })
  await compareNodes(title, {
    'one process (baseline)': async () => {
      const node = await startNode(root, [], children)
      return { port: node.port, stop: node.stop }
    },
    '--workers 2': async () => {
      const node = await startNode(root, ['--workers', '2'], children)
      return { port: node.port, stop: node.stop }
    },
  })
}

type NodeSetup = () => Promise<{ port: number; stop: () => Promise<void> }>

/** Interleaved wrk rounds on `/` of each setup (the first is the baseline); a setup that fails is reported, not fatal. */
async function compareNodes(title: string, setups: Record<string, NodeSetup>): Promise<void> {
  const rps: Record<string, number[]> = {}
  const p99: Record<string, number[]> = {}
  const failed: string[] = []
  for (let round = 0; round < WRK_ROUNDS; round++) {
    for (const [label, setup] of Object.entries(setups)) {
      if (failed.some((f) => f.startsWith(label))) continue
      let started: Awaited<ReturnType<NodeSetup>>
      try {
        started = await setup()
      } catch (error) {
        failed.push(`${label}: ${(error as Error).message.split('\n')[0]}`)
        continue
      }
      try {
        const target = `http://127.0.0.1:${started.port}/`
        await wrk(target, WRK_CONNECTIONS, 1)
        const r = await wrk(target, WRK_CONNECTIONS, WRK_SECONDS)
        rps[label] = [...(rps[label] ?? []), r.rps]
        p99[label] = [...(p99[label] ?? []), r.p99Ms]
      } catch (error) {
        failed.push(`${label}: ${(error as Error).message.split('\n')[0]}`)
      } finally {
        await started.stop()
      }
    }
  }
  console.log(`${title}: wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s, ${WRK_ROUNDS} interleaved rounds; medians\n`)
  const labels = Object.keys(setups)
  const base = median(rps[labels[0] as string] ?? [])
  console.log(row('setup', 'requests/s', 'p99', 'ratio'))
  for (const label of labels) {
    const r = rps[label]
    if (r === undefined || r.length === 0) {
      console.log(row(label, 'not measured', '', ''))
      continue
    }
    const m = median(r)
    console.log(row(label, m.toFixed(0), `${median(p99[label] ?? []).toFixed(1)} ms`, `${(m / base).toFixed(2)}x`))
  }
  for (const f of failed) console.log(`   failed: ${f}`)
  console.log('')
}

// ---------------------------------------------------------------------------------------------
// where the time of a remote call goes

/**
 * The steps between the raw baseline and `rt.call`, each measured alone (p50 of sequential calls
 * and calls/s with INFLIGHT in flight): nats.js `request()` options, a hand-rolled reply
 * multiplexer (publish + one wildcard subscription, what Moleculer does), nanoweb's call headers,
 * the transport without the calling runtime, and a runtime whose connection skips async traces.
 */
async function whereTimeGoes(
  url: string,
  nc: NatsConnection,
  transport: NatsTransport,
  rt: Runtime,
  clientRoot: string,
): Promise<void> {
  const fast = await connect({ servers: url, noAsyncTraces: true })
  closers.push(() => fast.close())
  const fastTransport = await connectNatsTransport({ servers: url, noAsyncTraces: true })
  const fastRt = createRuntime({ root: clientRoot, transport: fastTransport, logger: false })
  closers.push(() => fastTransport.close())
  closers.push(() => fastRt.close())
  await waitFor(() => fastTransport.has('echo'), 'the echo service to be announced')
  const mux = replyMux(nc)
  const descriptor = (): CallDescriptor => ({
    service: 'echo',
    version: undefined,
    depth: 1,
    deadline: systemClock.now() + 30_000,
    traceId: newTraceId(),
    caller: undefined,
    request: {},
  })
  const cases: [string, Call][] = [
    [
      'raw nc.request (baseline, as in 1.)',
      async (n) => (await nc.request(RAW_SUBJECT, JSON.stringify({ n }), { timeout: 5000 })).json(),
    ],
    [
      'raw nc.request, connection noAsyncTraces',
      async (n) => (await fast.request(RAW_SUBJECT, JSON.stringify({ n }), { timeout: 5000 })).json(),
    ],
    ['raw publish + own reply mux (no nc.request)', (n) => mux(RAW_SUBJECT, JSON.stringify({ n }))],
    [
      'raw nc.request + nanoweb call headers',
      async (n) =>
        (
          await nc.request(RAW_SUBJECT, JSON.stringify({ n }), {
            timeout: 5000,
            headers: callHeaders(descriptor(), systemClock),
          })
        ).json(),
    ],
    ['NatsTransport.call → nanoweb callee', (n) => transport.call(descriptor(), { n }, undefined)],
    ['rt.call (as in 1.)', (n) => rt.call('echo', { n })],
    ['rt.call, connection noAsyncTraces', (n) => fastRt.call('echo', { n })],
  ]
  console.log(
    `5. where the time goes: each step alone; p50 of ${BREAKDOWN_ROUNDS} rounds × ${CALLS} sequential calls, calls/s with ${INFLIGHT} in flight for ${BREAKDOWN_SECONDS} s × ${BREAKDOWN_ROUNDS} rounds; medians\n`,
  )
  console.log(row('step', 'p50', 'calls/s'))
  const p50: number[][] = cases.map(() => [])
  const rate: number[][] = cases.map(() => [])
  for (const [, call] of cases) await sequential(call, 300)
  for (let round = 0; round < BREAKDOWN_ROUNDS; round++) {
    for (const [i, [, call]] of cases.entries()) {
      p50[i]?.push(percentile(await sequential(call, CALLS), 0.5))
      rate[i]?.push(await flood(call, BREAKDOWN_SECONDS, INFLIGHT))
    }
  }
  for (const [i, [label]] of cases.entries()) {
    console.log(row(label, µs(median(p50[i] ?? [])), median(rate[i] ?? []).toFixed(0)))
  }
}

/** A request over one wildcard reply subscription keyed by a counter: no per-call timer, Error or inbox. */
function replyMux(nc: NatsConnection): (subject: string, body: string) => Promise<unknown> {
  const prefix = createInbox()
  const pending = new Map<string, (value: unknown) => void>()
  nc.subscribe(`${prefix}.*`, {
    callback: (error, msg) => {
      if (error !== null) return
      const token = msg.subject.slice(prefix.length + 1)
      const resolve = pending.get(token)
      pending.delete(token)
      resolve?.(msg.json())
    },
  })
  let seq = 0
  return (subject, body) =>
    new Promise((resolve) => {
      const token = String(seq++)
      pending.set(token, resolve)
      nc.publish(subject, body, { reply: `${prefix}.${token}` })
    })
}

// ---------------------------------------------------------------------------------------------
// helpers

async function startCallee(kind: Kind, url: string, root: string): Promise<void> {
  const child = spawn(process.execPath, [join(REPO, 'bench/cluster/callee.ts'), kind, url, root], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.add(child)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} callee did not start within 15 s`)), 15_000)
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${kind} callee exited with ${code}`))
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.stdin?.end()
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 500) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function µs(ns: number): string {
  return `${(ns / 1000).toFixed(1)} µs`
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`
}

function rounds(values: Record<string, number[]>, scale = 1000): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${v.map((x) => Math.round(x / scale)).join('/')}`)
    .join('; ')
}
