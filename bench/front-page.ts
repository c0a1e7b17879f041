/**
 * `npm run bench:front`: the demo's front page (examples/news `/`, 23 fragments, two of them live
 * and uncached: the live hub keeps them current for pages, see docs/pages.md) under load, against
 * a bare node:http server sending the same bytes from memory (the baseline); then the same page
 * with every fragment cached (a copy of the demo where the two live fragments also get
 * `cache: { ttl: '60s' }`), against its own bytes; and the demo again with one reader's live
 * stream open (its two live fragments watched, as on a site with readers), against the demo's
 * bytes. wrk -c32 on each server in turn, interleaved rounds; requests/s and the server's
 * CPU time per request (steadier on a busy machine), medians.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startNode } from './cluster/http-nodes.ts'
import { REPO } from './lib/project.ts'
import { median, requireNode24, requireWrk, row } from './lib/stats.ts'

requireNode24()
await requireWrk('bench:front')
process.env.NODE_ENV = 'production'
const run = promisify(execFile)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 5)
const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

const demo = join(REPO, 'examples/news')
const cached = join(REPO, '.bench-tmp/news-cached')
await cp(demo, cached, { recursive: true, force: true })
for (const name of ['latest-ticker', 'live-match']) {
  const file = join(cached, 'services/fragments', `${name}.ts`)
  const text = await readFile(file, 'utf8')
  await writeFile(
    file,
    text.replace('export default fragment({', "export default fragment({\n  cache: { ttl: '60s' },"),
  )
}

interface Server {
  readonly pid: number
  readonly url: string
  stop(): Promise<void>
}

async function nanoweb(root: string): Promise<Server> {
  const node = await startNode(root, [], children)
  const pid = [...children].at(-1)?.pid as number
  return { pid, url: `http://127.0.0.1:${node.port}/`, stop: node.stop }
}

async function bare(bytesOf: string): Promise<Server> {
  const file = join(REPO, '.bench-tmp', `front-${bytesOf === demo ? 'demo' : 'cached'}.html`)
  const node = await nanoweb(bytesOf)
  await writeFile(file, Buffer.from(await (await fetch(node.url)).arrayBuffer()))
  await node.stop()
  const child = spawn(process.execPath, [join(REPO, 'bench/front-bare.ts'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.add(child)
  const port = await new Promise<number>((resolve) => {
    child.stdout?.on('data', (d: Buffer) => {
      const match = /ready (\d+)/.exec(d.toString())
      if (match !== null) resolve(Number(match[1]))
    })
  })
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      child.kill('SIGKILL')
      children.delete(child)
    },
  }
}

async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function load(server: Server): Promise<{ rps: number; cpuUs: number }> {
  await run('wrk', ['-t1', '-c32', '-d1s', server.url])
  const before = await cpuSeconds(server.pid)
  const { stdout } = await run('wrk', ['-t1', '-c32', `-d${SECONDS}s`, server.url])
  const after = await cpuSeconds(server.pid)
  if (/Non-2xx/.test(stdout)) throw new Error(`non-2xx answers from ${server.url}:\n${stdout}`)
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1])
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]), cpuUs: ((after - before) * 1e6) / requests }
}

/**
 * nanoweb on `root` with one reader's live stream open on `/`, as on a site with readers: the
 * page's live fragments are watched, so the live hub keeps their HTML current and pages show it.
 */
async function watched(root: string): Promise<Server> {
  const server = await nanoweb(root)
  const page = await (await fetch(server.url)).text()
  const src = /src="\/_nano\/live\.js" data-src="([^"]+)"/.exec(page)?.[1]
  if (src === undefined) throw new Error('the demo page opens no live stream')
  const reader = new AbortController()
  const stream = await fetch(new URL(src.replaceAll('&amp;', '&'), server.url), { signal: reader.signal })
  if (stream.status !== 200) throw new Error(`the live stream answered ${stream.status}`)
  stream.body?.pipeTo(new WritableStream()).catch(() => {})
  return {
    ...server,
    stop: async () => {
      reader.abort()
      await server.stop()
    },
  }
}

const cases = {
  'bare node:http, the demo page from memory (baseline)': () => bare(demo),
  'nanoweb, examples/news /': () => nanoweb(demo),
  'nanoweb, examples/news / with one reader watching its live fragments': () => watched(demo),
  'bare node:http, the all-cached page from memory (baseline)': () => bare(cached),
  'nanoweb, every fragment a cache hit': () => nanoweb(cached),
}
const results: Record<string, { rps: number[]; cpuUs: number[] }> = {}
console.log(
  `wrk -t1 -c32 -d${SECONDS}s on each server in turn, ${ROUNDS} interleaved rounds, NODE_ENV=production; medians\n`,
)
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, start] of Object.entries(cases)) {
    const server = await start()
    try {
      const r = await load(server)
      results[label] ??= { rps: [], cpuUs: [] }
      results[label].rps.push(r.rps)
      results[label].cpuUs.push(r.cpuUs)
    } finally {
      await server.stop()
    }
  }
}
console.log(row('server (GET /)', 'requests/s', 'CPU/request', 'vs baseline', 'CPU ratio'))
let base = { rps: 1, cpu: 1 }
for (const [label, r] of Object.entries(results)) {
  const rps = median(r.rps)
  const cpu = median(r.cpuUs)
  if (label.startsWith('bare')) base = { rps, cpu }
  const vs = label.startsWith('bare') ? '1.00' : (rps / base.rps).toFixed(2)
  const cpuRatio = label.startsWith('bare') ? '1.00' : (base.cpu / cpu).toFixed(2)
  console.log(row(label, rps.toFixed(0), `${cpu.toFixed(1)} µs`, vs, cpuRatio))
}
process.exit(0)
