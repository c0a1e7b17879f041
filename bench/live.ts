/**
 * `npm run bench:live`: holds 10,000 concurrent SSE connections (several client processes) on one
 * server process, publishes one change, and measures the time until all 10,000 have it, and the
 * server's RSS per connection. Baseline in the same run: a bare node:http server writing one
 * prepared event to 10,000 open responses. Medians of several publishes.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { generateProject, REPO } from './lib/project.ts'
import { median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10_000)
const CLIENTS = Number(process.env.CLIENTS ?? 4)
const PUBLISHES = Number(process.env.PUBLISHES ?? 5)

const root = await generateProject('live', {
  'services/bench/ticker.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ channel: z.string() }),
  live: { on: 'bench' },
  render: ({ channel }) => html\`<b data-channel=\${channel}>\${(globalThis.benchLive ?? { n: 0 }).n}</b>\`,
})
`,
})
const id = `bench/ticker~${Buffer.from(JSON.stringify({ channel: 'main' })).toString('base64url')}`

interface Proc {
  child: ChildProcess
  next(prefix: string): Promise<string>
}

function start(args: string[]): Proc {
  const child = spawn('bash', ['-c', 'ulimit -n 20000 2>/dev/null; exec "$0" "$@"', process.execPath, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  const waiters: { prefix: string; resolve: (l: string) => void }[] = []
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.prefix))
    if (i === -1) lines.push(line)
    else waiters.splice(i, 1)[0]?.resolve(line)
  })
  return {
    child,
    next: (prefix) => {
      const i = lines.findIndex((l) => l.startsWith(prefix))
      if (i !== -1) return Promise.resolve(lines.splice(i, 1)[0] as string)
      return new Promise((resolve) => waiters.push({ prefix, resolve }))
    },
  }
}

async function measure(
  kind: 'nanoweb' | 'bare',
): Promise<{ deliveryMs: number[]; spreadMs: number[]; bytesPerConnection: number }> {
  const server = start([join(REPO, 'bench/live-server.ts'), kind, root])
  const port = (await server.next('ready')).split(' ')[1] as string
  server.child.stdin?.write('rss\n')
  const rssBefore = Number((await server.next('rss')).split(' ')[1])
  const path = kind === 'nanoweb' ? `/_nano/live?f=${encodeURIComponent(id)}` : '/events'
  const per = Math.ceil(CONNECTIONS / CLIENTS)
  const clients: Proc[] = []
  for (let c = 0; c < CLIENTS; c++) clients.push(start([join(REPO, 'bench/live-client.ts'), port, path, String(per)]))
  await Promise.all(clients.map((c) => c.next('connected')))
  await new Promise((r) => setTimeout(r, 500))
  server.child.stdin?.write('rss\n')
  const rssAfter = Number((await server.next('rss')).split(' ')[1])
  const deliveryMs: number[] = []
  const spreadMs: number[] = []
  for (let p = 0; p < PUBLISHES; p++) {
    await new Promise((r) => setTimeout(r, 300))
    for (const c of clients) c.child.stdin?.write('arm\n')
    await Promise.all(clients.map((c) => c.next('armed')))
    const waiting = clients.map((c) => c.next('received'))
    server.child.stdin?.write('publish\n')
    const published = Number((await server.next('published')).split(' ')[1])
    const times = (await Promise.all(waiting)).map((l) => l.split(' ').map(Number))
    const lastAt = Math.max(...times.map((t) => t[2] as number))
    const firstAt = Math.min(...times.map((t) => t[1] as number))
    deliveryMs.push(lastAt - published)
    spreadMs.push(lastAt - firstAt)
  }
  for (const c of clients) c.child.kill('SIGKILL')
  server.child.kill('SIGKILL')
  return { deliveryMs, spreadMs, bytesPerConnection: (rssAfter - rssBefore) / (per * CLIENTS) }
}

console.log(
  `${CONNECTIONS} SSE connections from ${CLIENTS} client processes to one server process; ${PUBLISHES} publishes each; medians\n`,
)
const bare = await measure('bare')
const nano = await measure('nanoweb')
console.log(row('server', 'publish→all', 'first→last', 'RSS/conn', 'vs bare'))
for (const [label, r] of [
  ['bare node:http SSE broadcast (baseline)', bare],
  ['nanoweb live fragment (render + fan-out)', nano],
] as const) {
  console.log(
    row(
      label,
      `${median(r.deliveryMs).toFixed(1)} ms`,
      `${median(r.spreadMs).toFixed(1)} ms`,
      `${(r.bytesPerConnection / 1024).toFixed(1)} KB`,
      `${(median(r.deliveryMs) / median(bare.deliveryMs)).toFixed(2)}x`,
    ),
  )
}
console.log(
  `\nall runs (ms): bare ${JSON.stringify(bare.deliveryMs.map(Math.round))}, nanoweb ${JSON.stringify(nano.deliveryMs.map(Math.round))}`,
)
