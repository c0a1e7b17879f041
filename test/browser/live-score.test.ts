import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { launchChromium } from '../helpers/browser.ts'
import { REPO } from '../helpers/project.ts'

const NEWS = join(REPO, 'examples/news')
const ARTIFACTS = join(REPO, 'test-artifacts')
const SCORE = '[data-fragment="fragments/live-match"] .live-match__score'
const TICKER = '[data-fragment="fragments/latest-ticker"]'

/** The little of the browser's globals the page functions below use (the project has no DOM lib). */
type PageGlobals = {
  document: { querySelector(selector: string): { textContent: string | null } | null }
  liveMarker?: number
}

test('a goal and a latest headline reach the open front page without a reload', { timeout: 120_000 }, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  const browser = await launchChromium()
  t.after(() => browser.close())

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const response = await page.goto(`${server.url}/`, { waitUntil: 'load' })
  assert.equal(response?.status(), 200)
  assert.equal(
    await page.$$eval('script[src="/_nano/live.js"]', (els) => els.length),
    1,
    'the page loads the live script',
  )
  // Survives only as long as the document does: a reload would drop it.
  await page.evaluate(() => {
    ;(globalThis as unknown as PageGlobals).liveMarker = 42
  })

  const before = await page.$eval(SCORE, (el) => ({
    text: el.textContent ?? '',
    home: Number(el.getAttribute('data-home-goals')),
  }))
  assert.match(before.text, /^\d+\D+\d+$/, `the live match shows a score (${before.text})`)

  const scored = (await server.runtime.call('sport/goal', { team: 'home' })) as { match: { homeGoals: number } }
  assert.ok(scored.match.homeGoals > before.home, 'the goal counts')
  await page.waitForFunction(
    ({ selector, text }) => {
      const el = (globalThis as unknown as PageGlobals).document.querySelector(selector)
      return el !== null && el.textContent !== text
    },
    { selector: SCORE, text: before.text },
    { timeout: 10_000 },
  )
  const after = await page.$eval(SCORE, (el) => ({
    text: el.textContent ?? '',
    home: Number(el.getAttribute('data-home-goals')),
  }))
  assert.notEqual(after.text, before.text, 'the score changed in place')
  assert.ok(after.home >= scored.match.homeGoals, `the page shows the home goal (${after.text})`)

  const headline = 'Test headline 123'
  assert.ok(!(await page.$eval(TICKER, (el) => el.textContent ?? '')).includes(headline))
  await server.runtime.call('news/publish-latest', { headline })
  await page.waitForFunction(
    ({ selector, text }) =>
      (globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent?.includes(text) === true,
    { selector: TICKER, text: headline },
    { timeout: 10_000 },
  )
  const ticker = await page.$$eval(`${TICKER} .latest-ticker__item`, (els) => els.map((e) => e.textContent ?? ''))
  assert.equal(ticker.length, 3, 'the ticker shows three items')
  assert.ok(ticker[0]?.includes(headline), `the newest item is first (${ticker[0]})`)

  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).liveMarker), 42, 'no reload')
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'live-score.png'), fullPage: true })
})
