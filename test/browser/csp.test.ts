import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { launchChromium } from '../helpers/browser.ts'
import { REPO } from '../helpers/project.ts'

const NEWS = join(REPO, 'examples/news')
const SCORE = '[data-fragment="fragments/live-match"] .live-match__score'

/** The little of the browser's globals the page functions below use (the project has no DOM lib). */
type PageGlobals = {
  document: {
    addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void
    querySelector(selector: string): { textContent: string | null } | null
  }
  cspViolations: string[]
}

test('the demo front page runs under its CSP with no violation, deferred and live fragments included', {
  timeout: 120_000,
}, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  await warmedUp(server.url)
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`))
  await page.addInitScript(() => {
    const g = globalThis as unknown as PageGlobals
    g.cspViolations = []
    g.document.addEventListener('securitypolicyviolation', (event) => {
      g.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })

  const response = await page.goto(`${server.url}/?slowforecast=300&slowtv=400`, { waitUntil: 'load' })
  assert.equal(response?.status(), 200)
  const policy = response?.headers()['content-security-policy'] ?? ''
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1]
  assert.ok(nonce !== undefined && nonce.length >= 16, `the page policy names a nonce (${policy})`)
  const inline = await page.$$eval('script:not([src])', (els) => els.map((e) => e.getAttribute('nonce') ?? ''))
  assert.ok(inline.length >= 2, 'the deferred fragments arrived with inline swap scripts')
  // Chromium hides nonce attributes from getAttribute once applied: the scripts ran, so check the property.
  const nonces = await page.$$eval('script', (els) => els.map((e) => (e as unknown as { nonce: string }).nonce))
  assert.ok(
    nonces.every((n) => n === nonce),
    'every script nanoweb wrote carries this response nonce',
  )
  const placeholders = await page.$$eval('[data-nano-defer]', (els) =>
    els.map((e) => e.querySelector('[data-fragment]') !== null),
  )
  assert.ok(placeholders.length >= 2, `the slow deferred fragments were placeholders first (${placeholders.length})`)
  assert.ok(placeholders.every(Boolean), `every deferred fragment was swapped in (${placeholders})`)
  assert.equal(await page.$$eval('[data-nano-late]', (els) => els.length), 0, 'no late container left behind')

  const before = await page.$eval(SCORE, (el) => el.textContent ?? '')
  await server.runtime.call('sport/goal', { team: 'home' })
  await page.waitForFunction(
    ({ selector, text }) =>
      (globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent !== text,
    { selector: SCORE, text: before },
    { timeout: 10_000 },
  )

  const second = await browser.newPage()
  await second.goto(`${server.url}/`, { waitUntil: 'load' })
  const again = /'nonce-([^']+)'/.exec((await second.evaluate('document.querySelector("script").nonce')) as string)
  assert.notEqual(again?.[0], nonce, 'each response has its own nonce')

  const violations = await page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations)
  assert.deepEqual(violations, [], 'no securitypolicyviolation event')
  assert.deepEqual(consoleErrors, [], 'no CSP error in the console')
})

/** The demo's top story has a 300 ms timeout: on a busy machine its first calls may miss it. */
async function warmedUp(url: string): Promise<void> {
  for (let i = 0; i < 20; i++)
    if ((await fetch(`${url}/`).then((r) => r.arrayBuffer().then(() => r.status))) === 200) return
}

test('an inline script without the nonce is blocked and reported', { timeout: 120_000 }, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  await warmedUp(server.url)
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  await page.goto(`${server.url}/`, { waitUntil: 'load' })
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const d = (globalThis as unknown as { document: Record<string, never> }).document as unknown as {
          addEventListener(type: string, listener: (event: { violatedDirective: string }) => void): void
          createElement(tag: string): { textContent: string }
          body: { append(node: unknown): void }
        }
        d.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective))
        const script = d.createElement('script')
        script.textContent = 'document.title = "injected"'
        d.body.append(script)
        setTimeout(() => resolve('no violation'), 2000)
      }),
  )
  assert.match(outcome, /^script-src/)
  assert.notEqual(await page.title(), 'injected')
})
