import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../../bench/cluster/nats-server.ts'
import { createServer } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const PROMETHEUS = '/usr/bin/prometheus'

interface QueryAnswer {
  readonly status: string
  readonly data: { readonly result: readonly { metric: Record<string, string>; value: [number, string] }[] }
}

test('a real Prometheus scraping /_nano/metrics gets the nanoweb series', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'services/geo.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
      run: ({ city }) => ({ lat: city.length }),`),
  })
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  for (let i = 0; i < 3; i++) await server.runtime.call('geo', { city: 'Leeds' }, { caller: 'http' })

  const dir = await mkdtemp(join(tmpdir(), 'nanoweb-prometheus-'))
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }))
  const target = new URL(server.url).host
  const config = `global:
  scrape_interval: 1s
scrape_configs:
  - job_name: nanoweb
    metrics_path: /_nano/metrics
    static_configs:
      - targets: ['${target}']
`
  await writeFile(join(dir, 'prometheus.yml'), config)
  const port = await freePort()
  let log = ''
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  child.stderr.on('data', (d) => {
    log += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })

  const query = async (promql: string): Promise<QueryAnswer['data']['result']> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const answer = (await res.json()) as QueryAnswer
    return answer.status === 'success' ? answer.data.result : []
  }
  let found: QueryAnswer['data']['result'] = []
  try {
    found = await until(
      async () => {
        const result = await query('nanoweb_calls_total{service="geo",code="ok"}').catch(() => [])
        if (result.length > 0) return result
        await sleep(200)
        return undefined
      },
      'Prometheus to have scraped nanoweb_calls_total',
      90_000,
    )
  } catch (error) {
    throw new Error(`${(error as Error).message}\nprometheus log:\n${log.slice(-3000)}`)
  }
  assert.equal(found[0]?.metric.job, 'nanoweb')
  assert.equal(found[0]?.value[1], '3')
  const up = await query('up{job="nanoweb"}')
  assert.equal(up[0]?.value[1], '1', 'the target is up: every scrape parsed')
  const buckets = await query('nanoweb_call_duration_seconds_bucket{service="geo"}')
  assert.ok(buckets.length >= 10, `the histogram's buckets are series (got ${buckets.length})`)
})
