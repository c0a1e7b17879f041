/**
 * `npm run bench:isolate`: the cost of running a service in a V8 isolate (`trust: 'untrusted'`)
 * beside the same service run in this process, measured in the same run: per call, a cold
 * isolate, and resident memory per loaded untrusted service. Medians of several rounds.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ivm from 'isolated-vm'
import { createRuntime } from '../src/index.ts'
import { generateProject, REPO, smallService } from './lib/project.ts'
import { interleaved, median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const ITERATIONS = Number(process.env.ITERATIONS ?? 20_000)
const COLD = Number(process.env.COLD ?? 25)
const MANY = Number(process.env.MANY ?? 200)
const input = { id: 7, name: 'Leeds' }
const untrusted = (n: number): string => smallService(n).replace('service({', "service({\n  trust: 'untrusted',")

const root = await generateProject('isolate', {
  'services/bench/trusted.ts': smallService(1),
  'services/bench/untrusted.ts': untrusted(1),
})
// 100ms: room for a GC pause on a busy machine, and still on the host thread (over 100ms a
// service runs on its isolate's own thread).
const rt = createRuntime({ root, logger: false, isolateLimits: { cpu: '100ms' } })
await rt.call('bench/untrusted', input)

const raw = new ivm.Isolate({ memoryLimit: 64 })
const rawFn = raw
  .createContextSync()
  .evalSync(
    '(function (text) { const v = JSON.parse(text); return JSON.stringify({ id: v.id, name: v.name, n: 1 }) })',
    {
      reference: true,
    },
  ) as ivm.Reference
const rawCall = async (): Promise<unknown> =>
  JSON.parse(rawFn.applySync(undefined, [JSON.stringify(input)], { timeout: 1000 }) as string)

console.log(`node ${process.version}; ${ROUNDS} interleaved rounds of ${ITERATIONS} sequential calls; medians\n`)
const perCall = await interleaved(
  {
    trusted: () => rt.call('bench/trusted', input),
    untrusted: () => rt.call('bench/untrusted', input),
    raw: rawCall,
  },
  ROUNDS,
  ITERATIONS,
)
const trusted = perCall.trusted as number
const µs = (ns: number): string => `${(ns / 1000).toFixed(2)} µs`
console.log(row('per call (validated input + output)', 'per call', 'over trusted', 'ratio'))
console.log(row('trusted rt.call (baseline)', µs(trusted), '', '1.00x'))
for (const [label, ns] of [
  ['untrusted rt.call (isolate)', perCall.untrusted as number],
  ['raw isolated-vm applySync + JSON (floor)', perCall.raw as number],
] as const)
  console.log(row(label, µs(ns), `${ns >= trusted ? '+' : ''}${µs(ns - trusted)}`, `${(ns / trusted).toFixed(2)}x`))
console.log(`aim: untrusted ≤ 20 µs over trusted\n`)
raw.dispose()
await rt.close()

const coldRt = createRuntime({ root, logger: false, isolateIdle: 1 })
await coldRt.call('bench/untrusted', input)
const cold: number[] = []
const rawCold: number[] = []
for (let i = 0; i < COLD; i++) {
  await new Promise((resolve) => setTimeout(resolve, 40))
  let start = performance.now()
  await coldRt.call('bench/untrusted', input)
  cold.push(performance.now() - start)
  start = performance.now()
  const bare = new ivm.Isolate({ memoryLimit: 64 })
  bare.createContextSync().evalSync('1')
  rawCold.push(performance.now() - start)
  bare.dispose()
}
await coldRt.close()
const coldMs = median(cold)
const rawColdMs = median(rawCold)
console.log(row(`cold isolate (median of ${COLD})`, 'ms', 'ratio'))
console.log(row('bare new Isolate + context (baseline)', `${rawColdMs.toFixed(2)} ms`, '1.00x'))
console.log(
  row('first call of an idle-disposed service', `${coldMs.toFixed(2)} ms`, `${(coldMs / rawColdMs).toFixed(2)}x`),
)
console.log('aim: cold isolate ≤ 5 ms\n')

const run = promisify(execFile)
const child = join(REPO, 'bench/isolate-child.ts')
const memory = async (kind: 'trusted' | 'untrusted') => {
  const files: Record<string, string> = {}
  for (let i = 0; i < MANY + 1; i++) files[`services/m/s${i}.ts`] = kind === 'trusted' ? smallService(i) : untrusted(i)
  const project = await generateProject(`isolate-${kind}`, files)
  type Run = { count: number; loadMs: number; rssBefore: number; rssLoaded: number; rssIdle: number }
  const runChild = async (idle: string): Promise<Run> => {
    const { stdout } = await run(process.execPath, ['--expose-gc', child, project, 'm/s0', idle], {
      maxBuffer: 1 << 20,
    })
    return JSON.parse(stdout) as Run
  }
  const alive: Run[] = []
  const idle: Run[] = []
  for (let i = 0; i < 3; i++) {
    alive.push(await runChild('10m'))
    if (kind === 'untrusted') idle.push(await runChild('1s'))
  }
  const per = (runs: Run[], key: 'rssLoaded' | 'rssIdle') =>
    median(runs.map((r) => (r[key] - r.rssBefore) / r.count / 1024 / 1024))
  return {
    loaded: per(alive, 'rssLoaded'),
    idle: idle.length === 0 ? Number.NaN : per(idle, 'rssIdle'),
    loadMs: median(alive.map((r) => r.loadMs / r.count)),
  }
}
const trustedMemory = await memory('trusted')
const untrustedMemory = await memory('untrusted')
const mbRow = (label: string, value: number) =>
  row(label, `${value.toFixed(2)} MB`, `${(value / trustedMemory.loaded).toFixed(1)}x`)
console.log(row(`resident memory per loaded service (${MANY}, median of 3 processes)`, 'RSS delta', 'ratio'))
console.log(mbRow('trusted, loaded and called once (baseline)', trustedMemory.loaded))
console.log(mbRow('untrusted, isolate alive', untrustedMemory.loaded))
console.log(mbRow('untrusted, isolate disposed when idle', untrustedMemory.idle))
console.log(
  `load + first call per service: trusted ${trustedMemory.loadMs.toFixed(1)} ms, untrusted ${untrustedMemory.loadMs.toFixed(1)} ms`,
)
console.log('aim: ≤ 2 MB per idle-but-loaded untrusted service')
