import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { test } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { REPO, svc, tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

/** GET or POST on a new connection each time (no keep-alive), so round robin spreads them. */
function call(url: string, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      res.on('error', reject)
    })
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url} within 15 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** A process whose output is kept, killed after the test if still running. */
function launch(t: import('node:test').TestContext, args: string[]) {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout?.on('data', (d) => {
    out.stdout += d.toString()
  })
  child.stderr?.on('data', (d) => {
    out.stderr += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, out, exited }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** {@link until}, failing with the processes' output as it is at the failure. */
async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  output: () => string,
  ms = 40_000,
): Promise<T> {
  try {
    return await until(check, what, ms)
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${output()}`)
  }
}

async function stopPrimary(child: ChildProcess, exited: Promise<number | null>, pids: number[], output: () => string) {
  child.kill('SIGTERM')
  const code = await Promise.race([
    exited,
    new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000).unref()),
  ])
  assert.equal(code, 0, `the primary should exit 0 after SIGTERM; output:\n${output()}`)
  await waitFor(() => (pids.some(alive) ? undefined : true), `every worker gone (${pids.join(', ')})`, output)
}

test('workers: both serve, one killed is restarted, SIGTERM drains them all', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'services/pid.ts': svc(`input: z.object({}), output: z.number(), run: () => process.pid`),
  })
  const { child, out, exited } = launch(t, [BIN, 'start', root, '--port', '0', '--workers', '2'])
  const output = (): string => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`
  const url = await waitFor(
    () => /http:\/\/\S+/.exec(out.stdout)?.[0].replace('localhost', '127.0.0.1'),
    'the workers to print their URL',
    output,
  )
  const pid = async (): Promise<number> => {
    const answer = await call(`${url}/api/pid`, 'POST', '{}')
    assert.equal(answer.status, 200, `POST /api/pid answered ${answer.status}: ${answer.text}`)
    return Number(answer.text)
  }

  const seen = new Set<number>()
  await waitFor(async () => (seen.add(await pid()).size >= 2 ? true : undefined), 'two worker pids answering', output)
  const [first, second] = [...seen] as [number, number]
  assert.notEqual(first, process.pid)

  process.kill(first, 'SIGKILL')
  await waitFor(
    () => (out.stderr.includes(`(pid ${first}) exited (signal SIGKILL); restarting`) ? true : undefined),
    `the primary to log the restart of pid ${first}`,
    output,
  )
  // Sequential requests, each on a new connection: every one succeeds (the other worker answers)
  // until the replacement answers too.
  const after = new Set<number>()
  await waitFor(
    async () => {
      const answeredBy = await pid()
      after.add(answeredBy)
      return answeredBy !== second ? answeredBy : undefined
    },
    'a restarted worker answering',
    () => `answered by ${[...after].join(', ')}\n${output()}`,
  )
  const restarted = [...after].find((p) => p !== second) as number
  assert.notEqual(restarted, first, 'the killed worker cannot answer')
  assert.ok(!alive(first))

  await stopPrimary(child, exited, [second, restarted], output)
})

/** A program run as primary (supervising 2 workers) and as each worker: HTTP commands on its own port. */
function fixture(): string {
  const workers = join(REPO, 'src/cluster/workers/index.ts')
  return `import cluster from 'node:cluster'
import { createServer } from 'node:http'
import { superviseWorkers, workerPorts } from ${JSON.stringify(workers)}

if (cluster.isPrimary) {
  const code = await superviseWorkers({ count: 2, shutdownTimeoutMs: 1000, log: (line) => process.stderr.write(line + '\\n') })
  process.exit(code)
} else {
  const ports = workerPorts()
  const got = []
  ports.topics.subscribe('t', (data) => got.push(data))
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    const q = url.searchParams
    let body = true
    if (url.pathname === '/publish') ports.topics.publish('t', q.get('data'))
    else if (url.pathname === '/got') body = got
    else if (url.pathname === '/set') {
      const entry = { value: q.get('value'), storedAt: 1, freshUntil: 2, staleUntil: 3, errorUntil: 4, size: 5 }
      await ports.sharedCache.set(q.get('key'), entry, 60_000)
    } else if (url.pathname === '/get') body = (await ports.sharedCache.get(q.get('key'))) ?? null
    res.end(JSON.stringify(body))
  })
  server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
    process.stdout.write('ready ' + process.pid + ' ' + server.address().port + '\\n')
  })
  process.once('SIGTERM', () => server.close(() => process.exit(0)))
}
`
}

test('workers share topics and a cache through the primary', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, { 'fixture.ts': fixture() })
  const { child, out, exited } = launch(t, [join(root, 'fixture.ts')])
  const output = (): string => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`
  const [a, b] = await waitFor(
    () => {
      const ports = [...out.stdout.matchAll(/ready \d+ (\d+)/g)].map((m) => `http://127.0.0.1:${m[1]}`)
      return ports.length >= 2 ? ports : undefined
    },
    'two workers ready',
    output,
  )
  const json = async (url: string): Promise<unknown> => JSON.parse((await call(url)).text)

  await call(`${a}/publish?data=hello`)
  await waitFor(
    async () => ((await json(`${b}/got`)) as string[]).includes('hello') || undefined,
    'worker b to receive the topic published in worker a',
    output,
  )
  assert.deepEqual(await json(`${a}/got`), ['hello'], 'the publisher hears its own message once')

  assert.equal(await json(`${b}/get?key=k`), null, 'a miss before anything is set')
  await call(`${a}/set?key=k&value=v1`)
  const entry = await json(`${b}/get?key=k`)
  assert.deepEqual(entry, { value: 'v1', storedAt: 1, freshUntil: 2, staleUntil: 3, errorUntil: 4, size: 5 })

  const pids = [...out.stdout.matchAll(/ready (\d+)/g)].map((m) => Number(m[1]))
  await stopPrimary(child, exited, pids, output)
})
