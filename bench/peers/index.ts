/**
 * `npm run bench:peers`: the same workloads, in one run on one machine, on nanoweb and its peers
 * (Moleculer 0.15 in-process and over NATS, fastify 5, bare node:http, raw @nats-io request-reply,
 * Cloudflare workerd): call overhead, a 1,000-fragment page, cold start with 1,000 fragments +
 * 1,000 data services, resident memory per loaded service, JSON endpoint throughput, remote call
 * over NATS. Medians of interleaved rounds, ratios to the best peer per row, the machine and
 * versions printed; a Markdown table on stdout and SVG plots (start-up, memory and page time
 * against N, 10 to 10,000) written to docs/benchmarks/.
 *
 * Knobs (environment): ROUNDS (3), ITERATIONS (100000 calls per round), SWEEP (10,100,1000,10000),
 * SWEEP_ROUNDS (1, for N other than 1,000), WORKERD_MAX (1000), START_TIMEOUT (s, 240), SECONDS
 * (5, per wrk round), CONNECTIONS (50), NATS_CALLS (1500), NATS_SECONDS (3), ONLY (a comma list of
 * call,scale,json,nats), PLOTS (docs/benchmarks; `none` writes no plots).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { REPO } from '../lib/project.ts'
import { requireNode24 } from '../lib/stats.ts'
import { measureCalls } from './call.ts'
import { measureJson } from './json.ts'
import { machineLine, peerVersions } from './lib/machine.ts'
import { markdownTable } from './lib/table.ts'
import { measureNats } from './nats.ts'
import { plots } from './plots.ts'
import { type Results, tableRows } from './rows.ts'
import { runScale } from './run-scale.ts'

requireNode24()
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const ROUNDS = env('ROUNDS', 3)
const ONLY = new Set((process.env.ONLY ?? 'call,scale,json,nats').split(','))
const started = performance.now()
/** Prints a progress line with the time elapsed since the start. */
const progress = (text: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${text}`)

const date = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`
const machine = machineLine()
console.log(`# bench:peers, ${date}\n`)
console.log(`machine: ${machine}`)
console.log(
  `versions: ${Object.entries(await peerVersions())
    .map(([k, v]) => `${k} ${v}`)
    .join('; ')}`,
)
console.log(`rounds: ${ROUNDS} (interleaved; medians)\n`)

const results: Results = {}
if (ONLY.has('call')) {
  progress('call overhead (in-process: plain, nanoweb, Moleculer; then workerd)')
  results.calls = await measureCalls(ROUNDS, env('ITERATIONS', 100_000))
}
if (ONLY.has('scale')) {
  results.scale = await runScale({
    rounds: ROUNDS,
    sweep: (process.env.SWEEP ?? '10,100,1000,10000').split(',').map(Number),
    sweepRounds: env('SWEEP_ROUNDS', 1),
    workerdMax: env('WORKERD_MAX', 1000),
    startTimeoutMs: env('START_TIMEOUT', 240) * 1000,
    progress,
  })
}
if (ONLY.has('json')) {
  progress('JSON endpoint throughput (wrk)')
  results.json = await measureJson({ rounds: ROUNDS, seconds: env('SECONDS', 5), connections: env('CONNECTIONS', 50) })
}
if (ONLY.has('nats')) {
  progress('remote call over NATS')
  results.nats = await measureNats({ rounds: ROUNDS, calls: env('NATS_CALLS', 1500), seconds: env('NATS_SECONDS', 3) })
}
progress('done')

const { rows, peers } = tableRows(results)
console.log(markdownTable(rows, peers))
if (results.scale !== undefined && process.env.PLOTS !== 'none') {
  const dir = join(REPO, process.env.PLOTS ?? 'docs/benchmarks')
  await mkdir(dir, { recursive: true })
  const note = [
    date,
    ...(/^(.*?RAM)/.exec(machine)?.[1] ?? '').split(', '),
    `node ${process.version}`,
    `${ROUNDS} rounds at N = 1,000`,
  ]
  const files = plots(results.scale, note)
  for (const [file, svg] of Object.entries(files)) await writeFile(join(dir, file), svg)
  console.log(`\nplots written to ${dir}: ${Object.keys(files).join(', ')}`)
}
console.log(`\nraw figures: ${JSON.stringify(results)}`)
