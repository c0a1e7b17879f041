import assert from 'node:assert/strict'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { launchChromium } from '../helpers/browser.ts'
import { REPO } from '../helpers/project.ts'

const NEWS = join(REPO, 'examples/news')
const ARTIFACTS = join(REPO, 'test-artifacts')

test('the demo front page renders every fragment in Chromium', { timeout: 120_000 }, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const template = await readFile(join(NEWS, 'pages/index.html'), 'utf8')
  const sources = [...new Set([...template.matchAll(/<nano-fragment[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] as string))]
  assert.ok(sources.length >= 15, `the front page has ${sources.length} fragments`)

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const response = await page.goto(`${server.url}/`, { waitUntil: 'load' })
  assert.equal(response?.status(), 200)
  const rendered = await page.$$eval('[data-fragment]', (els) => els.map((e) => e.getAttribute('data-fragment')))
  for (const src of sources) assert.ok(rendered.includes(src), `fragment ${src} rendered`)
  const stylesheets = await page.$$eval('link[rel=stylesheet]', (els) => els.map((e) => e.getAttribute('href')))
  assert.equal(new Set(stylesheets).size, stylesheets.length, 'each stylesheet linked once')
  const styled = await page.evaluate('document.styleSheets.length')
  assert.ok(Number(styled) >= 2, 'the stylesheets loaded')
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'front-page.png'), fullPage: true })
})

test('a deferred or slow fragment is swapped in place in the browser', { timeout: 120_000 }, async (t) => {
  const server = await createServer({ root: NEWS, port: 0, logger: false })
  t.after(() => server.close())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  await page.goto(`${server.url}/`, { waitUntil: 'load' })
  const placeholders = await page.$$eval('[data-nano-defer]', (els) =>
    els.map((e) => e.querySelector('[data-fragment]') !== null),
  )
  assert.ok(placeholders.every(Boolean), 'every deferred placeholder now holds its fragment')
  assert.equal(await page.$$eval('[data-nano-late]', (els) => els.length), 0, 'no late container left behind')
})
