/**
 * A property-based fuzz of the gateway (docs/security/fuzzing.md): two real `nanoweb start`
 * processes (examples/news and a fixture app) get FUZZ_RUNS (default 10,000) generated requests
 * per endpoint kind, and a few hundred malformed ones over raw sockets. Every answer must keep the
 * contract of check.ts (no 5xx, every error a NANO_E_* code, no secret served, no hang), and both
 * processes must still be alive and ready at the end. FUZZ_SEED changes the requests.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { problemOf, rawProblemOf } from './check.ts'
import { type FuzzClient, fuzzClient } from './client.ts'
import { headers } from './header-requests.ts'
import { knownAs } from './known.ts'
import { rawRequests, sendRaw } from './raw-requests.ts'
import { type Aimed, apiGet, apiPost, files, pages } from './requests.ts'
import { type KindReport, runKind } from './run-kind.ts'
import { headerEndpoints, isReady, startServers, targetsOf } from './servers.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261130)
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000)
const RAW_RUNS = Number(process.env.FUZZ_RAW_RUNS ?? 300)
const CONCURRENCY = 16

test('gateway fuzz: no 5xx, every error a NANO_E_* code, no crash', { timeout: 600_000 }, async (t) => {
  const started = performance.now()
  console.log(`gateway fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} runs per kind (FUZZ_RUNS), ${RAW_RUNS} raw`)
  const servers = await startServers(t)
  const clients: Record<Aimed['base'], FuzzClient> = {
    news: fuzzClient(servers.news.url),
    fixture: fuzzClient(servers.fixture.url),
  }
  t.after(() => {
    for (const client of Object.values(clients)) client.close()
  })
  const urls = { news: servers.news.url, fixture: servers.fixture.url }
  const targets = [...(await targetsOf('news', urls.news)), ...(await targetsOf('fixture', urls.fixture))]
  const kinds = [
    { title: 'api POST', arbitrary: apiPost(targets) },
    { title: 'api GET', arbitrary: apiGet(targets) },
    { title: 'pages', arbitrary: pages() },
    { title: 'files', arbitrary: files() },
    { title: 'headers', arbitrary: headers(await headerEndpoints(urls)) },
  ]
  const reports: KindReport[] = []
  for (const kind of kinds) {
    const report = await runKind({
      ...kind,
      runs: RUNS,
      seed: SEED,
      concurrency: CONCURRENCY,
      send: (sample: Aimed) => clients[sample.base].send(sample.request),
      group: (outcome) => (outcome.kind === 'answer' ? `${String(outcome.status)[0]}xx` : 'none'),
      check: (sample, outcome) => problemOf(sample.request, outcome),
      known: (sample, _outcome, problem) => knownAs(sample, problem),
    })
    reports.push(report)
    console.log(summary(report))
  }
  const raw = await runKind({
    title: 'raw sockets',
    arbitrary: rawRequests(),
    runs: RAW_RUNS,
    seed: SEED,
    concurrency: CONCURRENCY,
    send: (sample) => sendRaw(urls[sample.base], sample),
    group: (outcome) => `${outcome.end}:${outcome.responses.map((r) => r.status).join('+') || 'none'}`,
    check: rawProblemOf,
    known: (sample, _outcome, problem) => knownAs(sample, problem),
  })
  reports.push(raw)
  console.log(summary(raw))

  for (const [name, server] of Object.entries(servers)) {
    assert.ok(server.alive(), `the ${name} server died:\n${server.stderr().slice(-4000)}`)
    await isReady(server.url)
  }
  const logged = Object.entries(servers).flatMap(([name, s]) => errorLines(s.stderr()).map((l) => `${name}: ${l}`))
  const retried = clients.news.retried() + clients.fixture.retried()
  console.log(
    `gateway fuzz: done in ${Math.round(performance.now() - started)} ms (${retried} keep-alive races retried)`,
  )
  const failed = reports.filter((r) => r.findings.length > 0)
  assert.deepEqual(
    failed.map((r) => `${r.title}: ${r.findings.length} findings`),
    [],
    failed.map(details).join('\n\n'),
  )
  assert.deepEqual(logged.slice(0, 20), [], 'the servers logged errors')
})

function summary(report: KindReport): string {
  const known = Object.entries(report.known).map(([id, n]) => `${id} ×${n} (first: ${report.knownExamples[id]})`)
  return `gateway fuzz: ${report.title}: ${report.runs} requests in ${report.ms} ms, ${JSON.stringify(report.statuses)}, ${report.findings.length} findings${known.length === 0 ? '' : `, known elsewhere: ${known.join(', ')}`}`
}

function details(report: KindReport): string {
  const first = report.findings.slice(0, 10).map((f) => `  #${f.index} ${f.problem}\n    ${f.sample}`)
  return `${report.title} (seed ${SEED}):\n${first.join('\n')}\n  shrunk: ${(report.shrunk ?? '').slice(0, 3000)}`
}

/** The error records a server wrote (its log level is `error`, so every line is one). */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.includes('"level":"error"'))
    .map((line) => line.slice(0, 500))
}
