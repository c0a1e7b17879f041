/**
 * `npm run bench:call`: the cost of a nanoweb call beside a plain async function call measured in
 * the same run (and Moleculer 0.15's broker.call as a peer), then start-up time and memory with
 * 1,000 and 10,000 generated service files.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ServiceBroker } from 'moleculer'
import { createRuntime } from '../src/index.ts'
import { generateProject, REPO, smallService } from './lib/project.ts'
import { interleaved, median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const ROUNDS = Number(process.env.ROUNDS ?? 9)
const ITERATIONS = Number(process.env.ITERATIONS ?? 100_000)
const input = { id: 7, name: 'Leeds' }

const root = await generateProject('call', {
  'services/bench/echo.ts': smallService(1),
  'services/bench/outer.ts': `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ times: z.number().int() }),
  output: z.number(),
  uses: ['bench/echo'],
  async run({ times }, ctx) {
    let sum = 0
    for (let i = 0; i < times; i++) sum += (await ctx.call('bench/echo', { id: i, name: 'x' })).n
    return sum
  },
})
`,
})

const plain = async (v: { id: number; name: string }) => ({ id: v.id, name: v.name, n: 1 })
/** The baseline of the observed rows: nothing watches its calls. */
const rt = createRuntime({ root, logger: false, metrics: false })
/** Runtimes measured beside `rt` in the same rounds, each row printed with its cost over it. */
const observedRuntimes = {
  'rt.call, metrics on (the default)': createRuntime({ root, logger: false }),
}
const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false })
broker.createService({
  name: 'bench',
  actions: { echo: { params: { id: 'number', name: 'string' }, handler: (ctx) => ({ ...ctx.params, n: 1 }) } },
})
await broker.start()

console.log(`node ${process.version}; ${ROUNDS} interleaved rounds of ${ITERATIONS} sequential calls; medians\n`)
const perCall = await interleaved(
  {
    plain: () => plain(input),
    rt: () => rt.call('bench/echo', input),
    ...Object.fromEntries(
      Object.entries(observedRuntimes).map(([label, runtime]) => [label, () => runtime.call('bench/echo', input)]),
    ),
    moleculer: () => broker.call('bench.echo', input),
  },
  ROUNDS,
  ITERATIONS,
)
await broker.stop()

const INNER = 1000
const plainLoop = async () => {
  let sum = 0
  for (let i = 0; i < INNER; i++) sum += (await plain({ id: i, name: 'x' })).n
  return sum
}
const nested = await interleaved(
  { plainLoop, outer: () => rt.call('bench/outer', { times: INNER }) },
  ROUNDS,
  Math.max(1, ITERATIONS / INNER),
)

const p = perCall.plain as number
const line = (label: string, ns: number) =>
  row(
    label,
    `${(ns / 1000).toFixed(3)} µs`,
    `${ns >= p ? '+' : ''}${((ns - p) / 1000).toFixed(3)} µs`,
    `${(ns / p).toFixed(2)}x`,
  )
console.log(row('case (validated input + output, cache off)', 'per call', 'over plain', 'ratio'))
console.log(line('plain async function call (baseline)', p))
console.log(line('rt.call, metrics off (baseline of the rows below)', perCall.rt as number))
for (const label of Object.keys(observedRuntimes)) {
  const ns = perCall[label] as number
  const over = (ns - (perCall.rt as number)) / 1000
  console.log(`${line(label, ns)}  ${over >= 0 ? '+' : ''}${over.toFixed(3)} µs over metrics off`)
}
console.log(
  line('ctx.call between two services', p + ((nested.outer as number) - (nested.plainLoop as number)) / INNER),
)
console.log(line('moleculer 0.15 broker.call (peer)', perCall.moleculer as number))
await tracingRows()
await rt.close()
for (const runtime of Object.values(observedRuntimes)) await runtime.close()

const run = promisify(execFile)
const child = join(REPO, 'bench/startup-child.ts')
console.log(`\nstart-up and memory (each figure the median of 3 fresh processes)`)
console.log(row('services', 'start-up', 'RSS', 'per service', 'call all once', 'RSS after', 'per loaded'))
const empty = await generateProject('start-0', {})
const base = await childRuns(empty, 'scan')
console.log(row('0 (baseline: node + nanoweb + zod imported)', '', mb(base.rssAfterStart), ''))
for (const count of [1000, 10_000]) {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`services/gen/g${Math.floor(i / 100)}/s${i}.ts`] = smallService(i)
  const many = await generateProject(`start-${count}`, files)
  const r = await childRuns(many, count === 10_000 ? 'call-all' : 'scan')
  const perScan = ((r.rssAfterStart - base.rssAfterStart) / count / 1024).toFixed(2)
  const kb = (rss: number) => `${((rss - base.rssAfterStart) / count / 1024).toFixed(1)} KB`
  const loaded =
    r.rssAfterCalls === undefined
      ? []
      : [`${(r.callAllMs as number).toFixed(0)} ms`, mb(r.rssAfterCalls), kb(r.rssAfterCalls)]
  console.log(row(String(count), `${r.startMs.toFixed(1)} ms`, mb(r.rssAfterStart), `${perScan} KB`, ...loaded))
  if (count === 10_000) {
    const direct = await childRuns(many, 'import-all')
    const floor = direct.rssAfterCalls as number
    console.log(
      row(
        '10000 imported directly (baseline: ESM + zod)',
        '',
        '',
        '',
        `${(direct.callAllMs as number).toFixed(0)} ms`,
        mb(floor),
        kb(floor),
      ),
    )
    console.log(
      `\nnanoweb's own memory per loaded service, over importing the same files directly: ${(((r.rssAfterCalls as number) - floor) / count / 1024).toFixed(1)} KB`,
    )
  }
}

/**
 * OpenTelemetry (docs/observe/tracing.md), on runtimes made alike (a runtime made later runs a
 * little slower than the first, so none is compared with `rt`): `auto` is made with no SDK
 * registered, so it has no tracing part, and `tracing: false` must cost the same; `tracing: true`
 * keeps the part to see an SDK registered later. Then an SDK is registered (spans made and ended,
 * exported nowhere) and `waiting` makes a span per call.
 */
async function tracingRows(): Promise<void> {
  const auto = createRuntime({ root, logger: false })
  const off = createRuntime({ root, logger: false, tracing: false })
  const waiting = createRuntime({ root, logger: false, tracing: true })
  const call = (runtime: typeof rt) => () => runtime.call('bench/echo', input)
  const noSdk = await interleaved({ auto: call(auto), off: call(off), waiting: call(waiting) }, ROUNDS, ITERATIONS)
  const noop = { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }
  const sdk = new NodeTracerProvider({ spanProcessors: [noop] })
  sdk.register()
  const withSdk = await interleaved({ auto: call(auto), on: call(waiting) }, ROUNDS, ITERATIONS)
  await Promise.all([sdk.shutdown(), auto.close(), off.close(), waiting.close()])
  const vs = (label: string, cases: Record<string, number>, name: string) => {
    const over = ((cases[name] as number) - (cases.auto as number)) / 1000
    return row(
      label,
      `${((cases[name] as number) / 1000).toFixed(3)} µs`,
      `${over >= 0 ? '+' : ''}${over.toFixed(3)} µs`,
    )
  }
  console.log(`\n${row('tracing (interleaved per block, runtimes made alike)', 'per call', 'over no SDK')}`)
  console.log(vs('rt.call, no OpenTelemetry SDK (tracing left out)', noSdk, 'auto'))
  console.log(vs('rt.call, tracing: false', noSdk, 'off'))
  console.log(vs('rt.call, tracing: true, no SDK registered yet', noSdk, 'waiting'))
  console.log(vs('rt.call, SDK registered: a span per call', withSdk, 'on'))
}

interface ChildResult {
  startMs: number
  rssAfterStart: number
  rssAfterCalls?: number
  callAllMs?: number
}

async function childRuns(projectRoot: string, mode: 'scan' | 'call-all' | 'import-all'): Promise<ChildResult> {
  const results: ChildResult[] = []
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run(process.execPath, [child, projectRoot, mode], { maxBuffer: 1 << 20 })
    results.push(JSON.parse(stdout) as ChildResult)
  }
  const pick = (k: keyof ChildResult) =>
    results[0]?.[k] === undefined ? undefined : median(results.map((x) => x[k] as number))
  return {
    startMs: pick('startMs') as number,
    rssAfterStart: pick('rssAfterStart') as number,
    rssAfterCalls: pick('rssAfterCalls'),
    callAllMs: pick('callAllMs'),
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
