import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createServer } from '../../src/index.ts'
import { startNats } from '../cluster/nats-server.ts'
import { send } from '../guard/processes.ts'
import { BIN } from '../helpers/cli.ts'
import { REPO, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const FILES = {
  'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => ({ lat: city.length }),`),
}

/** GET on a new connection each time (no keep-alive), so the workers' round robin spreads them. */
const get = (url: string) => send(url, undefined, 15_000)

test('with --workers 2 each worker reports its own metrics, labelled with its worker id', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, FILES)
  const child = spawn(process.execPath, [BIN, 'start', root, '--port', '0', '--workers', '2'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d) => {
    out.stdout += d.toString()
  })
  child.stderr.on('data', (d) => {
    out.stderr += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await Promise.race([exited, sleep(20_000)])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const output = (): string => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`
  const url = await until(
    () => /http:\/\/\S+/.exec(out.stdout)?.[0].replace('localhost', '127.0.0.1'),
    'the workers to print their URL',
    40_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output()}`)
  })
  const workers = new Set<string>()
  await until(
    async () => {
      const scrape = await get(`${url}/_nano/metrics`)
      assert.equal(scrape.status, 200, output())
      const worker = /nanoweb_live_connections\{worker="([^"]+)"\}/.exec(scrape.text)?.[1]
      if (worker !== undefined) workers.add(worker)
      return workers.size >= 2 ? true : undefined
    },
    'scrapes answered by two different workers',
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; workers seen: ${[...workers].join(', ')}\n${output()}`)
  })
  assert.equal(workers.size, 2)
  for (const worker of workers) assert.match(worker, /^\d+$/)
})

test('a node of a NATS cluster labels every series with its node id', { timeout: 60_000 }, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false, nats: { servers: nats.url } })
  nats.after(() => server.close())
  await server.runtime.warm()
  await server.runtime.call('geo', { city: 'Leeds' })
  const node = await until(() => nodeOf(server.runtime.metrics?.() ?? ''), 'the node id to be known', 20_000)
  assert.ok(node.length > 0)
  const text = server.runtime.metrics?.() ?? ''
  const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
  assert.ok(samples.length > 20)
  for (const line of samples) assert.ok(line.includes(`node="${node}"`), `every sample carries the node label: ${line}`)
  assert.match(text, new RegExp(`nanoweb_calls_total\\{service="geo",code="ok",node="${node}"\\} 1`))
})

function nodeOf(text: string): string | undefined {
  return /node="([^"]+)"/.exec(text)?.[1]
}
