/**
 * The JSON-endpoint workload of `bench:peers`: requests/s of `POST /api/bench/echo` (a small JSON
 * object in, the same plus a field out) under `wrk -t1 -c<CONNECTIONS>`, each server in its own
 * process, interleaved rounds. nanoweb, bare node:http and fastify 5 are `bench/http-server.ts`'s
 * servers (as `bench:http`); Moleculer through moleculer-web; workerd one worker echoing the JSON.
 */
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../cluster/nats-server.ts'
import { ECHO_SERVICE, generateProject, REPO } from '../lib/project.ts'
import { median } from '../lib/stats.ts'
import { firstAnswer, launch, readyLine, stop } from './lib/children.ts'
import { WORKERD } from './scale.ts'
import { GENERATED } from './shapes.ts'

/**
 * The peers of the JSON workload.
 *
 * @example
 * for (const peer of JSON_PEERS) console.log(peer)
 */
export const JSON_PEERS = ['nanoweb', 'fastify', 'bare', 'moleculer-web', 'workerd'] as const

/**
 * Median requests/s and p99 (ms) per peer.
 *
 * @example
 * const figures: JsonFigures = await measureJson({ rounds: 1, seconds: 2, connections: 50 })
 */
export type JsonFigures = Record<string, { rps: number; p99Ms: number }>

const run = promisify(execFile)
const BODY = '{"id":7,"name":"Leeds"}'

/**
 * Runs wrk against each peer's server over `rounds` interleaved rounds.
 *
 * @example
 * const figures = await measureJson({ rounds: 3, seconds: 5, connections: 50 })
 */
export async function measureJson(opts: {
  rounds: number
  seconds: number
  connections: number
}): Promise<JsonFigures> {
  const root = await generateProject('peers-http', {
    'services/bench/echo.ts': ECHO_SERVICE,
    'post.lua': `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  })
  const workerdDir = join(GENERATED, 'workerd-json')
  await mkdir(workerdDir, { recursive: true })
  await writeFile(join(workerdDir, 'echo.js'), ECHO_WORKER)
  await writeFile(join(workerdDir, 'config.capnp'), ECHO_CONFIG)
  const samples: Record<string, { rps: number[]; p99: number[] }> = {}
  for (let round = 0; round < opts.rounds; round++) {
    for (const peer of JSON_PEERS) {
      const { child, port } = await startEcho(peer, root, workerdDir)
      try {
        const url = `http://127.0.0.1:${port}/api/bench/echo`
        await firstAnswer(child, url, (body) => body.includes('"n":1'), 30_000, POST)
        await wrk(url, join(root, 'post.lua'), opts.connections, 2)
        const r = await wrk(url, join(root, 'post.lua'), opts.connections, opts.seconds)
        samples[peer] ??= { rps: [], p99: [] }
        samples[peer].rps.push(r.rps)
        samples[peer].p99.push(r.p99Ms)
      } finally {
        await stop(child)
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([peer, s]) => [peer, { rps: median(s.rps), p99Ms: median(s.p99) }]),
  )
}

const POST = { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } }

async function startEcho(peer: string, root: string, workerdDir: string) {
  if (peer === 'workerd') {
    const port = await freePort()
    const child = launch(WORKERD, [
      'serve',
      join(workerdDir, 'config.capnp'),
      '--socket-addr',
      `http=127.0.0.1:${port}`,
    ])
    return { child, port }
  }
  const port = peer === 'moleculer-web' ? await freePort() : 0
  const args =
    peer === 'moleculer-web'
      ? ['bench/peers/servers/moleculer-web.ts', String(port)]
      : ['bench/http-server.ts', peer, root]
  const child = launch(
    process.execPath,
    args.map((a, i) => (i === 0 ? join(REPO, a) : a)),
  )
  try {
    return { child, port: Number((await readyLine(child, /ready (\d+)/, 30_000))[1]) }
  } catch (error) {
    await stop(child)
    throw error
  }
}

async function wrk(url: string, script: string, connections: number, seconds: number) {
  const { stdout } = await run(
    '/usr/bin/wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url],
    {
      timeout: (seconds + 30) * 1000,
    },
  )
  if (/Non-2xx/.test(stdout)) throw new Error(`non-2xx answers from ${url}:\n${stdout}`)
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout)
  const factor = { us: 0.001, ms: 1, s: 1000 }[(p99?.[2] ?? 'ms') as 'us' | 'ms' | 's']
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]), p99Ms: Number(p99?.[1]) * factor }
}

const ECHO_WORKER = `export default {
  async fetch(request) {
    const v = await request.json()
    return Response.json({ id: v.id, name: v.name, n: 1 })
  },
}
`
const ECHO_CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "echo", worker = (modules = [(name = "echo.js", esModule = embed "echo.js")], compatibilityDate = "2025-01-01"))],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "echo")],
);
`
