/**
 * The two servers the gateway fuzz runs against, each a `nanoweb start` child process (so a
 * crash is the process dying): examples/news and the fuzz's fixture app. Also what the fuzz
 * learns from them before it starts: the services' input schemas and the validators of the
 * endpoints the headers kind uses.
 */
import type { TestContext } from 'node:test'
import { serve } from '../helpers/cli.ts'
import { tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'
import type { Schema, Target } from './arbitraries.ts'
import { FIXTURE_FILES } from './fixture-app.ts'
import type { HeaderEndpoint } from './header-requests.ts'
import { withoutDemoFlags } from './requests.ts'

/**
 * One running server.
 *
 * @example
 * assert.ok(server.alive(), server.stderr())
 */
export interface FuzzServer {
  readonly url: string
  /** True while the process runs. */
  alive(): boolean
  /** Its stderr so far. */
  stderr(): string
}

/**
 * Starts both servers (`--log-level error`: what they log is what went wrong) and waits until
 * each answers `/_nano/ready` with 200.
 *
 * @example
 * const { news, fixture } = await startServers(t)
 */
export async function startServers(t: TestContext): Promise<{ news: FuzzServer; fixture: FuzzServer }> {
  const root = await tempProject(t, FIXTURE_FILES)
  const flags = ['--port', '0', '--log-level', 'error']
  const [news, fixture] = await Promise.all([
    serve(t, ['start', 'examples/news', ...flags]),
    serve(t, ['start', root, ...flags]),
  ])
  const servers = { news: asServer(news), fixture: asServer(fixture) }
  await Promise.all(Object.values(servers).map((s) => isReady(s.url, 30_000)))
  return servers
}

function asServer(child: Awaited<ReturnType<typeof serve>>): FuzzServer {
  return {
    url: child.url,
    alive: () => child.child.exitCode === null && child.child.signalCode === null,
    stderr: child.stderr,
  }
}

/**
 * Resolves once `url` answers `/_nano/ready` with 200 (rejects after `ms`).
 *
 * @example
 * await isReady(server.url)
 */
export async function isReady(url: string, ms = 10_000): Promise<void> {
  await until(
    async () => ((await fetch(`${url}/_nano/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
    'a 200 from /_nano/ready',
    ms,
  )
}

/**
 * The services of a server as fuzz targets, from its catalog (the news demo's `fail`/`slow`
 * inputs removed: they fail and wait on purpose).
 *
 * @example
 * const targets = await targetsOf('news', news.url)
 */
export async function targetsOf(base: Target['base'], url: string): Promise<Target[]> {
  const catalog = (await (await fetch(`${url}/_nano/catalog`)).json()) as {
    services: { name: string; idempotent: boolean; input: Schema }[]
  }
  return catalog.services.map((s) => ({
    base,
    name: s.name,
    idempotent: s.idempotent,
    schema: base === 'news' ? withoutDemoFlags(s.input) : s.input,
  }))
}

const ENDPOINTS: readonly Omit<HeaderEndpoint, 'etag' | 'lastModified'>[] = [
  { base: 'fixture', method: 'GET', path: '/_assets/app.css' },
  { base: 'fixture', method: 'GET', path: '/data/big.txt' },
  { base: 'fixture', method: 'GET', path: '/robots.txt' },
  { base: 'fixture', method: 'GET', path: '/_nano/live.js' },
  { base: 'fixture', method: 'GET', path: '/_nano/health' },
  { base: 'fixture', method: 'GET', path: '/api/fuzz/lookup?q=abc&limit=3' },
  { base: 'fixture', method: 'HEAD', path: '/api/fuzz/lookup?q=abc' },
  { base: 'fixture', method: 'GET', path: '/api/fuzz/card?title=hello&count=3' },
  { base: 'fixture', method: 'GET', path: '/' },
  { base: 'fixture', method: 'GET', path: '/item/abc?count=2' },
  { base: 'fixture', method: 'GET', path: '/notes/hello' },
  { base: 'fixture', method: 'POST', path: '/api/fuzz/profile', body: '{"name":"Ada","age":36,"role":"admin"}' },
  { base: 'news', method: 'GET', path: '/_assets/site.css' },
  { base: 'news', method: 'GET', path: '/' },
  { base: 'news', method: 'GET', path: '/story/x' },
  { base: 'news', method: 'GET', path: '/api/news/headlines?limit=2' },
]

/**
 * The headers kind's endpoints, each with its ETag and Last-Modified when it has them, plus the
 * fixture's fragment stylesheet (its URL from the `link` header of the fixture's front page).
 *
 * @example
 * const endpoints = await headerEndpoints({ news: news.url, fixture: fixture.url })
 */
export async function headerEndpoints(urls: Record<Target['base'], string>): Promise<HeaderEndpoint[]> {
  const link = (await fetch(`${urls.fixture}/`)).headers.get('link') ?? ''
  const css = /<([^>]+)>/.exec(link)?.[1]
  const all = css === undefined ? ENDPOINTS : [...ENDPOINTS, { base: 'fixture' as const, method: 'GET', path: css }]
  return Promise.all(
    all.map(async (endpoint) => {
      const res = await fetch(`${urls[endpoint.base]}${endpoint.path}`, { method: 'HEAD' })
      await res.arrayBuffer()
      return {
        ...endpoint,
        etag: res.headers.get('etag') ?? undefined,
        lastModified: res.headers.get('last-modified') ?? undefined,
      }
    }),
  )
}
