import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { startNats } from '../cluster/nats-server.ts'
import { launchChromium } from '../helpers/browser.ts'
import { REPO } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const NEWS = join(REPO, 'examples/news')
const ARTIFACTS = join(REPO, 'test-artifacts')
const SCORE = '[data-fragment="fragments/live-match"] .live-match__score'

type PageGlobals = {
  document: { querySelector(selector: string): { textContent: string | null } | null }
  liveMarker?: number
}

test('a goal scored on one node updates the live score in a page served by a gateway-only node', {
  timeout: 120_000,
}, async (t) => {
  const nats = await startNats(t)
  const services = await createServer({ root: NEWS, port: 0, logger: false, nats: { servers: nats.url } })
  nats.after(() => services.close())
  // as a deployment behind a readiness probe would: the gateway renders the front page once before it
  // reports ready, so the first visitor's fragments are not the cluster's first calls
  const gateway = await createServer({
    root: NEWS,
    port: 0,
    logger: false,
    nats: { servers: nats.url },
    services: [],
    warm: 'render',
  })
  nats.after(() => gateway.close())
  assert.deepEqual(gateway.runtime.names(), [], 'the gateway runs no service itself')
  for (const [node, server] of [
    ['the service node', services],
    ['the gateway', gateway],
  ] as const) {
    await until(
      async () => ((await fetch(`${server.url}/_nano/ready`)).status === 200 ? true : undefined),
      `${node} to be ready (as a load balancer's readiness probe waits for each node)`,
      30_000,
    )
  }

  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const response = await page.goto(`${gateway.url}/`, { waitUntil: 'load' })
  assert.equal(response?.status(), 200)
  await page.evaluate(() => {
    ;(globalThis as unknown as PageGlobals).liveMarker = 7
  })
  const before = await page.$eval(SCORE, (el) => el.textContent ?? '')
  assert.match(before, /^\d+\D+\d+$/, `the gateway's page shows a score rendered by the service node (${before})`)

  const scored = (await services.runtime.call('sport/goal', { team: 'away' })) as { match: { awayGoals: number } }
  await page.waitForFunction(
    ({ selector, text }) => {
      const el = (globalThis as unknown as PageGlobals).document.querySelector(selector)
      return el !== null && el.textContent !== text
    },
    { selector: SCORE, text: before },
    { timeout: 15_000 },
  )
  const after = await page.$eval(SCORE, (el) => ({
    text: el.textContent ?? '',
    away: Number(el.getAttribute('data-away-goals')),
  }))
  assert.ok(after.away >= scored.match.awayGoals, `the page shows the away goal (${after.text})`)
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).liveMarker), 7, 'no reload')
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'live-across-nodes.png'), fullPage: true })
})
