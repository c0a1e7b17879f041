/**
 * `npm run bench:call`: the cost of a nanoweb call beside a plain async function call measured in
 * the same process (and Moleculer 0.15's broker.call as a peer), with metrics off and on, and with
 * OpenTelemetry tracing waiting for an SDK or making spans; each case runs in a fresh process
 * (`call-child.ts`), the cases interleaved over rounds. Then start-up time and memory with 1,000
 * and 10,000 generated service files.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateProject, OUTER_SERVICE, REPO, smallService } from './lib/project.ts'
import { median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const ITERATIONS = Number(process.env.ITERATIONS ?? 100_000)

const root = await generateProject('call', {
  'services/bench/echo.ts': smallService(1),
  'services/bench/outer.ts': OUTER_SERVICE,
})

const run = promisify(execFile)
const callChild = join(REPO, 'bench/call-child.ts')
const KINDS = {
  off: 'rt.call, metrics off',
  metrics: 'rt.call, metrics on (the default)',
  ctx: 'ctx.call between two services (metrics on)',
  waiting: 'rt.call, tracing: true, no OpenTelemetry SDK yet',
  spans: 'rt.call, SDK registered: a span per call',
  moleculer: 'moleculer 0.15 broker.call (peer)',
} as const
type Kind = keyof typeof KINDS

console.log(
  `node ${process.version}; ${ROUNDS} interleaved rounds, each case in a fresh process measuring ${ITERATIONS} sequential calls beside a plain async call; medians\n`,
)
const runs: Record<Kind, { plain: number; call: number }[]> = {
  off: [],
  metrics: [],
  ctx: [],
  waiting: [],
  spans: [],
  moleculer: [],
}
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const { stdout } = await run(process.execPath, [callChild, root, kind, String(ITERATIONS)], { maxBuffer: 1 << 20 })
    runs[kind].push(JSON.parse(stdout) as { plain: number; call: number })
  }
}
const over = (kind: Kind) => median(runs[kind].map((r) => r.call - r.plain))
const plainNs = median(Object.values(runs).flatMap((list) => list.map((r) => r.plain)))
const us = (ns: number) => `${ns >= 0 ? '+' : ''}${(ns / 1000).toFixed(3)} µs`
console.log(row('case (validated input + output, cache off)', 'per call', 'over plain', 'ratio', 'over off'))
console.log(row('plain async function call (baseline)', `${(plainNs / 1000).toFixed(3)} µs`, us(0), '1.00x'))
for (const kind of Object.keys(KINDS) as Kind[]) {
  const call = median(runs[kind].map((r) => r.call))
  const extra = kind === 'off' || kind === 'moleculer' || kind === 'ctx' ? '' : us(over(kind) - over('off'))
  console.log(
    row(KINDS[kind], `${(call / 1000).toFixed(3)} µs`, us(over(kind)), `${(call / plainNs).toFixed(2)}x`, extra),
  )
}

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
