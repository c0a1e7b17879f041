/**
 * `npm run bench:http`: requests/s, p99 latency and the server's CPU time per request of two JSON
 * endpoints (`POST /api/bench/echo`, a small flat body; `POST /api/bench/order`, an object holding
 * an array of five objects) on nanoweb against a bare node:http server doing the same JSON echo
 * (the baseline, = 100%) and fastify 5 (a peer), each in its own process, loaded by wrk (Debian
 * package `wrk`) from this process, interleaved over several rounds; medians. The CPU ratio is
 * steadier than requests/s on a busy machine.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ECHO_SERVICE, generateProject, REPO } from './lib/project.ts'
import { median, requireNode24, requireWrk, row } from './lib/stats.ts'

requireNode24()
const run = promisify(execFile)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 5)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50)

await requireWrk('bench:http')

const root = await generateProject('http', {
  'services/bench/echo.ts': ECHO_SERVICE,
  'services/bench/order.ts': `import { service } from '@nanoweb/core'
import { z } from 'zod'
const Line = z.object({ sku: z.string().min(1), qty: z.number().int().min(1), price: z.number(), note: z.string().optional() })
export default service({
  input: z.object({ id: z.number().int(), customer: z.string().min(1), lines: z.array(Line).max(50) }),
  output: z.object({ id: z.number().int(), customer: z.string(), lines: z.array(Line), n: z.number() }),
  run: (order) => ({ ...order, n: 1 }),
})
`,
})
/** The two bodies: a small flat object, and an object holding an array of five objects. */
const NESTED = JSON.stringify({
  id: 7,
  customer: 'Ada',
  lines: Array.from({ length: 5 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 9.99 })),
})
const WORKLOADS = [
  { path: 'echo', title: 'POST JSON echo', body: '{"id":7,"name":"Leeds"}' },
  { path: 'order', title: 'POST nested JSON (five objects in an array)', body: NESTED },
] as const
for (const w of WORKLOADS) {
  await writeFile(
    join(root, `${w.path}.lua`),
    `wrk.method = "POST"\nwrk.body = '${w.body}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  )
}
let script = join(root, 'echo.lua')

const kinds = ['bare', 'nanoweb', 'nanoweb-nometrics', 'nanoweb-log', 'fastify'] as const
for (const workload of WORKLOADS) {
  script = join(root, `${workload.path}.lua`)
  await measure(workload.path, workload.title)
}

async function measure(path: string, title: string): Promise<void> {
  const results: Record<string, { rps: number[]; p99: number[]; cpuUs: number[] }> = {}
  for (const kind of kinds) results[kind] = { rps: [], p99: [], cpuUs: [] }
  console.log(
    `\n${title}: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} interleaved rounds, each server in its own process; medians\n`,
  )
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of kinds) {
      const { child, port } = await startServer(kind)
      try {
        const url = `http://127.0.0.1:${port}/api/bench/${path}`
        await wrk(url, 2)
        const before = await cpuSeconds(child.pid as number)
        const r = await wrk(url, SECONDS)
        const after = await cpuSeconds(child.pid as number)
        results[kind]?.rps.push(r.rps)
        results[kind]?.p99.push(r.p99Ms)
        results[kind]?.cpuUs.push(((after - before) * 1e6) / r.requests)
      } finally {
        child.kill('SIGKILL')
      }
    }
  }
  const base = median(results.bare?.rps ?? [])
  const baseCpu = median(results.bare?.cpuUs ?? [])
  console.log(row(`server (${title})`, 'requests/s', 'p99', 'vs bare', 'CPU/request', 'CPU ratio'))
  for (const kind of kinds) {
    const rps = median(results[kind]?.rps ?? [])
    const p99 = median(results[kind]?.p99 ?? [])
    const label = {
      bare: 'bare node:http (baseline, no validation)',
      nanoweb: 'nanoweb (validated in + out)',
      'nanoweb-nometrics': 'nanoweb, metrics off',
      'nanoweb-log': 'nanoweb, access log on (JSON lines)',
      fastify: 'fastify 5 (schema in + out)',
    }[kind]
    const cpu = median(results[kind]?.cpuUs ?? [])
    console.log(
      row(
        label,
        rps.toFixed(0),
        `${p99.toFixed(2)} ms`,
        `${((rps / base) * 100).toFixed(1)}%`,
        `${cpu.toFixed(1)} µs`,
        `${((baseCpu / cpu) * 100).toFixed(1)}%`,
      ),
    )
  }
  console.log(
    `\nall rounds (requests/s): ${JSON.stringify(Object.fromEntries(kinds.map((k) => [k, results[k]?.rps.map(Math.round)])))}`,
  )
}

async function startServer(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(REPO, 'bench/http-server.ts'), kind, root], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      const match = /ready (\d+)/.exec(d.toString())
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)))
  })
  return { child, port }
}

/** User + system CPU seconds of a process so far (`/proc/<pid>/stat`). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function wrk(url: string, seconds: number): Promise<{ rps: number; p99Ms: number; requests: number }> {
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, url])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout)
  const factor = { us: 0.001, ms: 1, s: 1000 }[(p99?.[2] ?? 'ms') as 'us' | 'ms' | 's']
  if (/Non-2xx/.test(stdout)) throw new Error(`non-2xx answers from ${url}:\n${stdout}`)
  return { rps, p99Ms: Number(p99?.[1]) * factor, requests: Number(/(\d+) requests in/.exec(stdout)?.[1]) }
}
