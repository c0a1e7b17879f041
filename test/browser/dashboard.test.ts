import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { launchChromium } from '../helpers/browser.ts'
import { REPO, tempProject } from '../helpers/project.ts'
import { GRAPH_APP } from '../observe/graph-project.ts'

const NEWS = join(REPO, 'examples/news')
const ARTIFACTS = join(REPO, 'test-artifacts')
const CALLS = (name: string): string => `#figures tr[data-service="${name}"] [data-col="calls"]`

/** The little of the browser's globals the page functions below use (the project has no DOM lib). */
type PageGlobals = {
  document: {
    addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void
    querySelector(selector: string): { textContent: string | null } | null
  }
  cspViolations: string[]
}

test('the dashboard: catalog search, the graph drawn, live figures by SSE, under the page CSP', {
  timeout: 180_000,
}, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  const catalog = (await (await fetch(`${server.url}/_nano/catalog`)).json()) as { services: { name: string }[] }
  const names = catalog.services.map((s) => s.name)
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /content security policy|refused to/i.test(message.text()))
      problems.push(`console: ${message.text()}`)
  })
  page.on('response', (answer) => {
    if (answer.status() >= 400) problems.push(`${answer.status()} ${answer.url()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  await page.addInitScript(() => {
    const g = globalThis as unknown as PageGlobals
    g.cspViolations = []
    g.document.addEventListener('securitypolicyviolation', (event) => {
      g.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })

  const response = await page.goto(`${server.url}/_nano/`, { waitUntil: 'load' })
  assert.equal(response?.status(), 200)
  assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-/)
  await page.waitForSelector('#catalog .service', { timeout: 30_000 })
  assert.equal(await page.$$eval('#catalog .service', (els) => els.length), names.length, 'a card per service')

  const drawn = await page.$$eval('#graph .node', (els) => els.map((e) => e.getAttribute('data-id') ?? ''))
  for (const name of names) assert.ok(drawn.includes(name), `the graph has a node for ${name}`)
  assert.ok(drawn.includes('page:/'), 'and one per page')
  assert.ok((await page.$$eval('#graph .edge', (els) => els.length)) > 10, 'with the declared edges')

  await page.fill('#search', 'weather')
  const shown = await page.$$eval('#catalog .service:not([hidden])', (els) =>
    els.map((e) => e.getAttribute('data-name')),
  )
  assert.ok(shown.length > 0 && shown.length < names.length, `the search narrows the catalog (${shown.join(', ')})`)
  assert.ok(shown.includes('fragments/weather-box'), shown.join(', '))
  assert.ok(!shown.includes('markets/quote'), 'a service not matching is hidden')
  assert.match((await page.textContent('#count')) ?? '', new RegExp(`^${shown.length} of ${names.length} services$`))
  assert.equal(await page.$$eval('#graph .node.dim[data-id="markets/quote"]', (els) => els.length), 1)
  await page.fill('#search', '')

  await page.waitForFunction(
    () => /^live/.test((globalThis as unknown as PageGlobals).document.querySelector('#status')?.textContent ?? ''),
    undefined,
    { timeout: 30_000 },
  )
  const row = await page.$(CALLS('fragments/top-story'))
  const before = row === null ? 0 : Number(await row.textContent())
  for (let i = 0; i < 3; i++) {
    const front = await fetch(`${server.url}/`)
    assert.equal(front.status, 200)
    await front.arrayBuffer()
  }
  await page.waitForFunction(
    ({ selector, least }) =>
      Number((globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent) >= least,
    { selector: CALLS('fragments/top-story'), least: before + 3 },
    { timeout: 60_000 },
  )
  const rate = await page.textContent('#figures tr[data-service="fragments/top-story"] [data-col="rate"]')
  assert.match(rate ?? '', /^\d+\.\d$/, 'a calls/s figure')

  await page.waitForSelector('#graph .edge.observed', { timeout: 30_000 })
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') })
  const violations = await page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations)
  assert.deepEqual(violations, [], 'no securitypolicyviolation event')
  assert.deepEqual(problems, [], 'no console error, no failed request')
})

test('with metrics off the dashboard says so, opens no stream, and still shows the catalog and the graph', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, GRAPH_APP)
  const server = await createServer({ root, port: 0, logger: false, metrics: false })
  t.after(() => server.close())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('request', (request) => {
    if (request.url().includes('/dashboard/events')) problems.push(`opened ${request.url()}`)
  })
  await page.goto(`${server.url}/_nano/`, { waitUntil: 'load' })
  await page.waitForSelector('#figures-off:not([hidden])', { timeout: 30_000 })
  assert.match((await page.textContent('#status')) ?? '', /metrics are off/)
  assert.equal(await page.$$eval('#catalog .service', (els) => els.length), 3)
  assert.deepEqual(await page.$$eval('#graph .node', (els) => els.map((e) => e.getAttribute('data-id'))), [
    'frag/box',
    'geo',
    'weather',
    'page:/',
    'page:/report',
  ])
  assert.equal(await page.$$eval('#graph .edge.observed', (els) => els.length), 0)
  assert.deepEqual(problems, [])
})
