import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer as listen } from 'node:net'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { CallGraph } from '../../src/http/graph/model.ts'
import { createServer } from '../../src/index.ts'
import { nanoweb } from '../helpers/cli.ts'
import { tempProject } from '../helpers/project.ts'
import { GRAPH_APP } from './graph-project.ts'

const DECLARED = ['frag/box → weather', 'page:/ → frag/box', 'page:/report → weather', 'weather → geo']

/** Reads a Mermaid flowchart back: its node labels by id, and its edges as `from → to` labels. */
function readMermaid(text: string): {
  labels: Map<string, string>
  edges: { pair: string; arrow: string; label: string }[]
} {
  const lines = text.trim().split('\n')
  assert.equal(lines[0], 'flowchart LR')
  const labels = new Map<string, string>()
  const edges: { pair: string; arrow: string; label: string }[] = []
  for (const line of lines.slice(1)) {
    const node = /^ {2}(n\d+)[[(]{1,2}"([^"]*)"[\])]{1,2}$/.exec(line)
    const edge = /^ {2}(n\d+) (-->|-\.->)(?:\|"([^"]*)"\|)? (n\d+)$/.exec(line)
    if (node !== null) labels.set(node[1] as string, node[2] as string)
    else if (edge !== null)
      edges.push({ pair: `${edge[1]} → ${edge[4]}`, arrow: edge[2] as string, label: edge[3] ?? '' })
    else assert.match(line, /^ {2}(classDef \w+ .+|class n\d+(,n\d+)* \w+)$/, `an unexpected line: ${line}`)
  }
  const named = edges.map((e) => {
    const [from, to] = e.pair.split(' → ') as [string, string]
    return { ...e, pair: `${labels.get(from)} → ${labels.get(to)}` }
  })
  return { labels, edges: named }
}

test('nanoweb graph --format json: the declared graph of the project files', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const r = await nanoweb(['graph', root, '--format', 'json'])
  assert.equal(r.code, 0, r.stderr)
  const graph = JSON.parse(r.stdout) as CallGraph
  assert.equal(graph.observing, false)
  assert.deepEqual(
    graph.nodes.map((n) => n.id),
    ['frag/box', 'geo', 'weather', 'page:/', 'page:/report'],
  )
  assert.deepEqual(
    graph.edges.map((e) => `${e.from} → ${e.to}`),
    DECLARED,
  )
})

test('nanoweb graph (mermaid by default): a flowchart LR with safe ids, labels and every declared edge', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const r = await nanoweb(['graph', root])
  assert.equal(r.code, 0, r.stderr)
  const { labels, edges } = readMermaid(r.stdout)
  assert.deepEqual([...labels.values()], ['frag/box', 'geo', 'weather', 'page /', 'page /report'])
  assert.deepEqual(
    edges.map((e) => `${e.pair} ${e.arrow}`),
    DECLARED.map((d) => `${d.replace('page:', 'page ')} -->`),
  )
  assert.match(r.stdout, /classDef internal .+\n {2}class n1 internal/, 'geo is marked internal')
})

test('nanoweb graph --format dot: a digraph Graphviz reads, with quoted ids', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const r = await nanoweb(['graph', root, '-f', 'dot'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^digraph nanoweb \{\n/)
  const edges = [...r.stdout.matchAll(/^ {2}"([^"]+)" -> "([^"]+)";$/gm)].map((m) => `${m[1]} → ${m[2]}`)
  assert.deepEqual(edges, DECLARED)
  assert.match(r.stdout, /^ {2}"page:\/report" \[label="page \/report", shape=note\];$/m)
  const svg = await graphviz(r.stdout)
  assert.equal((svg.match(/class="node"/g) ?? []).length, 5, 'Graphviz drew a node per service and page')
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 4)
})

test('nanoweb graph --url: declared and observed edges of a running server, with rate, errors and p95', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  for (const city of ['Leeds', 'Atlantis']) {
    const response = await fetch(`${server.url}/api/weather`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ city }),
    })
    await response.arrayBuffer()
  }
  const json = await nanoweb(['graph', '--url', server.url, '--format', 'json'])
  assert.equal(json.code, 0, json.stderr)
  const graph = JSON.parse(json.stdout) as CallGraph
  assert.equal(graph.observing, true)
  const http = graph.edges.find((e) => e.from === 'outside:http' && e.to === 'weather')
  assert.deepEqual([http?.declared, http?.observed?.calls, http?.observed?.errors], [false, 2, 1])

  const mermaid = await nanoweb(['graph', '--url', `${server.url}/`])
  assert.equal(mermaid.code, 0, mermaid.stderr)
  const { edges } = readMermaid(mermaid.stdout)
  const seen = edges.find((e) => e.pair === 'http → weather')
  assert.equal(seen?.arrow, '-.->', 'an undeclared edge is dotted')
  assert.match(seen?.label ?? '', /^2 calls · [\d.]+\/s · 50% errors · p95 [\d.]+ ms$/)
  const declared = edges.find((e) => e.pair === 'weather → geo')
  assert.equal(declared?.arrow, '-->')
  assert.match(declared?.label ?? '', /^2 calls · /)

  const dot = await nanoweb(['graph', '--url', server.url, '-f', 'dot'])
  assert.match(
    dot.stdout,
    /^ {2}"outside:http" -> "weather" \[style=dashed, label="2 calls · [^"]+", penwidth=2, color=red\];$/m,
  )
  await graphviz(dot.stdout)
})

test('nanoweb graph: an unknown format or an unreachable server is a clear error', async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const bad = await nanoweb(['graph', root, '--format', 'svg'])
  assert.equal(bad.code, 2)
  assert.equal(bad.stdout, '')
  assert.match(bad.stderr, /NANO_E_BAD_REQUEST: Unknown format 'svg': use one of mermaid, dot, json/)
  const typo = await nanoweb(['graph', root, '--format', 'mermiad'])
  assert.match(typo.stderr, /did you mean mermaid\?/)

  const port = await closedPort()
  const down = await nanoweb(['graph', '--url', `http://127.0.0.1:${port}`])
  assert.equal(down.code, 1)
  assert.match(
    down.stderr,
    /NANO_E_UNAVAILABLE: Cannot reach http:\/\/127\.0\.0\.1:\d+\/_nano\/graph: .*Is the server running\?/,
  )

  const guarded = await createServer({ root, port: 0, logger: false, production: true })
  t.after(() => guarded.close())
  const refused = await nanoweb(['graph', '--url', guarded.url])
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /NANO_E_UNAUTHENTICATED: .*\/_nano\/graph answered 401/)
})

/** Renders DOT with Graphviz (`apt-get install graphviz`); rejects what it cannot read. */
async function graphviz(dot: string): Promise<string> {
  const child = promisify(execFile)('dot', ['-Tsvg'], { timeout: 60_000 })
  child.child.stdin?.end(dot)
  const { stdout, stderr } = await child.catch((error: Error & { code?: string }) => {
    throw new Error(error.code === 'ENOENT' ? 'Graphviz is not installed: apt-get install graphviz' : error.message)
  })
  assert.equal(stderr, '', 'Graphviz reports nothing')
  return stdout
}

async function closedPort(): Promise<number> {
  const server = listen()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

test('nanoweb graph --help names the formats and --url; nanoweb --help lists the command', async () => {
  const help = await nanoweb(['graph', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /Usage: nanoweb graph \[options\] \[root\]/)
  assert.match(help.stdout, /-f, --format <format>\s+mermaid, dot or json \(default: "mermaid"\)/)
  assert.match(help.stdout, /-u, --url <url>/)
  const top = await nanoweb(['--help'])
  assert.match(top.stdout, /\n {2}graph \[options\] \[root\]/)
})
