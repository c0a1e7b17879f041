// A cluster of real `nanoweb start --nats` processes on a nats-server of the test's own: placement
// by --services, gateway-only nodes, errors across the wire, kill -9 of a node mid-call, a NATS
// server restart, NATS micro discovery, the shared cache tier and topics across nodes.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { Svcm } from '@nats-io/services'
import { createRuntime } from '../../src/index.ts'
import { serve } from '../helpers/cli.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'
import { type NatsUnderTest, startNats } from './nats-server.ts'

const LIMIT = 30_000
const TEST = { timeout: 90_000 }

type Node = Awaited<ReturnType<typeof serve>>

/**
 * `nanoweb start <root> --nats <url> --services <services>`, once `/_nano/ready` answers 200 and
 * the node (by its pid) answers `$SRV.INFO.nanoweb` with an endpoint for each of `serves`.
 */
async function startNode(
  t: TestContext,
  nats: NatsUnderTest,
  root: string,
  services: string,
  serves: readonly string[] = [],
): Promise<Node> {
  const node = await serve(t, ['start', root, '--port', '0', '--nats', nats.url, '--services', services])
  await until(
    async () => ((await fetch(`${node.url}/_nano/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
    `node --services ${services} is ready (stderr: ${node.stderr()})`,
    LIMIT,
  )
  if (serves.length > 0) {
    const micro = new Svcm(await nats.connect()).client()
    await until(
      async () => {
        try {
          for await (const info of await micro.info('nanoweb')) {
            if (info.metadata?.pid !== String(node.child.pid)) continue
            const names = info.endpoints.map((e) => e.metadata?.['nanoweb.name'])
            if (serves.every((name) => names.includes(name))) return true
          }
        } catch {
          // no node answers yet
        }
        return undefined
      },
      `node --services ${services} serves ${serves.join(', ')} over NATS (stderr: ${node.stderr()})`,
      LIMIT,
    )
  }
  return node
}

/** POSTs JSON and reads the JSON answer. */
async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(LIMIT),
  })
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) }
  } catch {
    return { status: res.status, body: text }
  }
}

/** A client of the cluster (runs no service), closed before the nats-server stops. */
async function client(t: TestContext, nats: NatsUnderTest) {
  const rt = createRuntime({ root: await tempProject(t, {}), nats: { servers: nats.url }, services: [], logger: false })
  nats.after(() => rt.close())
  await rt.warm()
  return rt
}

/** A service file that logs its import (name and pid) to `<root>/imported.log`. */
function logged(name: string, body: string, prelude = ''): string {
  const depth = name.split('/').length
  const up = '../'.repeat(depth)
  return svc(
    body,
    `import { appendFileSync } from 'node:fs'\n${prelude}\nappendFileSync(new URL('${up}imported.log', import.meta.url), ${JSON.stringify(name)} + ' ' + process.pid + '\\n')`,
  )
}

const errorCode = (body: unknown): unknown => (body as { error?: { code?: unknown } }).error?.code

test('services run where --services places them; a gateway-only node imports none and calls them', TEST, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, {
    'services/geo/lookup.ts': logged(
      'geo/lookup',
      `input: z.object({ city: z.string() }), output: z.object({ pid: z.number(), trace: z.string() }),
       run: (_, ctx) => ({ pid: process.pid, trace: ctx.traceId }),`,
    ),
    'services/news/top.ts': logged(
      'news/top',
      `input: z.object({}), output: z.object({ pid: z.number() }), run: () => ({ pid: process.pid }),`,
    ),
  })
  const a = await startNode(t, nats, root, 'geo/**', ['geo/lookup'])
  const b = await startNode(t, nats, root, 'news/**', ['news/top'])
  const g = await startNode(t, nats, root, 'none')
  const [pidA, pidB, pidG] = [a.child.pid, b.child.pid, g.child.pid]

  const trace = '4bf92f3577b34da6a3ce929d0e0e4736'
  const geo = await post(
    `${g.url}/api/geo/lookup`,
    { city: 'York' },
    { traceparent: `00-${trace}-00f067aa0ba902b7-01` },
  )
  assert.equal(geo.status, 200, `geo/lookup through the gateway: ${JSON.stringify(geo.body)}; ${g.stderr()}`)
  assert.deepEqual(geo.body, { pid: pidA, trace }, 'answered by node A, with the trace id of the traceparent sent')
  const news = await post(`${g.url}/api/news/top`, {})
  assert.equal(news.status, 200, `news/top through the gateway: ${JSON.stringify(news.body)}; ${g.stderr()}`)
  assert.deepEqual(news.body, { pid: pidB }, 'answered by node B')

  const imports = readFileSync(join(root, 'imported.log'), 'utf8').trim().split('\n').sort()
  assert.deepEqual(
    [...new Set(imports)],
    [`geo/lookup ${pidA}`, `news/top ${pidB}`],
    `each service file imported only by the node running it (A ${pidA}, B ${pidB}, gateway ${pidG})`,
  )

  const res = await fetch(`${g.url}/_nano/catalog`)
  assert.equal(res.status, 200)
  const { services } = (await res.json()) as { services: { name: string; local: boolean; nodes: string[] }[] }
  for (const name of ['geo/lookup', 'news/top']) {
    const entry = services.find((s) => s.name === name)
    assert.ok(entry !== undefined, `the gateway's catalog lists ${name}: ${JSON.stringify(services)}`)
    assert.equal(entry.local, false, `${name} is not local to the gateway`)
    assert.ok(Array.isArray(entry.nodes) && entry.nodes.length > 0, `${name} lists the nodes running it`)
  }
})

test(
  'errors keep their code and status across nodes; a name no node runs is 503 NANO_E_UNAVAILABLE',
  TEST,
  async (t) => {
    const nats = await startNats(t)
    const root = await tempProject(t, {
      'services/shop/missing.ts': svc(
        `input: z.object({}), output: z.string(), run: () => { throw new NanoError('NANO_E_NOT_FOUND', 'No such basket') },`,
        `import { NanoError } from '@nanoweb/core'`,
      ),
      'services/shop/check.ts': svc(
        `input: z.object({ n: z.number().int().min(1) }), output: z.number(), run: ({ n }) => n,`,
      ),
    })
    await startNode(t, nats, root, 'shop/missing,shop/check', ['shop/missing', 'shop/check'])
    const g = await startNode(t, nats, root, 'none')

    const missing = await post(`${g.url}/api/shop/missing`, {})
    assert.equal(missing.status, 404, JSON.stringify(missing.body))
    assert.equal(errorCode(missing.body), 'NANO_E_NOT_FOUND', JSON.stringify(missing.body))
    assert.match(JSON.stringify(missing.body), /No such basket/)

    const ok = await post(`${g.url}/api/shop/check`, { n: 3 })
    assert.deepEqual([ok.status, ok.body], [200, 3])
    const invalid = await post(`${g.url}/api/shop/check`, { n: 'three' })
    assert.equal(invalid.status, 400, JSON.stringify(invalid.body))
    assert.equal(errorCode(invalid.body), 'NANO_E_INVALID_INPUT', JSON.stringify(invalid.body))

    const rt = await client(t, nats)
    await assert.rejects(rt.call('shop/orphan', {}), { code: 'NANO_E_UNAVAILABLE' }, 'rt.call of a name no node runs')
  },
)

test('through a gateway, a service of the project that no node runs is 503 NANO_E_UNAVAILABLE', TEST, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, {
    'services/shop/check.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    'services/shop/orphan.ts': svc(`input: z.object({}), output: z.string(), run: () => 'nobody runs me',`),
  })
  const node = await startNode(t, nats, root, 'shop/check', ['shop/check'])
  const g = await startNode(t, nats, root, 'none')
  for (const url of [node.url, g.url]) {
    const orphan = await post(`${url}/api/shop/orphan`, {})
    assert.equal(orphan.status, 503, `a service no node runs, via ${url}: ${JSON.stringify(orphan.body)}`)
    assert.equal(errorCode(orphan.body), 'NANO_E_UNAVAILABLE', JSON.stringify(orphan.body))
  }
})

test(
  'kill -9 of one of two nodes: idempotent calls in flight are retried on the survivor, none fails',
  TEST,
  async (t) => {
    const nats = await startNats(t)
    const root = await tempProject(t, {
      'services/geo/slowish.ts': svc(
        `input: z.object({ i: z.number() }), output: z.object({ pid: z.number() }), idempotent: true, timeout: '10s',
       run: async () => { await new Promise((r) => setTimeout(r, 30)); return { pid: process.pid } },`,
      ),
    })
    const a = await startNode(t, nats, root, 'geo/**', ['geo/slowish'])
    const b = await startNode(t, nats, root, 'geo/**', ['geo/slowish'])
    const [pidA, pidB] = [a.child.pid as number, b.child.pid as number]
    const rt = await client(t, nats)

    const seen = new Set<number>()
    const failures: unknown[] = []
    const afterExit: number[] = []
    let killed = false
    let gone = false
    let i = 0
    const end = Date.now() + 45_000
    const loop = async (): Promise<void> => {
      while (afterExit.length < 60 && Date.now() < end) {
        const startedAfterExit = gone
        try {
          const out = (await rt.call('geo/slowish', { i: i++ })) as { pid: number }
          seen.add(out.pid)
          if (startedAfterExit) afterExit.push(out.pid)
        } catch (error) {
          failures.push(error)
        }
        if (!killed && seen.has(pidA) && seen.has(pidB)) {
          killed = true
          process.kill(pidA, 'SIGKILL')
          void a.exited.then(() => {
            gone = true
          })
        }
      }
    }
    await Promise.all([loop(), loop(), loop(), loop()])
    assert.ok(killed, `both nodes answered before the kill (seen pids ${[...seen]}, A ${pidA}, B ${pidB})`)
    assert.deepEqual(
      failures.map((e) => `${(e as { code?: string }).code}: ${(e as Error).message}`),
      [],
      `no call failed (${i} calls)`,
    )
    assert.ok(afterExit.length >= 60, `calls went on after node A exited (${afterExit.length} after, ${i} in all)`)
    assert.deepEqual([...new Set(afterExit)], [pidB], 'after the kill only the survivor answers')
  },
)

test(
  'kill -9 of the node running a non-idempotent call in flight: the call fails NANO_E_UNAVAILABLE',
  TEST,
  async (t) => {
    const nats = await startNats(t)
    const root = await tempProject(t, {
      'services/pay/charge.ts': svc(
        `input: z.object({}), output: z.string(), timeout: '20s',
       run: async () => {
         appendFileSync(new URL('../../started.log', import.meta.url), 'started\\n')
         await new Promise((r) => setTimeout(r, 3000))
         return 'charged'
       },`,
        `import { appendFileSync } from 'node:fs'`,
      ),
    })
    const node = await startNode(t, nats, root, 'pay/**', ['pay/charge'])
    const rt = await client(t, nats)
    const call = rt.call('pay/charge', {}, { timeout: '20s' })
    const outcome = call.then(
      (value) => ({ value }),
      (error: unknown) => ({ error: error as { code?: string; message?: string } }),
    )
    await until(() => (existsSync(join(root, 'started.log')) ? true : undefined), 'the call runs on the node', LIMIT)
    process.kill(node.child.pid as number, 'SIGKILL')
    const result = await outcome
    assert.ok('error' in result, `the call rejects, it got ${JSON.stringify(result)}`)
    assert.equal(result.error.code, 'NANO_E_UNAVAILABLE', `the lost call's error: ${result.error.message}`)
  },
)

test('after the nats-server restarts, nodes reconnect and calls succeed again', TEST, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, {
    'services/geo/ping.ts': svc(
      `input: z.object({}), output: z.object({ pid: z.number() }), run: () => ({ pid: process.pid }),`,
    ),
  })
  const node = await startNode(t, nats, root, 'geo/**', ['geo/ping'])
  const rt = await client(t, nats)
  assert.deepEqual(await rt.call('geo/ping', {}), { pid: node.child.pid })
  await nats.restart()
  const answer = await until(
    async () =>
      (await rt.call('geo/ping', {}, { timeout: '1s' }).catch(() => undefined)) as { pid: number } | undefined,
    `a call succeeds after the restart (node stderr: ${node.stderr()})`,
    LIMIT,
  )
  assert.deepEqual(answer, { pid: node.child.pid })
  const res = await post(`${node.url}/api/geo/ping`, {})
  assert.deepEqual([res.status, res.body], [200, { pid: node.child.pid }], 'the node serves HTTP too')
})

test(
  'each node is a NATS micro service "nanoweb": info with metadata per endpoint, ping and stats',
  TEST,
  async (t) => {
    const nats = await startNats(t)
    const root = await tempProject(t, {
      'services/geo/lookup.ts': svc(
        `input: z.object({ city: z.string() }), output: z.string(), run: ({ city }) => city,`,
      ),
      'services/news/top.ts': svc(`input: z.object({}), output: z.array(z.string()), run: () => ['a'],`),
    })
    await startNode(t, nats, root, 'geo/**,news/**', ['geo/lookup', 'news/top'])
    const micro = new Svcm(await nats.connect()).client()

    const infos = []
    for await (const info of await micro.info('nanoweb')) infos.push(info)
    assert.equal(infos.length, 1, `one node answers $SRV.INFO.nanoweb: ${JSON.stringify(infos)}`)
    const endpoints = infos[0]?.endpoints ?? []
    for (const name of ['geo/lookup', 'news/top']) {
      const endpoint = endpoints.find((e) => e.metadata?.['nanoweb.name'] === name)
      assert.ok(endpoint !== undefined, `an endpoint with nanoweb.name ${name}: ${JSON.stringify(endpoints)}`)
      assert.equal(endpoint.name, name.replace('/', '__'))
      const schema = JSON.parse(endpoint.metadata?.['nanoweb.input'] ?? 'null') as Record<string, unknown> | null
      assert.ok(schema !== null && typeof schema === 'object' && schema.type === 'object', `nanoweb.input of ${name}`)
    }
    const lookup = endpoints.find((e) => e.metadata?.['nanoweb.name'] === 'geo/lookup')
    assert.deepEqual(
      (JSON.parse(lookup?.metadata?.['nanoweb.input'] ?? '{}') as { properties?: object }).properties,
      { city: { type: 'string' } },
      'nanoweb.input is the input JSON Schema',
    )

    const pings = []
    for await (const ping of await micro.ping('nanoweb')) pings.push(ping)
    assert.equal(pings.length, 1, 'the node answers a ping')
    assert.equal(pings[0]?.name, 'nanoweb')

    const rt = await client(t, nats)
    assert.equal(await rt.call('geo/lookup', { city: 'Leeds' }), 'Leeds')
    const requests = await until(
      async () => {
        for await (const stats of await micro.stats('nanoweb')) {
          const endpoint = stats.endpoints?.find((e) => e.name === 'geo__lookup')
          if (endpoint !== undefined && endpoint.num_requests >= 1) return endpoint.num_requests
        }
        return undefined
      },
      'stats show a request on geo__lookup',
      LIMIT,
    )
    assert.ok(requests >= 1)
  },
)

test('the shared cache is shared by nodes: a node finds the result another node stored', TEST, async (t) => {
  const nats = await startNats(t, { jetstream: true })
  const root = await tempProject(t, {
    'services/calc/stamp.ts': svc(
      `input: z.object({}), output: z.object({ pid: z.number(), at: z.number() }), cache: { ttl: '1m', store: 'shared' },
       run: () => ({ pid: process.pid, at: Date.now() }),`,
    ),
  })
  const a = await startNode(t, nats, root, 'calc/**', ['calc/stamp'])
  const b = await startNode(t, nats, root, 'calc/**', ['calc/stamp'])
  const first = await post(`${a.url}/api/calc/stamp`, {})
  assert.equal(first.status, 200, JSON.stringify(first.body))
  assert.equal((first.body as { pid: number }).pid, a.child.pid, 'node A runs its own copy')
  const second = await post(`${b.url}/api/calc/stamp`, {})
  assert.equal(second.status, 200, JSON.stringify(second.body))
  assert.deepEqual(second.body, first.body, `node B answers A's result from the shared store (B is ${b.child.pid})`)
})

test('a topic published by a service on one node reaches a subscriber on another', TEST, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, {
    'services/live/goal.ts': svc(
      `input: z.object({ team: z.string(), n: z.number() }), output: z.boolean(),
       run: (input, ctx) => { ctx.publish('scores', input); return true },`,
    ),
  })
  await startNode(t, nats, root, 'live/**', ['live/goal'])
  const rt = await client(t, nats)
  const got: unknown[] = []
  const stop = rt.topics.subscribe('scores', (data) => got.push(data))
  t.after(() => stop())
  let n = 0
  await until(
    async () => {
      n += 1
      await rt.call('live/goal', { team: 'York', n })
      return got.length > 0 ? true : undefined
    },
    'the subscriber sees a message published by live/goal',
    LIMIT,
  )
  assert.deepEqual(got[0], { team: 'York', n: (got[0] as { n: number }).n })
  assert.ok((got[0] as { n: number }).n >= 1)
})
